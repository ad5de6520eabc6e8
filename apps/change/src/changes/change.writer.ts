import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ChangeError, ChangeView } from '@itsm/contracts';
import { type EventSpec, RecordWriter } from '@itsm/messaging';
import { changeNotFound } from '../domain/access';
import { Change, toChangeView } from './change.entity';

/**
 * Every change of a change request is written here: row lock, `If-Match`, version bump, audit row and events, all in
 * the caller's transaction.
 */
@Injectable()
export class ChangeWriter extends RecordWriter<Change, ChangeView> {
  protected readonly entity = Change;
  protected readonly entityType = 'change';

  toView(change: Change): ChangeView {
    return toChangeView(change);
  }

  protected label(change: Change): string {
    return `change ${change.number}`;
  }

  protected notFound(id: string): ChangeError {
    return changeNotFound(id);
  }

  /** An entry in a change's history for something that happened to it without changing its row (a comment): the audit row, and its events, if any. */
  async recordOn(manager: EntityManager, changeId: string, entry: { actorId: string; action: string; after: object; time?: Date; events?: EventSpec[] }): Promise<void> {
    await this.outbox.record(manager, {
      subject: changeId,
      ...(entry.time ? { time: entry.time } : {}),
      audit: { entityType: this.entityType, entityId: changeId, action: entry.action, actorId: entry.actorId, before: null, after: entry.after },
      events: entry.events ?? [],
    });
  }
}
