import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EventOf, IncidentEvents, RequestEvents } from '@itsm/contracts';
import { OnEvent } from '@itsm/messaging';
import { incidentSnapshot, requestSnapshot } from '../domain/ticket';
import { ClockKeeper } from './clock-keeper';

const PURPOSE = 'tickets';
/** The incident events after `created`: each carries the incident as it is after the change. */
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

/**
 * Durable consumer `sla-tickets`: every incident event that carries the incident, and every request state
 * change, is a version of a ticket; the clocks follow from those versions alone.
 */
@Injectable()
export class TicketEventsHandler {
  constructor(private readonly keeper: ClockKeeper) {}

  @OnEvent(PURPOSE, IncidentEvents.created)
  async onCreated(event: EventOf<typeof IncidentEvents.created>, manager: EntityManager): Promise<void> {
    await this.keeper.apply(manager, incidentSnapshot(event.data), event);
  }

  @OnEvent(PURPOSE, INCIDENT_CHANGES)
  async onIncidentChanged(event: EventOf<(typeof INCIDENT_CHANGES)[number]>, manager: EntityManager): Promise<void> {
    await this.keeper.apply(manager, incidentSnapshot(event.data.incident), event);
  }

  @OnEvent(PURPOSE, RequestEvents.stateChanged)
  async onRequestStateChanged(event: EventOf<typeof RequestEvents.stateChanged>, manager: EntityManager): Promise<void> {
    await this.keeper.apply(manager, requestSnapshot(event.data, event.time), event);
  }
}
