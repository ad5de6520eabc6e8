import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ALL_EVENTS, type CloudEvent } from '@itsm/contracts';
import { insertAtCommit, OnEvents } from '@itsm/messaging';
import { ReceivedEvent } from './received-event.entity';

@Injectable()
export class EventLogHandler {
  /**
   * Durable consumer `notification-event-log` over every event of the suite. Nothing else in the transaction reads the
   * row, so it is written at commit with the rest of the batch's: one statement for a batch, not one per event.
   */
  @OnEvents('event-log', ALL_EVENTS)
  async record(event: CloudEvent, manager: EntityManager): Promise<void> {
    await insertAtCommit(manager, ReceivedEvent, {
      eventId: event.id,
      type: event.type,
      source: event.source,
      subject: event.subject,
      correlationId: event.correlationid ?? null,
      data: (event.data ?? {}) as object,
      occurredAt: new Date(event.time),
    });
  }
}
