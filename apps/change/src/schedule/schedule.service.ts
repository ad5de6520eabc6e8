import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, type DataSource, type EntityManager } from 'typeorm';
import { type ChangeApproval, ChangeApprovalState, type ChangeConflict, type ChangeConflictCheck, ChangeState, ConflictKind, type GateAnswer } from '@itsm/contracts';
import { changeNotFound } from '../domain/access';
import { type BlackoutOccurrences, type ConflictCandidate, findConflicts, type MaintenanceOccurrences, type ScheduleConflict, type ScheduledChange } from '../domain/conflicts';
import { evaluateGate } from '../domain/gate';
import { type Interval, occurrences, type RecurringWindow, WindowError } from '../domain/windows';
import { Change } from '../changes/change.entity';
import { BlackoutWindow } from '../windows/blackout-window.entity';
import { MaintenanceWindow } from '../windows/maintenance-window.entity';

/** The states in which a change holds its window, as SQL on the alias `c` (see `holdsWindow` of domain/conflicts.ts). */
export const HOLDS_WINDOW_SQL = `(c.state IN ('${ChangeState.Scheduled}', '${ChangeState.Implement}') OR (c.state = '${ChangeState.Authorize}' AND c.approval->>'state' = '${ChangeApprovalState.Approved}'))`;

/** The approval state of a change (its JSON column holds the contracts' ChangeApproval). */
export const approvalStateOf = (change: Change): ChangeApprovalState | null => (change.approval as ChangeApproval | null)?.state ?? null;

export const recurringWindowOf = (window: BlackoutWindow | MaintenanceWindow): RecurringWindow => ({
  start: window.startsAt,
  end: window.endsAt,
  rrule: window.rrule,
  timeZone: window.timeZone,
});

export function toChangeConflict(conflict: ScheduleConflict): ChangeConflict {
  return { ...conflict, from: conflict.from.toISOString(), to: conflict.to.toISOString() };
}

/** Expanding a window over a span it cannot be expanded over (far from its first occurrence, or a span with too many occurrences). */
class Unexpandable {
  constructor(readonly reason: string) {}
}

/**
 * The schedule check and the deployment gate. Both read what stands around a change in the database (other changes
 * holding their windows, blackouts, maintenance windows), narrowed in SQL by the GIN-indexed CI arrays and the window
 * overlap, and leave the decision to the pure rules of domain/conflicts.ts and domain/gate.ts.
 *
 * A window whose rule cannot be expanded over the span asked (a change planned decades after the window's first
 * occurrence, or one so long that it overlaps more occurrences than one query may list) cannot be shown clear: it
 * counts as a conflict whose detail says so, rather than failing the check. Creation refuses rules that cannot be
 * read at all, so no stored window is unreadable.
 */
@Injectable()
export class ScheduleService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * What stands in the way of the change's planned window now (what has already ended no longer counts), in the
   * order of findConflicts: changes, blackouts, maintenance windows. Writes nothing; runs in `manager`'s transaction and holds the schedule locks of the CIs it touches until that transaction ends.
   */
  async check(manager: EntityManager, change: Change): Promise<ChangeConflict[]> {
    const now = new Date();
    const window: Interval = { start: change.plannedStart, end: change.plannedEnd };
    const candidate: ConflictCandidate = { id: change.id, ciIds: change.ciIds, impactCiIds: change.impactCiIds, window };
    const touched = [...new Set([...change.ciIds, ...change.impactCiIds])];
    // Two changes that could conflict share a CI in their CIs or impact sets: each check takes the schedule lock of
    // every CI it touches (sorted, so two never wait on each other in a cycle) until its transaction ends, so two
    // schedulings that would conflict run one after the other and the second sees the first.
    for (const ciId of [...touched].sort()) await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['itsm:change:schedule', ciId]);
    // One after the other: a transaction's queries share its one connection.
    const others = await this.changesAround(manager, change, touched);
    const blackouts = await this.blackoutsAround(manager, window, touched);
    const maintenance = change.ciIds.length === 0 ? [] : await manager.getRepository(MaintenanceWindow).createQueryBuilder('m').where('m.ciIds && :ciIds::uuid[]', { ciIds: change.ciIds }).getMany();

    const unexpandable: ScheduleConflict[] = [];
    const blackoutOccurrences: BlackoutOccurrences[] = [];
    for (const blackout of blackouts) {
      const expanded = expand(blackout, window);
      if (expanded instanceof Unexpandable) {
        const covered = findConflicts(candidate, [], [{ id: blackout.id, name: blackout.name, scope: blackout.scope, targetIds: blackout.targetIds, occurrences: [window] }], []);
        unexpandable.push(...covered.map((conflict) => ({ ...conflict, detail: `Blackout "${blackout.name}" cannot be shown clear of the window: ${expanded.reason}` })));
      } else {
        blackoutOccurrences.push({ id: blackout.id, name: blackout.name, scope: blackout.scope, targetIds: blackout.targetIds, occurrences: expanded });
      }
    }
    const maintenanceOccurrences: MaintenanceOccurrences[] = [];
    for (const definition of maintenance) {
      const expanded = expand(definition, window);
      if (expanded instanceof Unexpandable) {
        const ciIds = [...new Set(change.ciIds.filter((ci) => definition.ciIds.includes(ci)))].sort();
        unexpandable.push({
          kind: ConflictKind.Maintenance,
          id: definition.id,
          name: definition.name,
          from: window.start,
          to: window.end,
          ciIds,
          detail: `Maintenance window "${definition.name}" cannot be shown to hold the window: ${expanded.reason}`,
        });
      } else {
        maintenanceOccurrences.push({ id: definition.id, name: definition.name, ciIds: definition.ciIds, occurrences: expanded });
      }
    }

    const conflicts = findConflicts(candidate, others.map(toScheduledChange), blackoutOccurrences, maintenanceOccurrences, now);
    return [...conflicts, ...unexpandable].map(toChangeConflict);
  }

  /** `ChangeRpc.conflicts`: the check run now, answered and not recorded (reading a change does not change it). */
  async conflictsOf(id: string): Promise<ChangeConflictCheck> {
    const checkedAt = new Date();
    return this.dataSource.transaction(async (manager) => {
      const change = await manager.findOneBy(Change, { id });
      if (!change) throw changeNotFound(id);
      return { changeId: change.id, checkedAt: checkedAt.toISOString(), conflicts: await this.check(manager, change) };
    });
  }

  /** `ChangeRpc.gate`. */
  async gate(id: string): Promise<GateAnswer> {
    const change = await this.dataSource.manager.findOneBy(Change, { id });
    if (!change) throw changeNotFound(id);
    return this.gateOf(this.dataSource.manager, change);
  }

  /**
   * Whether a pipeline may deploy the change at `now` (evaluateGate): the blackouts in force then on its CIs (or its
   * impact set, for blackouts of business services) close it. Releases ask it of each of their changes.
   */
  async gateOf(manager: EntityManager, change: Change, now: Date = new Date()): Promise<GateAnswer> {
    const instant: Interval = { start: now, end: new Date(now.getTime() + 1) };
    const candidate: ConflictCandidate = { id: change.id, ciIds: change.ciIds, impactCiIds: change.impactCiIds, window: instant };
    const blackouts = await this.blackoutsAround(manager, instant, [...new Set([...change.ciIds, ...change.impactCiIds])]);
    const blackoutsNow = blackouts.flatMap((blackout) => {
      const expanded = expand(blackout, instant);
      // One that cannot be expanded this far cannot be shown not to be in force.
      const spans = expanded instanceof Unexpandable ? [instant] : expanded;
      return findConflicts(candidate, [], [{ id: blackout.id, name: blackout.name, scope: blackout.scope, targetIds: blackout.targetIds, occurrences: spans }], []).map((conflict) => ({
        name: conflict.name,
        occurrence: { start: conflict.from, end: conflict.to },
      }));
    });
    const result = evaluateGate({
      type: change.type,
      state: change.state,
      approvalState: approvalStateOf(change),
      window: { start: change.plannedStart, end: change.plannedEnd },
      blackoutsNow,
      now,
    });
    return { ...result, checkedAt: now.toISOString() };
  }

  /**
   * Other changes holding their window that overlap `change`'s and share a CI with it: one of its CIs or impact CIs
   * is among theirs, or one of its CIs is in their impact set.
   */
  private changesAround(manager: EntityManager, change: Change, touched: string[]): Promise<Change[]> {
    if (touched.length === 0) return Promise.resolve([]);
    return manager
      .getRepository(Change)
      .createQueryBuilder('c')
      .where('c.id <> :id', { id: change.id })
      .andWhere(HOLDS_WINDOW_SQL)
      .andWhere('c.plannedStart < :end AND c.plannedEnd > :start', { start: change.plannedStart, end: change.plannedEnd })
      .andWhere(new Brackets((cis) => cis.where('c.ciIds && :touched::uuid[]', { touched }).orWhere('c.impactCiIds && :ciIds::uuid[]', { ciIds: change.ciIds })))
      .getMany();
  }

  /** Blackouts that may cover `window` for these CIs: global ones, and those naming one of them, that began before it ends. */
  private blackoutsAround(manager: EntityManager, window: Interval, touched: string[]): Promise<BlackoutWindow[]> {
    return manager
      .getRepository(BlackoutWindow)
      .createQueryBuilder('b')
      .where('b.startsAt < :end', { end: window.end })
      .andWhere(new Brackets((scope) => scope.where(`b.scope = 'global'`).orWhere('b.targetIds && :touched::uuid[]', { touched })))
      .getMany();
  }
}

function toScheduledChange(change: Change): ScheduledChange {
  return {
    id: change.id,
    number: change.number,
    state: change.state,
    approvalState: approvalStateOf(change),
    ciIds: change.ciIds,
    impactCiIds: change.impactCiIds,
    window: { start: change.plannedStart, end: change.plannedEnd },
  };
}

/** The occurrences of a stored window over `span`, or why they cannot be listed. */
function expand(window: BlackoutWindow | MaintenanceWindow, span: Interval): Interval[] | Unexpandable {
  try {
    return occurrences(recurringWindowOf(window), span.start, span.end);
  } catch (error) {
    if (error instanceof WindowError) return new Unexpandable(error.message);
    throw error;
  }
}
