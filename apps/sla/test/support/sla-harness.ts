import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type CloudEvent,
  type ClockView,
  type CreatePolicyDto,
  domainEvents,
  type EventDeclaration,
  IncidentEvents,
  type IncidentView,
  type PolicyView,
  SlaEvents,
  SlaRpc,
} from '@itsm/contracts';
import { ada, buildIncidentView, readEvents, sam, ServiceHarness, waitFor } from '@itsm/testing';
import { slaApp } from '../../src/service-definition';
import type { SlaConfig } from '../../src/config';

/** An SLA event as a subscriber saw it, with the moment it arrived. */
export interface Received {
  type: string;
  receivedAt: number;
  event: CloudEvent<Record<string, unknown>>;
}

/**
 * The sla service (one or more replicas on one database) fed with ticket events published the way the
 * incident service publishes them, and a live subscriber that notes when each SLA event arrives.
 */
export class SlaHarness extends ServiceHarness<SlaConfig> {
  readonly received: Received[] = [];

  private constructor() {
    super(slaApp);
  }

  static start(env: Record<string, string> = {}, options: { replicas?: number } = {}): Promise<SlaHarness> {
    return new SlaHarness().boot({ SLA_TIMER_INTERVAL_MS: '200', ...env }, options);
  }

  /** The subscription ends when the connection drains on `stop()`. */
  protected override connected(): void {
    this.nc.subscribe(domainEvents('sla'), {
      callback: (error, message) => {
        if (error) return;
        const event = message.json<CloudEvent<Record<string, unknown>>>();
        this.received.push({ type: event.type, receivedAt: Date.now(), event });
      },
    });
  }

  async policy(input: Partial<CreatePolicyDto> & Pick<CreatePolicyDto, 'targets'>): Promise<PolicyView> {
    return this.rpc.call(SlaRpc.createPolicy, { name: `policy ${randomUUID().slice(0, 8)}`, kind: 'sla', conditions: {}, ...input }, { actor: ada });
  }

  /**
   * Publishes one incident event carrying `incident`, as the incident service's outbox would (with the fields
   * that event type needs, e.g. `from`/`to` of a state change, from `before`); returns the event id.
   */
  async publish(event: EventDeclaration, incident: IncidentView, before: IncidentView = incident, id: string = randomUUID()): Promise<string> {
    return this.publishEvent(event, incident.id, payloadOf(event, before, incident), incident.updatedAt, id);
  }

  /** Publishes any event envelope about `subject` with `data` as it is. */
  async publishEvent(event: EventDeclaration, subject: string, data: unknown, time: string, id: string = randomUUID()): Promise<string> {
    const envelope: CloudEvent<unknown> = {
      specversion: '1.0',
      id,
      source: 'itsm/incident',
      type: event.type,
      subject,
      time,
      datacontenttype: 'application/json',
      correlationid: id,
      data,
    };
    await this.nc.jetstream().publish(event.subject, JSON.stringify(envelope), { msgID: id });
    return id;
  }

  /** Publishes the incident's next version as a state change (or any other incident event). */
  async change(incident: IncidentView, fields: Partial<IncidentView>, at: Date, event: EventDeclaration = IncidentEvents.updated): Promise<IncidentView> {
    const next: IncidentView = { ...incident, ...fields, version: incident.version + 1, updatedAt: at.toISOString() };
    await this.publish(event, next, incident);
    return next;
  }

  open(at: Date, fields: Partial<IncidentView> = {}): Promise<IncidentView> {
    const incident = buildIncidentView({ createdAt: at.toISOString(), updatedAt: at.toISOString(), openedAt: at.toISOString(), ...fields });
    return this.publish(IncidentEvents.created, incident).then(() => incident);
  }

  async clocks(ticket: string, actor: Actor = sam): Promise<ClockView[]> {
    return (await this.rpc.call(SlaRpc.listClocks, { ticket }, { actor })).items;
  }

  /** The ticket's clocks once `ready` holds for them (events are consumed asynchronously). */
  async clocksWhen(ticket: string, ready: (clocks: ClockView[]) => boolean, what = 'the clocks'): Promise<ClockView[]> {
    return waitFor(
      async () => {
        const clocks = await this.clocks(ticket);
        return ready(clocks) ? clocks : undefined;
      },
      { what: `${what} of ${ticket}`, timeoutMs: 15_000 },
    );
  }

  /** Versions of a ticket applied by the service so far. */
  async appliedVersion(ticket: string): Promise<number> {
    const [row] = await this.database.query<{ version: number | null }>(`SELECT (last_snapshot->>'version')::int AS version FROM sla.tickets WHERE id = $1`, [ticket]);
    return row?.version ?? 0;
  }

  /** Live SLA events of one type about one ticket, as they arrived. */
  arrived(event: EventDeclaration, ticketId: string): Received[] {
    return this.received.filter((entry) => entry.type === event.type && entry.event.data['ticketId'] === ticketId);
  }

  /** SLA events on the stream about a clock of one ticket (what a durable subscriber gets). */
  async stored(event: EventDeclaration, ticketId: string): Promise<CloudEvent<Record<string, unknown>>[]> {
    await this.outboxDrained();
    return (await readEvents(this.nc, event.subject)).map((m) => m.body as CloudEvent<Record<string, unknown>>).filter((body) => body.data['ticketId'] === ticketId);
  }
}

/** The payload the incident service would publish for `event`, about the move from `before` to `after`. */
export function payloadOf(event: EventDeclaration, before: IncidentView, after: IncidentView): unknown {
  switch (event.type) {
    case IncidentEvents.created.type:
      return after;
    case IncidentEvents.stateChanged.type:
      return { incident: after, from: before.state, to: after.state };
    case IncidentEvents.priorityChanged.type:
      return { incident: after, from: before.priority, to: after.priority, overridden: true, reason: 'test' };
    case IncidentEvents.reopened.type:
      return { incident: after, reason: 'not fixed' };
    case IncidentEvents.assigned.type:
      return { incident: after, previousGroup: before.assignmentGroup, previousAssigneeId: before.assigneeId, reassignment: before.assignmentGroup !== null };
    case IncidentEvents.closed.type:
      return { incident: after, automatic: false };
    default:
      return { incident: after, changes: [] };
  }
}

export { SlaEvents };
