import { Injectable } from '@nestjs/common';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { DomainError } from '@itsm/contracts';
import { assertVersion } from '@itsm/persistence';
import { type EventSpec, OutboxWriter, type RecordStatement } from './outbox';

/** The columns every record of the suite has: a UUID, its optimistic-concurrency version and when it last changed. */
export interface VersionedRow extends ObjectLiteral {
  id: string;
  version: number;
  updatedAt: Date;
}

/** One change of a record: who made it, the audit action, and the events that announce it (built from the record as written). */
export interface RecordChange<View> {
  /** `sub` of the caller, or `system` for changes nobody made by hand. */
  actorId: string | null;
  action: string;
  events?: (after: View) => EventSpec[];
  /** What the audit row keeps as `after`, when it is more than the record (a reason, the source of a change). */
  auditAfter?: (after: View) => object;
  /** When it happened (the events' `time`); the record's `updatedAt` by default. */
  time?: Date;
}

/** `system` stands for changes nobody made by hand: jobs, escalations, automatic closing. */
export const SYSTEM_ACTOR = 'system';

/**
 * The one shape of writing a record: lock it (and check `If-Match`), then insert, save or remove it with its audit
 * row and its events in the caller's transaction, the version moving by one per change. Each aggregate has one
 * writer extending this, and every use case changes the aggregate through it; the writer holds no configuration.
 * A subclass without a constructor of its own is injected with the outbox writer through this one.
 */
@Injectable()
export abstract class RecordWriter<Row extends VersionedRow, View extends object> {
  constructor(protected readonly outbox: OutboxWriter) {}

  /** The entity class of the rows. */
  protected abstract readonly entity: EntityTarget<Row>;
  /** `entity_type` of its audit rows (`incident`, `ci`, `policy`). */
  protected abstract readonly entityType: string;
  /** The record as the API and the events show it. */
  abstract toView(row: Row): View;
  /** How messages name it: `incident INC0001001`, `policy Gold`. */
  protected abstract label(row: Row): string;
  /** The refusal for an id that does not exist, or that the caller may not see. */
  protected abstract notFound(id: string): DomainError;

  /**
   * The record, locked until the transaction ends. Missing, or hidden from the caller by `visible`, it is not
   * found (another requester's record looks exactly like one that does not exist); then `authorize` refuses a caller
   * who may see but not change it; last, an `expectedVersion` the record has moved on from is refused with 412.
   */
  async lock(
    manager: EntityManager,
    id: string,
    options: { expectedVersion?: number | undefined; visible?: (row: Row) => boolean; authorize?: (row: Row) => void } = {},
  ): Promise<Row> {
    const row = await manager.findOne(this.entity, { where: { id } as never, lock: { mode: 'pessimistic_write' } });
    if (!row || (options.visible && !options.visible(row))) throw this.notFound(id);
    options.authorize?.(row);
    assertVersion(this.label(row), row.version, options.expectedVersion);
    return row;
  }

  /** Inserts a new record (version 1) with its audit row (`before` null) and events. */
  async insert(manager: EntityManager, row: Row, change: Omit<RecordChange<View>, 'action'> & { action?: string }): Promise<View> {
    const write = insertStatement(manager, this.entity, row);
    // A row the database adds values to is inserted on its own, so that TypeORM reads them back into it.
    if (!write) await manager.insert(this.entity, row as QueryDeepPartialEntity<Row>);
    const view = this.toView(row);
    await this.announce(manager, row, null, view, { ...change, action: change.action ?? 'created' }, write);
    return view;
  }

  /** Writes a changed record back: its version moves on by one from `before`'s, with the audit row holding both. */
  async save(manager: EntityManager, row: Row, before: View & { version: number }, change: RecordChange<View>): Promise<View> {
    (row as VersionedRow).version = before.version + 1;
    (row as VersionedRow).updatedAt = change.time ?? new Date();
    const values = this.columns(manager, row);
    const write = updateStatement(manager, this.entity, row.id, values);
    if (!write) await manager.update(this.entity, { id: row.id } as never, values);
    const after = this.toView(row);
    await this.announce(manager, row, before, after, change, write);
    return after;
  }

  /** Deletes a record; the audit row keeps it as it was. */
  async remove(manager: EntityManager, row: Row, change: Omit<RecordChange<View>, 'action' | 'auditAfter'> & { action?: string }): Promise<View> {
    const view = this.toView(row);
    await manager.delete(this.entity, { id: row.id } as never);
    await this.outbox.record(manager, {
      subject: row.id,
      audit: { entityType: this.entityType, entityId: row.id, action: change.action ?? 'deleted', actorId: change.actorId, before: view, after: null },
      events: change.events?.(view) ?? [],
    });
    return view;
  }

  private async announce(manager: EntityManager, row: Row, before: View | null, after: View, change: RecordChange<View>, write: RecordStatement | undefined): Promise<void> {
    await this.outbox.record(manager, {
      ...(write ? { write } : {}),
      subject: row.id,
      time: change.time ?? row.updatedAt,
      audit: { entityType: this.entityType, entityId: row.id, action: change.action, actorId: change.actorId, before, after: change.auditAfter?.(after) ?? after },
      events: change.events?.(after) ?? [],
    });
  }

  /** The row's own columns, without its id and creation time (relations and computed fields are not written). */
  private columns(manager: EntityManager, row: Row): QueryDeepPartialEntity<Row> {
    const metadata = manager.connection.getMetadata(this.entity);
    const values: Record<string, unknown> = {};
    for (const column of metadata.columns) {
      if (column.isPrimary || column.isCreateDate || column.relationMetadata) continue;
      values[column.propertyName] = row[column.propertyName];
    }
    return values as QueryDeepPartialEntity<Row>;
  }
}

/**
 * Column types whose value TypeORM would read back from an INSERT's `RETURNING` in another form than the one given
 * (bigint and numeric as strings, dates as `YYYY-MM-DD`).
 */
const REREAD_TYPES = new Set<unknown>(['bigint', 'int8', 'numeric', 'decimal', 'date', 'time', 'interval', 'money']);

/**
 * The INSERT of a row as TypeORM would build it, to run in the statement of its audit and outbox rows; none when
 * TypeORM would do more than run it: call listeners or subscribers, or read values the database fills (a default,
 * a generated column) back into the row. A row that gives every such column in a form read back unchanged is
 * exactly what it would be after `manager.insert`.
 */
function insertStatement<Row extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<Row>, row: Row): RecordStatement | undefined {
  const metadata = manager.connection.getMetadata(entity);
  if (!withoutHooks(manager, metadata)) return undefined;
  for (const column of metadata.getInsertionReturningColumns()) {
    if (column.getEntityValue(row) === undefined || column.transformer || REREAD_TYPES.has(column.type)) return undefined;
  }
  const [sql, parameters] = manager.createQueryBuilder().insert().into(entity).values(row as QueryDeepPartialEntity<Row>).getQueryAndParameters();
  return { sql, parameters };
}

/** The UPDATE of a row's columns by id as TypeORM would build it, to run in the statement of its audit and outbox rows. */
function updateStatement<Row extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<Row>, id: string, values: QueryDeepPartialEntity<Row>): RecordStatement | undefined {
  const metadata = manager.connection.getMetadata(entity);
  if (!withoutHooks(manager, metadata)) return undefined;
  const [sql, parameters] = manager.createQueryBuilder().update(entity).set(values).where({ id }).getQueryAndParameters();
  return { sql, parameters };
}

function withoutHooks(manager: EntityManager, metadata: ReturnType<EntityManager['connection']['getMetadata']>): boolean {
  return (
    manager.connection.subscribers.length === 0 &&
    metadata.beforeInsertListeners.length === 0 &&
    metadata.afterInsertListeners.length === 0 &&
    metadata.beforeUpdateListeners.length === 0 &&
    metadata.afterUpdateListeners.length === 0
  );
}
