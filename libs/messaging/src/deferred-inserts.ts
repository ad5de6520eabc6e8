import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/** Rows a handler asked to insert, per table, in each transaction that writes them when it ends. */
const deferred = new WeakMap<EntityManager, Map<EntityTarget<ObjectLiteral>, ObjectLiteral[]>>();

/** Rows of one INSERT when they are written: a statement takes at most 65,535 parameters. */
const ROWS_PER_STATEMENT = 500;

/**
 * Inserts `row` when the transaction of `manager` is about to commit, together with every other row deferred to it
 * for the same table: a consumer transaction that applies a batch of events writes them in one multi-row statement,
 * not one per event. For rows nothing in the same transaction reads (an event log); a failure of that statement
 * fails the transaction as the insert would have, only later. Outside a transaction that writes deferred rows (see
 * {@link deferInserts}), the row is inserted at once.
 */
export async function insertAtCommit<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, row: QueryDeepPartialEntity<T>): Promise<void> {
  const tables = deferred.get(manager);
  if (!tables) {
    await manager.insert(target, row);
    return;
  }
  const rows = tables.get(target) ?? [];
  rows.push(row);
  tables.set(target, rows);
}

/** Marks the transaction of `manager` as one that writes deferred rows before it commits ({@link writeDeferredInserts}). */
export function deferInserts(manager: EntityManager): void {
  deferred.set(manager, new Map());
}

/** Writes the rows deferred to the transaction of `manager`, one statement per table (and per ROWS_PER_STATEMENT rows). */
export async function writeDeferredInserts(manager: EntityManager): Promise<void> {
  const tables = deferred.get(manager);
  deferred.delete(manager);
  if (!tables) return;
  for (const [target, rows] of tables) {
    for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) await manager.insert(target, rows.slice(at, at + ROWS_PER_STATEMENT));
  }
}
