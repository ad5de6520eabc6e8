import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ProblemError, ProblemView } from '@itsm/contracts';
import { type EventSpec, RecordWriter } from '@itsm/messaging';
import { problemNotFound } from '../domain/access';
import { Problem, toProblemView } from './problem.entity';

/**
 * Every change of a problem is written here: row lock, `If-Match`, version bump, audit row and events, all in the
 * caller's transaction.
 */
@Injectable()
export class ProblemWriter extends RecordWriter<Problem, ProblemView> {
  protected readonly entity = Problem;
  protected readonly entityType = 'problem';

  toView(problem: Problem): ProblemView {
    return toProblemView(problem);
  }

  protected label(problem: Problem): string {
    return `problem ${problem.number}`;
  }

  protected notFound(id: string): ProblemError {
    return problemNotFound(id);
  }

  /** An entry in a problem's history for something that happened to it without changing its row (a comment): the audit row, and its events, if any. */
  async recordOn(manager: EntityManager, problemId: string, entry: { actorId: string; action: string; after: object; time?: Date; events?: EventSpec[] }): Promise<void> {
    await this.outbox.record(manager, {
      subject: problemId,
      ...(entry.time ? { time: entry.time } : {}),
      audit: { entityType: this.entityType, entityId: problemId, action: entry.action, actorId: entry.actorId, before: null, after: entry.after },
      events: entry.events ?? [],
    });
  }
}
