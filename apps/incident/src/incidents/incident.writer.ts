import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IncidentError, IncidentView } from '@itsm/contracts';
import { type EventSpec, RecordWriter } from '@itsm/messaging';
import { incidentNotFound } from '../domain/access';
import { Incident, toIncidentView } from './incident.entity';

/**
 * Every change of an incident is written here: row lock, `If-Match`, version bump, audit row and events, all in the
 * caller's transaction.
 */
@Injectable()
export class IncidentWriter extends RecordWriter<Incident, IncidentView> {
  protected readonly entity = Incident;
  protected readonly entityType = 'incident';

  toView(incident: Incident): IncidentView {
    return toIncidentView(incident);
  }

  protected label(incident: Incident): string {
    return `incident ${incident.number}`;
  }

  protected notFound(id: string): IncidentError {
    return incidentNotFound(id);
  }

  /**
   * An entry in an incident's history for something that happened to it without changing its row (a comment, a
   * duplicate merged into it): the audit row, and the events announcing it, if any.
   */
  async recordOn(manager: EntityManager, incidentId: string, entry: { actorId: string; action: string; after: object; time?: Date; events?: EventSpec[] }): Promise<void> {
    await this.outbox.record(manager, {
      subject: incidentId,
      ...(entry.time ? { time: entry.time } : {}),
      audit: { entityType: this.entityType, entityId: incidentId, action: entry.action, actorId: entry.actorId, before: null, after: entry.after },
      events: entry.events ?? [],
    });
  }
}
