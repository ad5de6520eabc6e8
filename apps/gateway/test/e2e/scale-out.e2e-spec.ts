/**
 * Two replicas of every service behind the gateway, as real processes on one database and one broker, under a
 * burst of mixed work: RPC load and events are shared, every event is handled once (one set of SLA clocks per
 * incident, one signed webhook message per subscription and event; each durable consumer consumed by one replica at
 * a time), a replica stopped with SIGTERM drains and exits 0 while the other takes over, and replicas killed mid-burst lose nothing a retrying client asked for.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  type CatalogItemView,
  type CiView,
  type ClockView,
  ClockState,
  type CloudEvent,
  type CreatedSubscriptionView,
  DLQ_STREAM,
  EVENT_SUBJECT_ROOT,
  EVENTS_STREAM,
  type IncidentView,
  type PolicyView,
  type ServiceRequestView,
} from '@itsm/contracts';
import { buildCatalogItem, metricSum, readEvents, scrapeMetrics, waitFor, WebhookReceiver } from '@itsm/testing';
import { GatewayClient } from './client';
import { ada, Burst, sam } from './load';
import { type RunningSuite, SERVICES, startSuite } from './suite';

/** Short, so that events a killed replica held come back to the other one within the test. */
const ACK_WAIT_MS = 4_000;
const SHUTDOWN_DELAY_MS = 1_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;
/** Short, so that a request sent to a killed replica fails soon enough to be sent again. */
const RPC_TIMEOUT_MS = 5_000;

/** The durable consumers of the suite (`<service>-<purpose>`). */
const DURABLE_CONSUMERS = ['incident-problems', 'incident-sla-breached', 'incident-sla-warning', 'notification-dispatch', 'notification-event-log', 'problem-detection', 'sla-tickets'];

const common = {
  CONSUMER_ACK_WAIT_MS: String(ACK_WAIT_MS),
  SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
  SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  // Fifteen processes share the test server's connections with the other test files.
  DATABASE_POOL_SIZE: '5',
};
const idle = { ...common, DATABASE_POOL_SIZE: '2' };
const ENV: Record<string, Record<string, string>> = {
  // No escalation: an incident's version then counts exactly the client's changes, which is what shows each applied once.
  incident: { ...common, INCIDENT_ESCALATION_RULES: '[]' },
  problem: idle,
  change: idle,
  cmdb: common,
  sla: common,
  knowledge: idle,
  notification: { ...common, NOTIFICATION_ALLOWED_TARGETS: '127.0.0.1', NOTIFICATION_POLL_INTERVAL_MS: '100' },
  gateway: { RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) },
};

interface Subscribed {
  id: string;
  path: string;
  eventTypes: string[];
  hook: Webhook;
}

/** Whether a subscription pattern (`*`, `incident.*`, `sla.breached`) covers a CloudEvents type (`itsm.sla.breached.v1`). */
function covers(pattern: string, type: string): boolean {
  const [, domain, name] = type.split('.');
  const [wantedDomain, wantedName] = pattern.split('.');
  return pattern === '*' || (wantedDomain === domain && (wantedName === '*' || wantedName === name));
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
}

function marker(): string {
  return `so${randomBytes(4).toString('hex')}`;
}

describe('two replicas of every service under a burst of work', () => {
  let suite: RunningSuite;
  let receiver: WebhookReceiver;
  let client: GatewayClient;
  let policy: PolicyView;
  const subscriptions: Subscribed[] = [];
  /** Processes this file stopped on purpose, with the exit code each should have had. */
  const stopped = new Map<string, number | null>();

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    suite = await startSuite(SERVICES, ENV, { replicas: 2 });
    client = new GatewayClient(suite.baseUrl, RPC_TIMEOUT_MS + 5_000);
    const created = await client.call<PolicyView>('POST', '/v1/sla/policies', ada, {
      body: {
        name: 'Scale-out incidents',
        kind: 'sla',
        order: 10,
        conditions: { ticketTypes: ['incident'] },
        targets: [
          { metric: 'response', duration: 2 },
          { metric: 'resolution', duration: 6, warnAt: [50] },
        ],
      },
    });
    expect(created.status).toBe(201);
    policy = created.body;
    for (const [path, eventTypes] of [
      ['/desk', ['incident.*', 'sla.breached']],
      ['/cmdb', ['cmdb.*', 'incident.created']],
    ] as const) {
      const subscription = await client.call<CreatedSubscriptionView>('POST', '/v1/notifications/subscriptions', ada, {
        body: { name: `Scale-out ${path}`, eventTypes, channel: 'webhook', webhook: { url: receiver.url(path) } },
      });
      expect(subscription.status).toBe(201);
      subscriptions.push({ id: subscription.body.id, path, eventTypes: [...eventTypes], hook: new Webhook(subscription.body.secret ?? '') });
    }
  }, 150_000);

  afterAll(async () => {
    const codes = await suite?.stop();
    await receiver?.stop();
    // Every process not stopped by a test stops cleanly on SIGTERM.
    expect(codes).toEqual(Object.fromEntries(Object.keys(codes ?? {}).map((name) => [name, stopped.has(name) ? stopped.get(name) : 0])));
  }, 60_000);

  async function catalogItem(tag: string): Promise<string> {
    const item = await client.call<CatalogItemView>('POST', '/v1/catalog/items', ada, { body: buildCatalogItem({ name: `Laptop ${tag}` }) });
    expect(item.status).toBe(201);
    return item.body.id;
  }

  async function outboxes(): Promise<string[]> {
    const rows = await suite.database.query<{ schema: string }>(`SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'outbox' ORDER BY 1`);
    return rows.map((row) => row.schema);
  }

  async function outboxIds(where: string): Promise<string[]> {
    const ids: string[] = [];
    for (const schema of await outboxes()) {
      ids.push(...(await suite.database.query<{ id: string }>(`SELECT event_id::text AS id FROM ${schema}.outbox WHERE ${where}`)).map((row) => row.id));
    }
    return ids;
  }

  /** Waits until every outbox is published and every durable consumer has taken and acknowledged everything. */
  async function settled(): Promise<void> {
    const jsm = await suite.nc.jetstreamManager();
    const schemas = await outboxes();
    await waitFor(
      async () => {
        for (const schema of schemas) {
          const [row] = await suite.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.outbox WHERE sent_at IS NULL`);
          if (row?.n !== 0) return false;
        }
        for (const name of DURABLE_CONSUMERS) {
          const info = await jsm.consumers.info(EVENTS_STREAM, name);
          if (info.num_pending !== 0 || info.num_ack_pending !== 0) return false;
        }
        return true;
      },
      { what: 'outboxes published and consumers caught up', timeoutMs: 45_000, intervalMs: 250 },
    );
  }

  /** One metric summed over its labels, per running replica of an app. */
  async function metricOf(app: string, name: string, labels: Record<string, string> = {}): Promise<Record<string, number>> {
    const running = new Set(suite.running(app));
    const replicas = [...suite.processes.entries()].filter(([, entry]) => running.has(entry));
    return Object.fromEntries(await Promise.all(replicas.map(async ([replica, { port }]) => [replica, metricSum(await scrapeMetrics(port), name, labels)] as const)));
  }

  /**
   * What a user and a subscriber see once the burst is over: every incident, CI and request it meant to make exists
   * once and each change applied once; each incident has one response and one resolution clock; every event the
   * services committed is on the stream once, nothing is left unacknowledged or dead-lettered; every subscription got
   * one signed message per matching event.
   */
  async function expectEverythingOnce(burst: Burst, tag: string, itemId: string): Promise<void> {
    expect(burst.failures).toEqual([]);

    const incidents = await client.all<IncidentView>(`/v1/incidents?q=${tag}`, sam);
    const seen = incidents.map((incident) => ({ title: incident.title, state: incident.state, version: incident.version })).sort((a, b) => a.title.localeCompare(b.title));
    const intended = burst.incidents.map(({ title, state, version }) => ({ title, state, version })).sort((a, b) => a.title.localeCompare(b.title));
    expect(seen).toEqual(intended);
    const cis = await client.all<CiView>(`/v1/cis?q=${tag}`, sam);
    expect(cis.map((ci) => ci.name).sort()).toEqual([...burst.cis.keys()].sort());
    const requests = await client.all<ServiceRequestView>(`/v1/requests?item=${itemId}`, sam);
    expect(requests.map((request) => request.id).sort()).toEqual([...burst.requests.values()].sort());

    const incidentIds = new Set(incidents.map((incident) => incident.id));
    const clocks = await waitFor(
      async () => {
        const byTicket = new Map<string, ClockView[]>();
        for (const clock of await client.all<ClockView>(`/v1/sla/clocks?policyId=${policy.id}`, sam)) {
          if (incidentIds.has(clock.ticketId)) byTicket.set(clock.ticketId, [...(byTicket.get(clock.ticketId) ?? []), clock]);
        }
        // Both targets are seconds long: once every clock is achieved, or breached with its breach sent, no alert
        // is still to come.
        const final = (clock: ClockView): boolean =>
          clock.state === ClockState.Achieved || (clock.state === ClockState.Breached && clock.alerts.some((alert) => alert.kind === 'breached'));
        const done = [...incidentIds].every((id) => {
          const mine = byTicket.get(id) ?? [];
          return mine.length >= 2 && mine.every(final);
        });
        return done ? byTicket : undefined;
      },
      { what: 'the clocks of every incident achieved or their breach sent', timeoutMs: 45_000, intervalMs: 500 },
    );
    for (const [ticket, mine] of clocks) {
      expect({ ticket, clocks: mine.map((clock) => [clock.policyName, clock.metric, clock.cycle]).sort() }).toEqual({
        ticket,
        clocks: [
          ['Scale-out incidents', 'resolution', 1],
          ['Scale-out incidents', 'response', 1],
        ],
      });
    }

    await settled();
    const jsm = await suite.nc.jetstreamManager();
    expect((await jsm.streams.info(DLQ_STREAM)).state.messages).toBe(0);
    // Events keep coming (each webhook delivered is one): what was published before the stream is read must be on
    // it, and what is on it must have been committed by then.
    const published = await outboxIds('sent_at IS NOT NULL');
    const onStream = await readEvents(suite.nc, `${EVENT_SUBJECT_ROOT}.>`);
    const committed = new Set(await outboxIds('true'));
    const streamIds = onStream.map((message) => message.body.id);
    expect(duplicates(streamIds)).toEqual([]);
    const streamed = new Set(streamIds);
    expect(published.filter((id) => !streamed.has(id))).toEqual([]);
    expect(streamIds.filter((id) => !committed.has(id))).toEqual([]);

    // What each subscriber should get: the events of this burst's records that its patterns cover.
    const records = new Set([...incidentIds, ...cis.map((ci) => ci.id), ...requests.map((request) => request.id)]);
    const about = (event: CloudEvent): boolean => records.has(event.subject ?? '') || records.has((event.data as { ticketId?: string } | null)?.ticketId ?? '');
    for (const subscription of subscriptions) {
      const expected = onStream.map((message) => message.body).filter((event) => about(event) && subscription.eventTypes.some((pattern) => covers(pattern, event.type)));
      expect(expected.length).toBeGreaterThan(0);
      const got = await waitFor(
        () => {
          const mine = receiver.at(subscription.path).map((message) => ({ message, event: JSON.parse(message.body) as CloudEvent }));
          const ours = mine.filter(({ event }) => about(event));
          const ids = new Set(ours.map(({ event }) => event.id));
          return expected.every((event) => ids.has(event.id)) ? ours : undefined;
        },
        { what: `the messages of ${subscription.path}`, timeoutMs: 45_000, intervalMs: 250 },
      );
      // Every message is signed with the subscription's secret (verify throws otherwise) and is what was published.
      for (const { message, event } of got) expect(subscription.hook.verify(message.body, message.headers)).toEqual(event);
      expect(got.map(({ event }) => event.id).sort()).toEqual(expected.map((event) => event.id).sort());
      expect(duplicates(got.map(({ message }) => message.headers['webhook-id'] ?? ''))).toEqual([]);
      expect(new Set(got.map(({ message }) => message.headers['webhook-id'])).size).toBe(expected.length);
    }
  }

  it('shares RPC requests and events between the replicas and handles every event once', async () => {
    const tag = marker();
    const itemId = await catalogItem(tag);
    const burst = new Burst(client, { marker: tag, incidents: 30, cis: 16, requests: 8, catalogItemId: itemId, concurrency: 6, retry: false });
    await burst.done;
    await expectEverythingOnce(burst, tag, itemId);

    // Both replicas of each service that answers the gateway took some of its requests.
    for (const service of ['incident', 'sla', 'cmdb']) {
      const handled = await metricOf(service, 'itsm_rpc_requests_total');
      expect({ service, replicas: Object.keys(handled).length, idle: Object.entries(handled).filter(([, n]) => n === 0) }).toEqual({ service, replicas: 2, idle: [] });
    }
    // Each durable consumer is consumed by one replica at a time (the holder of its lease), so that a record's events
    // are applied in order; the other replica stands by.
    for (const [service, consumer] of [
      ['sla', 'sla-tickets'],
      ['notification', 'notification-event-log'],
      ['notification', 'notification-dispatch'],
    ] as const) {
      const applied = await metricOf(service, 'itsm_consumer_events_total', { consumer, outcome: 'applied' });
      expect({ consumer, replicas: Object.keys(applied).length, consuming: Object.values(applied).filter((n) => n > 0).length }).toEqual({ consumer, replicas: 2, consuming: 1 });
    }
  }, 120_000);

  it('stops a replica on SIGTERM under load: it exits 0 in time, every request succeeds, and it leaves no event unacknowledged', async () => {
    const tag = marker();
    const itemId = await catalogItem(tag);
    const stopping = ['incident-2', 'notification-2'];
    const survivors = ['incident', 'sla', 'notification'];
    const redeliveredBefore = Object.assign({}, ...(await Promise.all(survivors.map((app) => metricOf(app, 'itsm_consumer_redeliveries_total'))))) as Record<string, number>;

    let allExited: () => void = () => undefined;
    const exitedAndAfter = new Promise<void>((resolve) => (allExited = resolve));
    const burst = new Burst(client, { marker: tag, incidents: 20, maxIncidents: 200, continueUntil: exitedAndAfter, cis: 8, requests: 6, catalogItemId: itemId, concurrency: 6, retry: false });
    await burst.reached(30);
    const signalledAt = Date.now();
    const exits = stopping.map((name) => {
      const entry = suite.processes.get(name);
      if (!entry) throw new Error(`no process ${name}`);
      stopped.set(name, 0);
      entry.process.child.kill('SIGTERM');
      return entry.process.exited;
    });
    const codes = await Promise.all(exits);
    const exitedAt = Date.now();
    // Work goes on for a while after the replicas are gone, to the ones left.
    await burst.reached(burst.calls.length + 30);
    allExited();
    await burst.done;

    expect(codes).toEqual([0, 0]);
    expect(exitedAt - signalledAt).toBeLessThan(SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS);
    // Requests kept coming while the replicas stopped, and every one of them (every one at all) succeeded.
    expect(burst.callsBetween(signalledAt, exitedAt).length).toBeGreaterThan(20);
    expect(burst.calls.filter((call) => call.status < 200 || call.status >= 300)).toEqual([]);

    // Among the rest: every durable consumer ends with nothing pending and nothing unacknowledged.
    await expectEverythingOnce(burst, tag, itemId);
    // Nothing the stopping replicas held went back to the others after its ack wait: they finished and acknowledged it all.
    const redeliveredAfter = Object.assign({}, ...(await Promise.all(survivors.map((app) => metricOf(app, 'itsm_consumer_redeliveries_total'))))) as Record<string, number>;
    expect(Object.keys(redeliveredAfter).sort()).toEqual(['incident', 'notification', 'sla', 'sla-2']);
    expect(redeliveredAfter).toEqual(Object.fromEntries(Object.keys(redeliveredAfter).map((replica) => [replica, redeliveredBefore[replica]])));
  }, 150_000);

  it('loses nothing when replicas are killed mid-burst: clients retry, and every incident, clock and notification exists once', async () => {
    // A new replica takes the place of the one stopped above, and works beside the first at once.
    if (suite.running('incident').length < 2) await suite.addReplica('incident');
    expect(suite.running('incident')).toHaveLength(2);
    const tag = marker();
    const itemId = await catalogItem(tag);
    const burst = new Burst(client, { marker: tag, incidents: 30, cis: 10, requests: 6, catalogItemId: itemId, concurrency: 6, retry: true, retryForMs: 60_000 });
    await burst.reached(40);
    const killed = ['incident', 'sla-2'];
    const exits = killed.map((name) => {
      const entry = suite.processes.get(name);
      if (!entry) throw new Error(`no process ${name}`);
      stopped.set(name, null);
      entry.process.child.kill('SIGKILL');
      return entry.process.exited;
    });
    await expect(Promise.all(exits)).resolves.toEqual([null, null]);
    // Requests the killed incident replica held time out at the gateway (504) and are sent again with the same
    // Idempotency-Key or If-Match; events the killed sla replica held come back to the other after their ack wait.
    await burst.done;

    await expectEverythingOnce(burst, tag, itemId);
  }, 150_000);
});
