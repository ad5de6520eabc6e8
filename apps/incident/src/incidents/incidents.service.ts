import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type Actor,
  canSeeAllTickets,
  type CreateIncidentDto,
  DomainError,
  ErrorCode,
  IncidentEvents,
  IncidentState,
  type IncidentView,
} from '@itsm/contracts';
import { OutboxWriter } from '@itsm/messaging';
import { nextHumanNumber } from '@itsm/persistence';
import { priorityOf } from '../domain/priority';
import { Incident, toIncidentView } from './incident.entity';

@Injectable()
export class IncidentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Opens an incident: the row, its audit entry and its `created` event commit together or not at all. */
  async create(input: CreateIncidentDto, actor: Actor): Promise<IncidentView> {
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const incident = manager.create(Incident, {
        id: randomUUID(),
        number: await nextHumanNumber(manager, 'incident', 'incident_number_seq', 'INC'),
        title: input.title,
        description: input.description ?? null,
        impact: input.impact,
        urgency: input.urgency,
        priority: priorityOf(input.impact, input.urgency),
        state: IncidentState.New,
        requesterId: actor.sub,
        requesterName: actor.name ?? null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await manager.insert(Incident, incident);
      const view = toIncidentView(incident);
      await this.outbox.publish(manager, IncidentEvents.created, view, {
        subject: incident.id,
        time: now,
        audit: { entityType: 'incident', entityId: incident.id, action: 'created', actorId: actor.sub, before: null, after: view },
      });
      return view;
    });
  }

  /** A requester only sees incidents they opened; others look like they do not exist. */
  async get(id: string, actor: Actor): Promise<IncidentView> {
    const incident = await this.dataSource.getRepository(Incident).findOneBy({ id });
    if (!incident || (!canSeeAllTickets(actor) && incident.requesterId !== actor.sub)) {
      throw new DomainError(ErrorCode.NOT_FOUND, `incident ${id} not found`);
    }
    return toIncidentView(incident);
  }
}
