import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EventOf, IncidentEvents } from '@itsm/contracts';
import { OnEvent } from '@itsm/messaging';
import { IncidentObserver } from './incident-observer';

const PURPOSE = 'incidents';
/** The incident events after `created`: each carries the incident as it is after the change (its CIs may have changed). */
const INCIDENT_CHANGES = [
  IncidentEvents.updated,
  IncidentEvents.assigned,
  IncidentEvents.stateChanged,
  IncidentEvents.priorityChanged,
  IncidentEvents.majorDeclared,
  IncidentEvents.majorUndeclared,
  IncidentEvents.reopened,
  IncidentEvents.closed,
  IncidentEvents.escalated,
] as const;

/** Durable consumer `change-incidents`: every incident event that carries the incident is a version of it to observe. */
@Injectable()
export class IncidentEventsHandler {
  constructor(private readonly observer: IncidentObserver) {}

  @OnEvent(PURPOSE, IncidentEvents.created)
  async onCreated(event: EventOf<typeof IncidentEvents.created>, manager: EntityManager): Promise<void> {
    await this.observer.observe(manager, event.data);
  }

  @OnEvent(PURPOSE, INCIDENT_CHANGES)
  async onIncidentChanged(event: EventOf<(typeof INCIDENT_CHANGES)[number]>, manager: EntityManager): Promise<void> {
    await this.observer.observe(manager, event.data.incident);
  }
}
