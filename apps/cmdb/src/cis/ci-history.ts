import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type CiAtView, type CiFieldChange, type CiHistory, type CiHistoryEntry, type CiHistoryRequest, type CiView, CmdbError, CmdbErrorCode, DEFAULT_PAGE_SIZE, type RelationshipView } from '@itsm/contracts';
import { AuditEntry, decodeCursor, encodeCursor } from '@itsm/persistence';
import { type CiSnapshot, diffCi, NO_CI } from '../domain/ci-changes';
import { Ci } from './ci.entity';

/** What the writers store in an audit row of a CI: the view, plus the source (and changes or reason) of the change. */
type CiAuditAfter = CiView & { source?: string; changes?: CiFieldChange[]; reason?: string | null };
type RelationshipAudit = RelationshipView & { source?: string };

interface AuditRow {
  id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  actor_id: string | null;
  at: Date;
  before: object | null;
  after: object | null;
}

function snapshot(view: CiView | null | undefined): CiSnapshot {
  if (!view) return NO_CI;
  return {
    name: view.name,
    environment: view.environment,
    status: view.status,
    criticality: view.criticality,
    ownerGroup: view.ownerGroup,
    retiredAt: view.retiredAt,
    identifiers: { ...view.identifiers },
    attributes: { ...view.attributes },
  };
}

/** The CI view of an audit row, without what the writer added about the change. */
function viewOf(after: CiAuditAfter): CiView {
  const { source: _source, changes: _changes, reason: _reason, ...view } = after;
  return view;
}

function relationshipOf(stored: RelationshipAudit): RelationshipView {
  const { source: _source, ...view } = stored;
  return view;
}

/** Audit rows of the CI (`$1`) and of relationships from or to it. */
const TOUCHING_CI = `(entity_type = 'ci' AND entity_id = $1)
   OR (entity_type = 'relationship' AND (coalesce(after, before) ->> 'sourceId' = $1::text OR coalesce(after, before) ->> 'targetId' = $1::text))`;

/** A CI's past: its audit trail with the relationships that touched it, and its state at an instant. */
@Injectable()
export class CiHistoryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Oldest first, in the order the changes were recorded, a page at a time. */
  async history(request: CiHistoryRequest): Promise<CiHistory> {
    const { id } = request;
    if (!(await this.dataSource.getRepository(Ci).existsBy({ id }))) throw new CmdbError(CmdbErrorCode.CiNotFound, `CI ${id} not found`);
    const limit = request.limit ?? DEFAULT_PAGE_SIZE;
    const [after] = request.cursor ? decodeCursor(request.cursor, 1, ([value]) => typeof value === 'string' && /^\d{1,19}$/.test(value)) : [null];
    const table = this.dataSource.getMetadata(AuditEntry).tablePath;
    const rows = await this.dataSource.query<AuditRow[]>(
      `SELECT id, entity_type, entity_id, action, actor_id, at, before, after FROM ${table}
        WHERE (${TOUCHING_CI}) AND ($2::bigint IS NULL OR id > $2::bigint)
        ORDER BY id
        LIMIT $3`,
      [id, after, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(entryOf), nextCursor: rows.length > limit && last ? encodeCursor([String(last.id)]) : null };
  }

  async at(id: string, time: string): Promise<CiAtView> {
    const instant = new Date(time);
    const rows = await this.rowsUntil(id, instant);
    const last = rows.filter((row) => row.entity_type === 'ci').pop();
    if (!last?.after) throw new CmdbError(CmdbErrorCode.CiNotFoundAtTime, `CI ${id} did not exist at ${instant.toISOString()}`);
    const edges = new Map<string, RelationshipView>();
    for (const row of rows) {
      if (row.entity_type !== 'relationship') continue;
      if (row.action === 'added' && row.after) edges.set(row.entity_id, relationshipOf(row.after as RelationshipAudit));
      if (row.action === 'removed') edges.delete(row.entity_id);
    }
    return { at: instant.toISOString(), ci: viewOf(last.after as CiAuditAfter), relationships: [...edges.values()] };
  }

  /** Audit rows of the CI and of relationships from or to it, in the order they happened, up to `until`. */
  private rowsUntil(id: string, until: Date): Promise<AuditRow[]> {
    const table = this.dataSource.getMetadata(AuditEntry).tablePath;
    return this.dataSource.query<AuditRow[]>(
      `SELECT id, entity_type, entity_id, action, actor_id, at, before, after FROM ${table}
        WHERE (${TOUCHING_CI}) AND at <= $2::timestamptz
        ORDER BY at, id`,
      [id, until.toISOString()],
    );
  }
}

function entryOf(row: AuditRow): CiHistoryEntry {
  const base = { at: row.at.toISOString(), actorId: row.actor_id };
  if (row.entity_type === 'relationship') {
    const stored = (row.after ?? row.before) as RelationshipAudit;
    return { ...base, action: `relationship_${row.action}`, source: stored.source ?? stored.dataSource, changes: [], relationship: relationshipOf(stored) };
  }
  const after = row.after as CiAuditAfter;
  const before = row.before as CiView | null;
  const changes = after.changes ?? diffCi(snapshot(before), snapshot(viewOf(after))).map((change) => ({ ...change, ...(after.source ? { source: after.source } : {}) }));
  return { ...base, action: row.action, source: after.source ?? null, changes, ...(row.action === 'retired' ? { reason: after.reason ?? null } : {}) };
}
