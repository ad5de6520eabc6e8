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
 * Writes events into the service's outbox inside the caller's transaction: the event exists exactly when the
 * change that caused it commits. The relay puts it on JetStream afterwards.
 */
export class OutboxWriter {
  constructor(private readonly service: string) {}

  async publish<E extends EventDeclaration>(manager: EntityManager, event: E, data: PayloadOf<E>, options: PublishOptions): Promise<CloudEvent<PayloadOf<E>>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`outbox publish of ${event.subject} outside a transaction: the event could outlive a rolled-back change`);
    }
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
    const outbox = manager.connection.getMetadata(OutboxMessage).tablePath;
    const row = [envelope.id, event.subject, JSON.stringify(envelope)];
    // A trigger on the outbox notifies the relays when (and only if) this transaction commits. An id already
    // there is the same fact announced before: nothing more to write.
    if (!options.audit) {
      await manager.query(`INSERT INTO ${outbox} (event_id, subject, envelope) VALUES ($1, $2, $3::jsonb) ON CONFLICT (event_id) DO NOTHING`, row);
      return envelope;
    }
    const { audit } = options;
    // A data-modifying CTE runs once whatever the outer INSERT does, so the audit row is written even when the
    // event was in the outbox already: the change it records is a new one.
    await manager.query(
      `WITH audit AS (
         INSERT INTO ${manager.connection.getMetadata(AuditEntry).tablePath} (entity_type, entity_id, action, actor_id, before, after, correlation_id)
         VALUES ($4, $5, $6, $7, $8::jsonb, $9::jsonb, $10))
       INSERT INTO ${outbox} (event_id, subject, envelope) VALUES ($1, $2, $3::jsonb) ON CONFLICT (event_id) DO NOTHING`,
      [...row, audit.entityType, audit.entityId, audit.action, audit.actorId, jsonOrNull(audit.before), jsonOrNull(audit.after), envelope.correlationid],
    );
    return envelope;
  }

  /**
   * Writes what one change of one record leaves beside the row: its audit row and the events that announce it
   * (the audit row goes with the first event, in one statement; a change that announces nothing gets its audit
   * row alone). Every writer of a record ends here.
   */
  async record(manager: EntityManager, change: { subject: string; time?: Date; audit: Omit<AuditRecord, 'correlationId'>; events: readonly EventSpec[] }): Promise<void> {
    if (change.events.length === 0) {
      await writeAudit(manager, change.audit);
      return;
    }
    for (const [index, spec] of change.events.entries()) {
      await this.publish(manager, spec.event, spec.data as never, {
        subject: change.subject,
        ...(change.time ? { time: change.time } : {}),
        ...(index === 0 ? { audit: change.audit } : {}),
      });
    }
  }
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
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error(`audit of ${record.entityType} ${record.entityId} outside a transaction: the row could outlive a rolled-back change`);
  }
  await manager.insert(AuditEntry, { ...record, correlationId: WorkContexts.current()?.correlationId ?? null });
}

function jsonOrNull(value: object | null): string | null {
  return value === null ? null : JSON.stringify(value);
}
