import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, DomainError, ErrorCode, IncidentEvents, type IncidentView, type PayloadOf } from '@itsm/contracts';
import { OutboxWriter } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import { assertVersion } from '@itsm/persistence';
import type { IncidentConfig } from '../config';
import { FINAL_STATES } from '../domain/incident-lifecycle';
import { type PriorityMatrix, parsePriorityMatrix } from '../domain/priority';
import { assertVisible } from './incident-access';
import { Incident, toIncidentView } from './incident.entity';

type IncidentEvent = (typeof IncidentEvents)[keyof typeof IncidentEvents];

/** One event to publish with a change; the first of a change carries its audit row. */
export interface IncidentEventSpec<E extends IncidentEvent = IncidentEvent> {
  event: E;
  data: PayloadOf<E>;
}

export function eventOf<E extends IncidentEvent>(event: E, data: PayloadOf<E>): IncidentEventSpec {
  return { event, data } as IncidentEventSpec;
}

/** `system` stands for changes nobody made by hand: auto-close, escalation. */
export const SYSTEM_ACTOR = 'system';

/**
 * Loading an incident for a change and writing the change back: row lock, visibility, `If-Match`, version
 * bump, audit row and events, all in the caller's transaction. Every use case changes incidents through here.
 */
@Injectable()
export class IncidentWriter {
  readonly matrix: PriorityMatrix;

  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) readonly config: IncidentConfig,
  ) {
    this.matrix = parsePriorityMatrix(config.PRIORITY_MATRIX);
  }

  /** The incident, locked until the transaction ends; NOT_FOUND when missing or not the actor's to see. */
  async lock(manager: EntityManager, id: string, actor: Actor, expectedVersion?: number): Promise<Incident> {
    const incident = await manager.findOne(Incident, { where: { id }, lock: { mode: 'pessimistic_write' } });
    assertVisible(incident, id, actor);
    assertVersion(`incident ${incident.number}`, incident.version, expectedVersion);
    return incident;
  }

  assertOpenForChanges(incident: Incident): void {
    if (FINAL_STATES.includes(incident.state)) {
      throw new DomainError(ErrorCode.CONFLICT, `incident ${incident.number} is ${incident.state}; a final incident cannot be changed`, { state: incident.state });
    }
  }

  /**
   * Writes the changed incident (version + 1) and its events; the audit row, attached to the first event,
   * holds the incident before and after.
   */
  async save(manager: EntityManager, incident: Incident, before: IncidentView, change: { actorId: string; action: string; events: (after: IncidentView) => IncidentEventSpec[] }): Promise<IncidentView> {
    incident.version = before.version + 1;
    incident.updatedAt = new Date();
    const { id, createdAt: _createdAt, ...columns } = incident;
    await manager.update(Incident, { id }, columns);
    const after = toIncidentView(incident);
    await this.publishAll(manager, after, change.events(after), { actorId: change.actorId, action: change.action, before });
    return after;
  }

  /** Inserts a new incident with its events; the audit row (`created`) holds it as opened. */
  async insert(manager: EntityManager, incident: Incident, actorId: string, events: (view: IncidentView) => IncidentEventSpec[]): Promise<IncidentView> {
    await manager.insert(Incident, incident);
    const view = toIncidentView(incident);
    await this.publishAll(manager, view, events(view), { actorId, action: 'created', before: null });
    return view;
  }

  private async publishAll(manager: EntityManager, view: IncidentView, specs: IncidentEventSpec[], audit: { actorId: string; action: string; before: IncidentView | null }): Promise<void> {
    for (const [index, spec] of specs.entries()) {
      await this.outbox.publish(manager, spec.event, spec.data as never, {
        subject: view.id,
        time: new Date(view.updatedAt),
        ...(index === 0 ? { audit: { entityType: 'incident', entityId: view.id, action: audit.action, actorId: audit.actorId, before: audit.before, after: view } } : {}),
      });
    }
  }
}
