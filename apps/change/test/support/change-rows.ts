import { randomUUID } from 'node:crypto';
import { type ChangeApproval, ChangeApprovalState, type ChangeOutcome, ChangeState, ChangeType } from '@itsm/contracts';
import type { ChangeHarness } from './change-harness';

const HOUR_MS = 60 * 60 * 1000;

/** A change as a test needs it stored; what is left out is a normal change in new, planned for tomorrow. */
export interface ChangeRowSeed {
  number: string;
  type?: ChangeType;
  title?: string;
  state?: ChangeState;
  ciIds?: string[];
  plannedStart?: Date;
  plannedEnd?: Date;
  approvalState?: ChangeApprovalState | null;
  outcome?: ChangeOutcome | null;
  backoutPerformed?: boolean | null;
  implementedAt?: string | null;
  createdAt?: string;
}

/** An approval by one manager in the given state, as the approval rules leave it. */
function approvalIn(state: ChangeApprovalState, at: string): ChangeApproval {
  const votes = state === ChangeApprovalState.Pending ? [] : [{ approverId: 'maria', onBehalfOf: null, decision: state === ChangeApprovalState.Approved ? 'approve' : 'reject', comment: '', at }];
  return { policy: 'normal-low', role: 'manager', quorum: 1, state, votes, delegations: [], requestedAt: at, decidedAt: state === ChangeApprovalState.Pending ? null : at } as unknown as ChangeApproval;
}

/**
 * Writes a change row as the change service would have left it after its lifecycle (for tests of what reads
 * changes: releases, reports), returning its id.
 */
export async function insertChange(h: ChangeHarness, seed: ChangeRowSeed): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  const createdAt = seed.createdAt ?? new Date(now).toISOString();
  const plannedStart = seed.plannedStart ?? new Date(now + 24 * HOUR_MS);
  const plannedEnd = seed.plannedEnd ?? new Date(plannedStart.getTime() + 2 * HOUR_MS);
  const approval = seed.approvalState ? approvalIn(seed.approvalState, createdAt) : null;
  await h.database.query(
    `INSERT INTO change.changes (id, number, type, template_id, title, ci_ids, planned_start, planned_end, requested_by, state, risk_level, approval, outcome, backout_performed, implementation_started_at, implemented_at, created_at, updated_at, version)
     VALUES ($1, $2, $3, $15, $4, $5::uuid[], $6, $7, 'sam', $8, $9, $10::jsonb, $11, $12, $13, $13, $14, $14, 1)`,
    [
      id,
      seed.number,
      seed.type ?? ChangeType.Normal,
      seed.title ?? `Change ${seed.number}`,
      seed.ciIds ?? [randomUUID()],
      plannedStart,
      plannedEnd,
      seed.state ?? ChangeState.New,
      approval ? 'low' : null,
      approval ? JSON.stringify(approval) : null,
      seed.outcome ?? null,
      seed.backoutPerformed ?? null,
      seed.implementedAt ?? null,
      createdAt,
      // A standard change always names its template (the rows of the templates are not read by what these tests cover).
      (seed.type ?? ChangeType.Normal) === ChangeType.Standard ? randomUUID() : null,
    ],
  );
  return id;
}
