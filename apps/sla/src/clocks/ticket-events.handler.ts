import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CloudEvent, type IncidentView, IncidentEvents, RequestEvents, type RequestStateChangedV1 } from '@itsm/contracts';
import { OnEvent } from '@itsm/messaging';
import { incidentSnapshot, requestSnapshot } from '../domain/ticket';
import { ClockKeeper } from './clock-keeper';

const PURPOSE = 'tickets';

/**
 * Durable consumer `sla-tickets`: every incident event that carries the incident, and every request state
 * change, is a version of a ticket; the clocks follow from those versions alone.
 */
@Injectable()
export class TicketEventsHandler {
  constructor(private readonly keeper: ClockKeeper) {}

  @OnEvent(PURPOSE, IncidentEvents.created)
  async onCreated(event: CloudEvent<IncidentView>, manager: EntityManager): Promise<void> {
    await this.keeper.apply(manager, incidentSnapshot(event.data), event);
  }

  @OnEvent(PURPOSE, IncidentEvents.updated)
  async onUpdated(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.incident(event, manager);
  }

  @OnEvent(PURPOSE, IncidentEvents.assigned)
  async onAssigned(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.incident(event, manager);
  }

  @OnEvent(PURPOSE, IncidentEvents.stateChanged)
  async onStateChanged(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.incident(event, manager);
  }

  @OnEvent(PURPOSE, IncidentEvents.priorityChanged)
  async onPriorityChanged(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.incident(event, manager);
  }

  @OnEvent(PURPOSE, IncidentEvents.majorDeclared)
  async onMajorDeclared(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.incident(event, manager);
  }

  @OnEvent(PURPOSE, IncidentEvents.majorUndeclared)
  async onMajorUndeclared(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.incident(event, manager);
  }

  @OnEvent(PURPOSE, IncidentEvents.reopened)
  async onReopened(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.incident(event, manager);
  }

  @OnEvent(PURPOSE, IncidentEvents.closed)
  async onClosed(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.incident(event, manager);
  }

  @OnEvent(PURPOSE, IncidentEvents.escalated)
  async onEscalated(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.incident(event, manager);
  }

  @OnEvent(PURPOSE, RequestEvents.stateChanged)
  async onRequestStateChanged(event: CloudEvent<RequestStateChangedV1>, manager: EntityManager): Promise<void> {
    await this.keeper.apply(manager, requestSnapshot(event.data, event.time), event);
  }

  private async incident(event: CloudEvent<{ incident: IncidentView }>, manager: EntityManager): Promise<void> {
    await this.keeper.apply(manager, incidentSnapshot(event.data.incident), event);
  }
}
