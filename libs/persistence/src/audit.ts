/**
 * One audit row: who changed what, when, from what to what. Written in the transaction of the change itself,
 * together with the event that announces it (`OutboxWriter.publish(…, { audit })`).
 */
export interface AuditRecord {
  entityType: string;
  entityId: string;
  action: string;
  actorId: string | null;
  before: object | null;
  after: object | null;
  correlationId?: string | null;
}

/** Filters of a read of the audit trail; every one given must hold. */
export interface AuditFilters {
  entityId?: string;
  actorId?: string;
  entityType?: string;
  /** Inclusive. */
  from?: string;
  /** Exclusive. */
  to?: string;
}

/** One row of the audit trail as read back, `at` in UTC to the microsecond (as stored) and `id` as a decimal string. */
export interface AuditRow {
  id: string;
  at: string;
  entityType: string;
  entityId: string;
  action: string;
  actorId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  correlationId: string | null;
}

/**
 * Up to `limit` rows of a schema's audit trail, newest first by `(at, id)`, strictly after `after` in that order.
 * `at` is read as text to the microsecond: a JavaScript Date would cut it to the millisecond, and a keyset
 * continued from a cut value skips or repeats the rows written in the same millisecond.
 */
export async function readAuditTrail(
  runner: { query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T> },
  tablePath: string,
  filters: AuditFilters,
  page: { limit: number; after?: { at: string; id: string } },
): Promise<AuditRow[]> {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const where = (sql: (placeholder: string) => string, value: unknown): void => {
    parameters.push(value);
    conditions.push(sql(`$${parameters.length}`));
  };
  if (filters.entityId !== undefined) where((p) => `entity_id = ${p}::uuid`, filters.entityId);
  if (filters.actorId !== undefined) where((p) => `actor_id = ${p}`, filters.actorId);
  if (filters.entityType !== undefined) where((p) => `entity_type = ${p}`, filters.entityType);
  if (filters.from !== undefined) where((p) => `at >= ${p}::timestamptz`, filters.from);
  if (filters.to !== undefined) where((p) => `at < ${p}::timestamptz`, filters.to);
  if (page.after) {
    parameters.push(page.after.at, page.after.id);
    conditions.push(`(at, id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::bigint)`);
  }
  parameters.push(page.limit);
  return runner.query<AuditRow[]>(
    `SELECT id::text AS "id", to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "at", entity_type AS "entityType",
            entity_id AS "entityId", action, actor_id AS "actorId", before, after, correlation_id AS "correlationId"
       FROM ${tablePath}
      ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY at DESC, id DESC
      LIMIT $${parameters.length}`,
    parameters,
  );
}
