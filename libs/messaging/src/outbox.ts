import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type CloudEvent, DomainError, ErrorCode, type EventDeclaration, type PayloadOf, validatePayload } from '@itsm/contracts';
import { AuditEntry, type AuditRecord, nameUuid, OutboxMessage } from '@itsm/persistence';
import { newTraceparent, WorkContexts } from '@itsm/observability';

export interface PublishOptions {
  /** The id of the record the event is about (CloudEvents `subject`). */
  subject: string;
  time?: Date;
  /**
   * The audit row of the change the event announces, written by the same statement (one round trip for
   * both); its correlation id is the event's.
   */
  audit?: Omit<AuditRecord, 'correlationId'>;
  /**
   * The event's id (and `Nats-Msg-Id`) when it must be a given one, e.g. a {@link factEventId}; random
   * otherwise. An id already in the outbox is not written again: the second publish of one fact is a no-op.
   */
  id?: string;
}

/**
 * An event derived from other events gets an id that is a pure function of the fact, so a re-announcement is the
 * same event and JetStream's duplicate window or the subscriber's inbox drops it (and so does the outbox, while it
 * still holds the first). `source` is the publisher (`itsm/sla`), `parts` name the fact (`clockId, 'history', 2`);
 * different parts give different ids.
 */
export function factEventId(source: string, ...parts: Array<string | number>): string {
  // JSON keeps `('a:b')` apart from `('a', 'b')` and `1` apart from `'1'`.
  return nameUuid(`itsm:fact:${JSON.stringify([source, ...parts])}`);
}

/**
 * A statement that writes the record a change is about, run as part of the statement that writes the change's
 * audit and outbox rows (one round trip for all of them). Its placeholders are `$1…$n` for its own `parameters`.
 */
export interface RecordStatement {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * Writes events into the service's outbox inside the caller's transaction: the event exists exactly when the
 * change that caused it commits. The relay puts it on JetStream afterwards.
 */
export class OutboxWriter {
  constructor(private readonly service: string) {}

  async publish<E extends EventDeclaration>(manager: EntityManager, event: E, data: PayloadOf<E>, options: PublishOptions): Promise<CloudEvent<PayloadOf<E>>> {
    assertInTransaction(manager, () => `outbox publish of ${event.subject} outside a transaction: the event could outlive a rolled-back change`);
    const envelope = await this.envelope(event, data, options);
    const statement = new ChangeStatement();
    // An id already there is the same fact announced before: nothing more to write. The audit row is written
    // even then: the change it records is a new one.
    if (options.audit) statement.audit(manager, options.audit, envelope.correlationid);
    await statement.run(manager, [{ subject: event.subject, envelope }]);
    return envelope;
  }

  /**
   * Writes what one change of one record leaves beside the row: its audit row and the events that announce it,
   * in one statement (with the record's own write when `write` is given). The events reach the outbox in the
   * order given; the audit row's correlation id is the first event's. Every writer of a record ends here.
   */
  async record(
    manager: EntityManager,
    change: { subject: string; time?: Date; audit: Omit<AuditRecord, 'correlationId'>; events: readonly EventSpec[]; write?: RecordStatement },
  ): Promise<void> {
    assertInTransaction(manager, () => `audit of ${change.audit.entityType} ${change.audit.entityId} outside a transaction: the row could outlive a rolled-back change`);
    const rows: OutboxRow[] = [];
    for (const spec of change.events) {
      const envelope = await this.envelope(spec.event, spec.data as never, { subject: change.subject, ...(change.time ? { time: change.time } : {}) });
      rows.push({ subject: spec.event.subject, envelope });
    }
    const statement = new ChangeStatement(change.write);
    statement.audit(manager, change.audit, rows[0] ? rows[0].envelope.correlationid : (WorkContexts.current()?.correlationId ?? null));
    await statement.run(manager, rows);
  }

  private async envelope<E extends EventDeclaration>(event: E, data: PayloadOf<E>, options: Pick<PublishOptions, 'subject' | 'time' | 'id'>): Promise<CloudEvent<PayloadOf<E>>> {
    const checked = await validatePayload(event.payload as new () => object, data);
    if (!checked.ok) {
      // A payload that breaks its own contract is a bug here, not bad input; the change is rolled back.
      throw new DomainError(ErrorCode.INTERNAL, `event ${event.type} does not match its contract`, { errors: checked.errors });
    }
    const context = WorkContexts.current();
    const envelope: CloudEvent<PayloadOf<E>> = {
      specversion: '1.0',
      id: options.id ?? randomUUID(),
      source: `itsm/${this.service}`,
      type: event.type,
      subject: options.subject,
      time: (options.time ?? new Date()).toISOString(),
      datacontenttype: 'application/json',
      correlationid: context?.correlationId ?? randomUUID(),
      traceparent: context?.traceparent ?? newTraceparent(),
      data,
    };
    if (context?.causationId) envelope.causationid = context.causationId;
    return envelope;
  }
}

interface OutboxRow {
  subject: string;
  envelope: CloudEvent;
}

/**
 * One statement for a change: the record's own write and the audit row as data-modifying CTEs (each runs once,
 * whatever the others do), and the outbox rows as the main INSERT, in the order given (their ids follow it).
 * A trigger on the outbox notifies the relays when (and only if) the transaction commits.
 */
class ChangeStatement {
  private readonly parameters: unknown[];
  private readonly parts: string[] = [];
  private auditInsert: string | undefined;

  constructor(write?: RecordStatement) {
    this.parameters = write ? [...write.parameters] : [];
    if (write) this.parts.push(`record AS (${write.sql})`);
  }

  audit(manager: EntityManager, audit: Omit<AuditRecord, 'correlationId'>, correlationId: string | null): void {
    const table = manager.connection.getMetadata(AuditEntry).tablePath;
    this.auditInsert = `INSERT INTO ${table} (entity_type, entity_id, action, actor_id, before, after, correlation_id)
       VALUES (${this.bind(audit.entityType)}, ${this.bind(audit.entityId)}, ${this.bind(audit.action)}, ${this.bind(audit.actorId)},
               ${this.bind(jsonOrNull(audit.before))}::jsonb, ${this.bind(jsonOrNull(audit.after))}::jsonb, ${this.bind(correlationId)})`;
  }

  async run(manager: EntityManager, rows: readonly OutboxRow[]): Promise<void> {
    let main: string;
    if (rows.length === 0) {
      if (!this.auditInsert) return;
      main = this.auditInsert;
    } else {
      if (this.auditInsert) this.parts.push(`audit AS (${this.auditInsert})`);
      const outbox = manager.connection.getMetadata(OutboxMessage).tablePath;
      const values = rows.map(({ subject, envelope }) => `(${this.bind(envelope.id)}::uuid, ${this.bind(subject)}, ${this.bind(JSON.stringify(envelope))}::jsonb)`);
      main = `INSERT INTO ${outbox} (event_id, subject, envelope) VALUES ${values.join(', ')} ON CONFLICT (event_id) DO NOTHING`;
    }
    await manager.query(this.parts.length > 0 ? `WITH ${this.parts.join(', ')} ${main}` : main, this.parameters);
  }

  private bind(value: unknown): string {
    this.parameters.push(value);
    return `$${this.parameters.length}`;
  }
}

function assertInTransaction(manager: EntityManager, message: () => string): void {
  if (!manager.queryRunner?.isTransactionActive) throw new Error(message());
}

/** One event to publish with a change, typed by its declaration: build it with {@link eventOf}. */
export interface EventSpec<E extends EventDeclaration = EventDeclaration> {
  event: E;
  data: PayloadOf<E>;
}

export function eventOf<E extends EventDeclaration>(event: E, data: PayloadOf<E>): EventSpec {
  return { event, data } as EventSpec;
}

/**
 * An audit row for a change that announces no event, in the caller's transaction (a change with events gets its
 * row through {@link OutboxWriter.record}, in the same statement as the first event).
 */
export async function writeAudit(manager: EntityManager, record: Omit<AuditRecord, 'correlationId'>): Promise<void> {
  assertInTransaction(manager, () => `audit of ${record.entityType} ${record.entityId} outside a transaction: the row could outlive a rolled-back change`);
  await manager.insert(AuditEntry, { ...record, correlationId: WorkContexts.current()?.correlationId ?? null });
}

function jsonOrNull(value: object | null): string | null {
  return value === null ? null : JSON.stringify(value);
}
