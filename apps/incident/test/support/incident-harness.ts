import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import {
  type Actor,
  type CloudEvent,
  type CreatedIncidentView,
  type CreateIncidentRequest,
  type EventDeclaration,
  HoldReason,
  IncidentRpc,
  IncidentState,
  type IncidentView,
  ResolutionCode,
  Role,
  type TransitionIncidentDto,
} from '@itsm/contracts';
import { connectNats, RpcClient, type RunningService, startServiceFrom } from '@itsm/messaging';
import { buildCreateIncident, createTestDatabase, readEvents, resetStreams, serviceTestEnv, testNatsUrl, type TestDatabase, waitFor } from '@itsm/testing';
import { incidentApp } from '../../src/app.module';

export const alice: Actor = { sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] };
export const bob: Actor = { sub: 'bob', name: 'Bob Jones', roles: [Role.Requester] };
export const sam: Actor = { sub: 'sam', name: 'Sam Agent', roles: [Role.Agent], groups: ['service-desk'] };
export const maria: Actor = { sub: 'maria', name: 'Maria Manager', roles: [Role.Manager] };

/** The incident service on a fresh database, and what a test needs to drive and observe it. */
export class IncidentHarness {
  database!: TestDatabase;
  nc!: NatsConnection;
  service!: RunningService;
  rpc!: RpcClient;

  /** `fresh: false` keeps the streams (and so the consumers of a service already running in the same test file). */
  static async start(env: Record<string, string> = {}, options: { fresh?: boolean } = {}): Promise<IncidentHarness> {
    const harness = new IncidentHarness();
    harness.database = await createTestDatabase();
    harness.nc = await connectNats(testNatsUrl(), 'incident-test');
    if (options.fresh ?? true) await resetStreams(harness.nc);
    harness.service = await startServiceFrom(incidentApp, serviceTestEnv(harness.database, env));
    harness.rpc = new RpcClient(harness.nc, 10_000);
    return harness;
  }

  async stop(): Promise<void> {
    await this.service.shutdown();
    await this.nc.drain();
    await this.database.drop();
  }

  open(actor: Actor = alice, overrides: Partial<CreateIncidentRequest> = {}): Promise<CreatedIncidentView> {
    return this.rpc.call(IncidentRpc.create, buildCreateIncident(overrides), { actor });
  }

  move(id: string, transition: TransitionIncidentDto, actor: Actor = sam, expectedVersion?: number): Promise<IncidentView> {
    return this.rpc.call(IncidentRpc.transition, { id, transition, ...(expectedVersion ? { expectedVersion } : {}) }, { actor });
  }

  /** Drives a new incident to `state` along the usual path. */
  async inState(state: IncidentState, actor: Actor = alice): Promise<IncidentView> {
    const created = await this.open(actor);
    const path: Record<IncidentState, TransitionIncidentDto[]> = {
      [IncidentState.New]: [],
      [IncidentState.InProgress]: [{ to: IncidentState.InProgress }],
      [IncidentState.OnHold]: [{ to: IncidentState.InProgress }, { to: IncidentState.OnHold, holdReason: HoldReason.AwaitingVendor }],
      [IncidentState.Resolved]: [{ to: IncidentState.InProgress }, RESOLVE],
      [IncidentState.Closed]: [{ to: IncidentState.InProgress }, RESOLVE, { to: IncidentState.Closed }],
      [IncidentState.Canceled]: [{ to: IncidentState.Canceled, reason: 'opened by mistake' }],
      [IncidentState.Merged]: [],
    };
    if (state === IncidentState.Merged) {
      const survivor = await this.open(actor);
      return this.move(created.id, { to: IncidentState.Merged, into: survivor.id });
    }
    let current: IncidentView = created;
    for (const step of path[state]) current = await this.move(created.id, step);
    return current;
  }

  async row(id: string): Promise<Record<string, unknown>> {
    const [row] = await this.database.query<Record<string, unknown>>(`SELECT * FROM incident.incidents WHERE id = $1`, [id]);
    if (!row) throw new Error(`no incident row ${id}`);
    return row;
  }

  async count(table: string): Promise<number> {
    const [row] = await this.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident.${table}`);
    return row?.n ?? -1;
  }

  /** Events of one type about one incident, once at least `atLeast` are on the stream. */
  async events<T>(event: EventDeclaration<string, T>, subject: string, atLeast = 1): Promise<Array<CloudEvent<T>>> {
    return waitFor(
      async () => {
        const found = (await readEvents(this.nc, event.subject)).map((m) => m.body as CloudEvent<T>).filter((body) => body.subject === subject);
        return found.length >= atLeast ? found : undefined;
      },
      { what: `${atLeast} ${event.type} about ${subject}` },
    );
  }

  /** Events of one type about one incident that are on the stream now (after the outbox has drained). */
  async eventsNow<T>(event: EventDeclaration<string, T>, subject: string): Promise<Array<CloudEvent<T>>> {
    await waitFor(async () => (await this.count('outbox WHERE sent_at IS NULL')) === 0, { what: 'the outbox to drain' });
    return (await readEvents(this.nc, event.subject)).map((m) => m.body as CloudEvent<T>).filter((body) => body.subject === subject);
  }

  /** Publishes an event on JetStream as another service would. */
  async publish<T>(event: EventDeclaration<string, T>, subject: string, data: T): Promise<string> {
    const id = randomUUID();
    const envelope: CloudEvent<T> = {
      specversion: '1.0',
      id,
      source: 'itsm/sla',
      type: event.type,
      subject,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      correlationid: randomUUID(),
      data,
    };
    await this.nc.jetstream().publish(event.subject, JSON.stringify(envelope), { msgID: id });
    return id;
  }
}

export const RESOLVE: TransitionIncidentDto = { to: IncidentState.Resolved, resolutionCode: ResolutionCode.PermanentFix, resolutionNotes: 'Replaced the faulty switch port.' };

/** The incident without the reply-only duplicate hints. */
export const viewOf = ({ possibleDuplicates: _hints, ...view }: CreatedIncidentView): IncidentView => view;
