/**
 * Benchmark of webhook notifications: the notification service as a real process (from its build) on a private
 * PostgreSQL (`fsync` on) and NATS, fed with `incident.created.v1` events on JetStream as the incident service
 * publishes them (one event per new incident), delivering to HTTP receivers on loopback in this process.
 *
 *   npm run bench:notification -- [--events 2000] [--subscriptions 50] [--fanout-events 250] [--backlog 20000]
 *                                  [--receiver-delay-ms 0]
 *
 * 1. Burst: `--events` events published at once, one subscription to one healthy receiver (127.0.0.1, answering
 *    204 after `--receiver-delay-ms`); end-to-end latency (published → webhook received) and deliveries per
 *    second, with the default pools (32 in flight, 4 per host) and with NOTIFICATION_PER_HOST_CONCURRENCY=16.
 *    Every case is a fresh service process, database and stream, so the cases do not share anything but the machine.
 * 2. Isolation: the same burst while a second subscription's receiver on 127.0.0.2 never answers (every attempt
 *    times out after NOTIFICATION_WEBHOOK_TIMEOUT_MS=2000, which every case uses); then an eighth of the burst
 *    with `--backlog` due deliveries to the hanging receiver waiting ahead of it (inserted with SQL, as after the
 *    receiver has hung for a while; 0 skips the case).
 * 3. Fan-out: `--fanout-events` events (default an eighth of `--events`; 0 skips it) matching `--subscriptions`
 *    webhook subscriptions to one receiver (127.0.0.3): how fast the consumer turns events into deliveries, from
 *    the rows of notification.deliveries over time, while the dispatcher sends them; and EXPLAIN ANALYZE of the
 *    dispatcher's claim query over the backlog that leaves, before and after an ANALYZE of the table.
 *
 * Before each case, 40 events are sent one at a time (50 ms apart) as a warm-up; their latency is the unloaded
 * one. Every message is checked to arrive exactly once per subscription (by `webhook-id`), and a sample of
 * signatures is verified with the Standard Webhooks library. CPU time per delivery of each process is read from
 * /proc (PostgreSQL with its backends), transactions and rows from pg_stat_database. Prints what it measured and
 * writes the same as JSON under bench/results/. BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is
 * passed to the notification process.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { Webhook } from 'standardwebhooks';
import { type CloudEvent, type CreateSubscriptionDto, IncidentEvents, NotificationRpc, Role } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { buildIncidentView, createTestDatabase, freePort, infra, resetStreams, serviceTestEnv, spawnApp, type ServiceProcess, type TestDatabase, waitUntilReady, connectTestNats } from '@itsm/testing';
import { cpuMs, option, sleep, summary } from './bench-kit';

const HEALTHY_HOST = '127.0.0.1';
const HANGING_HOST = '127.0.0.2';
const FAN_OUT_HOST = '127.0.0.3';
const WEBHOOK_TIMEOUT_MS = 2_000;
const WARM_UP_EVENTS = 40;
const WARM_UP_SPACING_MS = 50;
/** Publications awaiting their JetStream ack at once during a burst. */
const PUBLISH_WINDOW = 64;
/** Signatures verified per subscription. */
const SIGNATURE_SAMPLE = 100;
/** Time after the last expected message during which a second copy would still be noticed. */
const SETTLE_MS = 2_000;
const DEADLINE_MS = 150_000;

const admin = { sub: 'service:bench', name: 'notification benchmark', roles: [Role.Admin] };

/** CPU time of a process and its children (live ones, and those it has reaped), in ms: PostgreSQL's backends. */
function treeCpuMs(pid: number | undefined): number {
  const stat = (id: string | number) => readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  try {
    const own = stat(pid ?? 0);
    let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const fields = stat(entry);
        if (Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // Gone meanwhile.
      }
    }
    return (ticks * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

function pidIn(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** CPU time so far of each process taking part, in ms. */
interface CpuMeter {
  read(): Record<string, number>;
}

function cpuMeter(notificationPid: number | undefined, postgresPid: number | undefined, natsPid: number | undefined): CpuMeter {
  return {
    read: () => {
      const bench = process.cpuUsage();
      return { notification: cpuMs(notificationPid), postgres: treeCpuMs(postgresPid), nats: cpuMs(natsPid), bench: (bench.user + bench.system) / 1000 };
    },
  };
}

/** CPU ms per unit of work of each process between two readings. */
function cpuPer(before: Record<string, number>, after: Record<string, number>, units: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((key) => [key, +(((after[key] ?? 0) - (before[key] ?? 0)) / units).toFixed(2)]));
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of both cores that was busy (anything on the machine) since `before`, in percent. */
function machineBusy(before: { busy: number; total: number }): number {
  const now = machineTicks();
  return Math.round((100 * (now.busy - before.busy)) / Math.max(1, now.total - before.total));
}

// ---------------------------------------------------------------------------------------------------------------
// Receivers

interface Received {
  webhookId: string;
  eventId: string;
  /** performance.now() of this process when the body had arrived. */
  at: number;
  headers: Record<string, string>;
  body: string;
}

/** An HTTP receiver on one loopback address: answers 204 after `delayMs`, or never (`hang`). Keeps every request by path. */
class Receiver {
  private readonly paths = new Map<string, Received[]>();
  private readonly held = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    private readonly hang: boolean,
    private readonly delayMs: number,
  ) {}

  static async start(host: string, options: { hang?: boolean; delayMs?: number } = {}): Promise<Receiver> {
    const holder: { receiver?: Receiver } = {};
    const server = createServer((request, response) => holder.receiver?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    holder.receiver = new Receiver(server, host, (server.address() as AddressInfo).port, options.hang ?? false, options.delayMs ?? 0);
    return holder.receiver;
  }

  url(path: string): string {
    return `http://${this.host}:${this.port}${path}`;
  }

  at(path: string): Received[] {
    return this.paths.get(path) ?? [];
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
      let eventId = '';
      try {
        eventId = (JSON.parse(body) as { id?: string }).id ?? '';
      } catch {
        // Counted as a message of no event of ours.
      }
      const path = request.url ?? '/';
      const list = this.paths.get(path) ?? [];
      list.push({ webhookId: headers['webhook-id'] ?? '', eventId, at, headers, body });
      this.paths.set(path, list);
      if (this.hang) {
        this.held.add(response);
        response.on('close', () => this.held.delete(response));
        return;
      }
      if (this.delayMs > 0) setTimeout(() => response.writeHead(204).end(), this.delayMs);
      else response.writeHead(204).end();
    });
  }

  async stop(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The service, subscriptions and events

/** What every part of the benchmark shares: the broker connection, the healthy receiver and the servers' pids. */
interface Bench {
  nc: NatsConnection;
  healthy: Receiver;
  postgresPid: number | undefined;
  natsPid: number | undefined;
}

interface Running {
  database: TestDatabase;
  service: ServiceProcess;
  rpc: RpcClient;
  cpu: CpuMeter;
}

/** A fresh stream, database and notification process with `env` over the benchmark's settings, for `work`. */
async function withService<T>(bench: Bench, env: Record<string, string>, work: (running: Running) => Promise<T>): Promise<T> {
  await resetStreams(bench.nc);
  const database = await createTestDatabase();
  const healthPort = await freePort();
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const service = spawnApp(
    'notification',
    serviceTestEnv(database, {
      HEALTH_PORT: String(healthPort),
      LOG_LEVEL: 'warn',
      // The outbox's production poll (the relay is woken by NOTIFY anyway).
      OUTBOX_POLL_INTERVAL_MS: '1000',
      NOTIFICATION_ALLOWED_TARGETS: [HEALTHY_HOST, HANGING_HOST, FAN_OUT_HOST].join(','),
      NOTIFICATION_POLL_INTERVAL_MS: '100',
      NOTIFICATION_WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
      ...env,
    }),
    nodeArgs,
  );
  try {
    await waitUntilReady(service, healthPort);
    return await work({ database, service, rpc: new RpcClient(bench.nc, 60_000), cpu: cpuMeter(service.child.pid, bench.postgresPid, bench.natsPid) });
  } finally {
    await service.kill('SIGTERM');
    const warnings = service.output().split('\n').filter((line) => /"level":(40|50|60)/.test(line));
    if (warnings.length > 0) process.stderr.write(`notification logged ${warnings.length} warnings or errors, the first:\n${warnings.slice(0, 3).join('\n')}\n`);
    await database.drop().catch(() => undefined);
  }
}

/** Transactions and rows written in the service's database so far (PostgreSQL's statistics, flushed about once a second). */
async function pgActivity(database: TestDatabase): Promise<{ transactions: number; inserted: number; updated: number }> {
  await database.query('SELECT pg_stat_clear_snapshot()');
  const [row] = await database.query<{ transactions: string; inserted: string; updated: string }>(
    `SELECT xact_commit + xact_rollback AS transactions, tup_inserted AS inserted, tup_updated AS updated FROM pg_stat_database WHERE datname = current_database()`,
  );
  return { transactions: Number(row?.transactions), inserted: Number(row?.inserted), updated: Number(row?.updated) };
}

/** Polls the number of delivery rows of `subscriptionIds` (and how many are delivered) until `expected` rows exist. */
async function watchRows(database: TestDatabase, subscriptionIds: readonly string[], expected: number, since: number, deadline: number) {
  const timeline: Array<{ atMs: number; rows: number; delivered: number }> = [];
  for (;;) {
    await sleep(250);
    const [row] = await database.query<{ rows: number; delivered: number }>(
      `SELECT count(*)::int AS rows, count(*) FILTER (WHERE status = 'delivered')::int AS delivered FROM notification.deliveries WHERE subscription_id = ANY($1::uuid[])`,
      [subscriptionIds],
    );
    timeline.push({ atMs: Math.round(performance.now() - since), rows: row?.rows ?? 0, delivered: row?.delivered ?? 0 });
    if ((row?.rows ?? 0) >= expected || performance.now() > deadline) return timeline;
  }
}

/** Warm-up, one event at a time (connections, JIT); returns the latency of each to `target` as the unloaded one. */
async function warmUp(nc: NatsConnection, target: Target) {
  const warm = new Map<string, number>();
  for (let i = 0; i < WARM_UP_EVENTS; i += 1) {
    await publishOne(nc, 'warm-up', warm);
    await sleep(WARM_UP_SPACING_MS);
  }
  await awaitAll([target], warm, performance.now() + 30_000);
  const unloaded = tally(target, warm, Math.min(...warm.values()));
  await sleep(1_000);
  return unloaded.latencyMs;
}

interface Target {
  name: string;
  receiver: Receiver;
  path: string;
  subscriptionId: string;
  secret: string;
}

async function subscribe(rpc: RpcClient, name: string, receiver: Receiver, path: string, categories: string[]): Promise<Target> {
  const input: CreateSubscriptionDto = { name, eventTypes: ['incident.created'], channel: 'webhook', webhook: { url: receiver.url(path) }, conditions: { categories } } as CreateSubscriptionDto;
  const created = await rpc.call(NotificationRpc.createSubscription, input, { actor: admin });
  if (!created.secret) throw new Error(`subscription ${name} came without a secret`);
  return { name, receiver, path, subscriptionId: created.id, secret: created.secret };
}

/** Publishes one `incident.created.v1` about a new incident as the incident service does, noting when in `sentAt`. */
async function publishOne(nc: NatsConnection, category: string, sentAt: Map<string, number>): Promise<void> {
  const incident = buildIncidentView({ category });
  const id = randomUUID();
  const envelope: CloudEvent = {
    specversion: '1.0',
    id,
    source: 'itsm/incident',
    type: IncidentEvents.created.type,
    subject: incident.id,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: id,
    data: incident,
  };
  const body = JSON.stringify(envelope);
  sentAt.set(id, performance.now());
  await nc.jetstream().publish(IncidentEvents.created.subject, body, { msgID: id });
}

/** `count` events at once (PUBLISH_WINDOW awaiting their ack at a time); returns when each was published, by id. */
async function publishBurst(nc: NatsConnection, count: number, category: string): Promise<{ sentAt: Map<string, number>; publishMs: number }> {
  const sentAt = new Map<string, number>();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      await publishOne(nc, category, sentAt);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUBLISH_WINDOW, count) }, worker));
  return { sentAt, publishMs: Math.round(performance.now() - started) };
}

async function awaitAll(targets: readonly Target[], sentAt: ReadonlyMap<string, number>, deadline: number): Promise<void> {
  const complete = () => targets.every((target) => new Set(target.receiver.at(target.path).filter((m) => sentAt.has(m.eventId)).map((m) => m.eventId)).size >= sentAt.size);
  while (!complete() && performance.now() < deadline) await sleep(100);
}

/** What one subscription received of the events in `sentAt`: latency of each first arrival, exactly-once checks. */
function tally(target: Target, sentAt: ReadonlyMap<string, number>, firstSent: number) {
  const messages = target.receiver.at(target.path).filter((m) => sentAt.has(m.eventId));
  const copies = new Map<string, number>();
  const idsOfEvent = new Map<string, Set<string>>();
  const eventsOfId = new Map<string, Set<string>>();
  const first = new Map<string, number>();
  for (const message of messages) {
    copies.set(message.webhookId, (copies.get(message.webhookId) ?? 0) + 1);
    idsOfEvent.set(message.eventId, (idsOfEvent.get(message.eventId) ?? new Set()).add(message.webhookId));
    eventsOfId.set(message.webhookId, (eventsOfId.get(message.webhookId) ?? new Set()).add(message.eventId));
    if (!first.has(message.eventId)) first.set(message.eventId, message.at);
  }
  const latencies = [...first].map(([eventId, at]) => at - (sentAt.get(eventId) ?? Number.NaN));
  const last = Math.max(...first.values());
  return {
    requests: messages.length,
    receivedOnce: [...copies.values()].filter((n) => n === 1).length,
    missing: sentAt.size - first.size,
    duplicates: [...copies.values()].reduce((sum, n) => sum + n - 1, 0),
    /** Events that came with more than one webhook-id, and webhook-ids used for more than one event: both must be 0. */
    eventsWithSeveralIds: [...idsOfEvent.values()].filter((ids) => ids.size > 1).length,
    idsOfSeveralEvents: [...eventsOfId.values()].filter((events) => events.size > 1).length,
    latencyMs: summary(latencies, 0),
    lastArrivedAfterMs: Math.round(last - firstSent),
    deliveriesPerSecond: first.size > 0 ? Math.round((first.size * 1000) / (last - firstSent)) : 0,
  };
}

/** Verifies the signatures of up to SIGNATURE_SAMPLE random messages with the Standard Webhooks library. */
function verifySample(target: Target, ours: { has(eventId: string): boolean }): { verified: number; failed: number } {
  const messages = target.receiver.at(target.path).filter((m) => ours.has(m.eventId));
  const sample = [...messages].sort(() => Math.random() - 0.5).slice(0, SIGNATURE_SAMPLE);
  let verified = 0;
  for (const message of sample) {
    try {
      const payload = new Webhook(target.secret).verify(message.body, {
        'webhook-id': message.headers['webhook-id'] ?? '',
        'webhook-timestamp': message.headers['webhook-timestamp'] ?? '',
        'webhook-signature': message.headers['webhook-signature'] ?? '',
      }) as { id?: string };
      if (payload.id === message.eventId) verified += 1;
    } catch {
      // Counted below as a failure.
    }
  }
  return { verified, failed: sample.length - verified };
}

/** The delivery rows and attempts of one subscription, and its version (what If-Match is checked against). */
async function ledger(database: TestDatabase, target: Target) {
  const [row] = await database.query<{ delivered: number; pending: number; failed: number; attempts: number; failed_attempts: number; version: number }>(
    `SELECT count(*) FILTER (WHERE d.status = 'delivered')::int AS delivered,
            count(*) FILTER (WHERE d.status IN ('pending', 'retrying'))::int AS pending,
            count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
            coalesce(sum(d.attempts), 0)::int AS attempts,
            (SELECT count(*)::int FROM notification.delivery_attempts a JOIN notification.deliveries x ON x.id = a.delivery_id
              WHERE x.subscription_id = $1 AND (a.status_code IS NULL OR a.status_code >= 300)) AS failed_attempts,
            (SELECT version FROM notification.subscriptions WHERE id = $1) AS version
       FROM notification.deliveries d WHERE d.subscription_id = $1`,
    [target.subscriptionId],
  );
  return { deliveredRows: row?.delivered, pendingRows: row?.pending, failedRows: row?.failed, attemptsLogged: row?.attempts, failedAttempts: row?.failed_attempts, subscriptionVersion: row?.version };
}

// ---------------------------------------------------------------------------------------------------------------
// 1 and 2. Bursts, with and without a receiver that hangs

interface BurstCase {
  label: string;
  perHost: number;
  withHanging: boolean;
  /** Due deliveries to the hanging receiver already waiting when the burst starts, as after it has hung for a while. */
  backlog?: number;
}

/**
 * Inserts `count` deliveries to `target` that are due (retrying since 10 minutes ago, after a first attempt timed
 * out), each about another ticket, as the fan-out writes them; returns how long the insert took.
 */
async function insertBacklog(database: TestDatabase, target: Target, count: number): Promise<number> {
  const t0 = performance.now();
  const url = target.receiver.url(target.path);
  await database.query(
    `INSERT INTO notification.deliveries (id, subscription_id, event_id, event_type, subject, ordering_key, channel, recipient, host, message_id, content, status, attempts, next_attempt_at, last_error, created_at)
     SELECT b.id, $1::uuid, gen_random_uuid(), $2, b.ticket, b.ticket, 'webhook', $3, $4, 'msg_' || b.id, jsonb_build_object('kind', 'webhook', 'body', '{}'),
            'retrying', 1, now() - interval '10 minutes' + b.g * interval '1 ms', 'timed out after ${WEBHOOK_TIMEOUT_MS} ms', now() - interval '15 minutes'
       FROM (SELECT g, gen_random_uuid() AS id, gen_random_uuid()::text AS ticket FROM generate_series(1, $5::int) g) b`,
    [target.subscriptionId, IncidentEvents.created.type, url, new URL(url).host, count],
  );
  await database.query('ANALYZE notification.deliveries');
  return Math.round(performance.now() - t0);
}

async function burst(bench: Bench, events: number, spec: BurstCase) {
  const started = performance.now();
  const env: Record<string, string> = spec.perHost === 4 ? {} : { NOTIFICATION_PER_HOST_CONCURRENCY: String(spec.perHost) };
  const hanging = spec.withHanging ? await Receiver.start(HANGING_HOST, { hang: true }) : undefined;
  try {
    return await withService(bench, env, async ({ database, rpc, cpu }) => {
      const prefix = `/${spec.label.replace(/\W+/g, '-')}`;
      const target = await subscribe(rpc, `${spec.label}: healthy`, bench.healthy, `${prefix}/healthy`, ['warm-up', 'burst']);
      const stuck = hanging ? await subscribe(rpc, `${spec.label}: hanging`, hanging, `${prefix}/hanging`, ['burst']) : undefined;
      const unloadedLatencyMs = await warmUp(bench.nc, target);
      const warmRows = WARM_UP_EVENTS;
      const backlogInsertMs = stuck && spec.backlog ? await insertBacklog(database, stuck, spec.backlog) : null;

      const cpuBefore = cpu.read();
      const pgBefore = await pgActivity(database);
      const ticks = machineTicks();
      const firstSent = performance.now();
      const rows = watchRows(database, [target.subscriptionId], warmRows + events, firstSent, firstSent + DEADLINE_MS);
      const { sentAt, publishMs } = await publishBurst(bench.nc, events, 'burst');
      await awaitAll([target], sentAt, firstSent + DEADLINE_MS);
      const busyPercent = machineBusy(ticks);
      const cpuAfter = cpu.read();
      const timeline = await rows;
      await sleep(SETTLE_MS);
      const pgAfter = await pgActivity(database);

      const healthy = { ...tally(target, sentAt, firstSent), signatures: verifySample(target, sentAt), ...(await ledger(database, target)) };
      const result = {
        case: spec.label,
        pools: { concurrency: 32, perHost: spec.perHost },
        events,
        hangingBacklog: spec.backlog ?? 0,
        backlogInsertMs,
        publishMs,
        unloadedLatencyMs,
        allFannedOutAfterMs: timeline.at(-1)?.atMs,
        healthy,
        hanging:
          stuck && hanging
            ? {
                requests: stuck.receiver.at(stuck.path).length,
                distinctMessages: new Set(stuck.receiver.at(stuck.path).map((m) => m.webhookId)).size,
                signatures: verifySample(stuck, sentAt),
                ...(await ledger(database, stuck)),
              }
            : null,
        cpuMsPerDelivery: cpuPer(cpuBefore, cpuAfter, events),
        postgresPerDelivery: {
          transactions: +((pgAfter.transactions - pgBefore.transactions) / events).toFixed(1),
          rowsInserted: +((pgAfter.inserted - pgBefore.inserted) / events).toFixed(1),
          rowsUpdated: +((pgAfter.updated - pgBefore.updated) / events).toFixed(1),
        },
        machineBusyPercent: busyPercent,
        tookSeconds: Math.round((performance.now() - started) / 1000),
      };
      process.stderr.write(
        `${spec.label}: ${healthy.deliveriesPerSecond}/s, latency p50/p95/max ${healthy.latencyMs.p50}/${healthy.latencyMs.p95}/${healthy.latencyMs.max} ms, ` +
          `once ${healthy.receivedOnce}, missing ${healthy.missing}, duplicates ${healthy.duplicates}, unloaded p50 ${unloadedLatencyMs.p50} ms, ` +
          `all fanned out after ${result.allFannedOutAfterMs} ms, CPU ms per delivery ${JSON.stringify(result.cpuMsPerDelivery)}, PostgreSQL ${JSON.stringify(result.postgresPerDelivery)}\n`,
      );
      return result;
    });
  } finally {
    await hanging?.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Fan-out

/** The dispatcher's claim query (Dispatcher.claim) as TypeORM sends it, with 32 free slots. */
const CLAIM_QUERY = `SELECT d.* FROM notification.deliveries d
  WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
    AND d.host <> ALL($1)
    AND NOT EXISTS (SELECT 1 FROM notification.deliveries e WHERE e.subscription_id = d.subscription_id AND e.ordering_key = d.ordering_key
                    AND e.recipient = d.recipient AND e.seq < d.seq AND e.status IN ('pending', 'retrying'))
  ORDER BY d.next_attempt_at ASC, d.seq ASC LIMIT 64 FOR UPDATE SKIP LOCKED`;

async function fanOut(bench: Bench, events: number, subscriptions: number) {
  const started = performance.now();
  const receiver = await Receiver.start(FAN_OUT_HOST);
  try {
    return await withService(bench, {}, async ({ database, rpc, cpu }) => {
      const warmTarget = await subscribe(rpc, 'fan-out: warm-up', bench.healthy, '/fan-out/warm-up', ['warm-up']);
      const targets: Target[] = [];
      for (let i = 0; i < subscriptions; i += 1) targets.push(await subscribe(rpc, `fan-out ${i + 1}`, receiver, `/fan-out/${i + 1}`, ['burst']));
      await warmUp(bench.nc, warmTarget);

      const expected = events * subscriptions;
      const cpuBefore = cpu.read();
      const pgBefore = await pgActivity(database);
      const ticks = machineTicks();
      const firstSent = performance.now();
      const rows = watchRows(
        database,
        targets.map((target) => target.subscriptionId),
        expected,
        firstSent,
        firstSent + DEADLINE_MS,
      );
      const { publishMs } = await publishBurst(bench.nc, events, 'burst');
      const timeline = await rows;
      const busyPercent = machineBusy(ticks);
      const cpuAfter = cpu.read();
      const pgAfter = await pgActivity(database);
      const final = timeline.at(-1) ?? { atMs: Number.NaN, rows: 0, delivered: 0 };
      const doneAtMs = final.rows >= expected ? final.atMs : Number.NaN;

      // Events fanned out in each second of the run, to see whether it slows down as the table grows.
      const rowsAt = (ms: number) => [...timeline].reverse().find((point) => point.atMs <= ms)?.rows ?? 0;
      const eachSecond: number[] = [];
      for (let second = 1; second * 1000 <= final.atMs; second += 1) eachSecond.push(Math.round((rowsAt(second * 1000) - rowsAt((second - 1) * 1000)) / subscriptions));

      // The claim query over the backlog, with the fan-out receiver's host free, and saturated (so excluded).
      const explain = async (saturated: string[]) => {
        await database.query('BEGIN');
        try {
          const plan = await database.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${CLAIM_QUERY}`, [saturated]);
          return plan.map((line) => line['QUERY PLAN']);
        } finally {
          await database.query('ROLLBACK');
        }
      };
      const [pending] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification.deliveries WHERE status IN ('pending', 'retrying')`);
      // First with the statistics PostgreSQL has at that moment (autovacuum may not have analyzed the grown table
      // yet, as right after a real burst), then analyzed.
      const saturatedHost = new URL(receiver.url('/')).host;
      const planHostFree = await explain([]);
      const planHostSaturated = await explain([saturatedHost]);
      await database.query('ANALYZE notification.deliveries');
      const planHostFreeAnalyzed = await explain([]);
      const planHostSaturatedAnalyzed = await explain([saturatedHost]);
      process.stderr.write(`${[planHostFree, planHostSaturated, planHostFreeAnalyzed, planHostSaturatedAnalyzed].map((plan) => plan.join('\n')).join('\n\n')}\n`);

      // Every message sent so far reached its subscription once.
      await sleep(SETTLE_MS);
      let requests = 0;
      let duplicates = 0;
      let signatures = { verified: 0, failed: 0 };
      for (const [index, target] of targets.entries()) {
        const seen = receiver.at(target.path);
        requests += seen.length;
        duplicates += seen.length - new Set(seen.map((m) => m.webhookId)).size;
        if (index >= 5) continue;
        const sample = verifySample(target, { has: (eventId) => eventId !== '' });
        signatures = { verified: signatures.verified + sample.verified, failed: signatures.failed + sample.failed };
      }

      const result = {
        events,
        subscriptions,
        expectedDeliveries: expected,
        deliveryRows: final.rows,
        publishMs,
        allFannedOutAfterMs: doneAtMs,
        eventsPerSecond: Math.round((events * 1000) / doneAtMs),
        deliveryRowsPerSecond: Math.round((expected * 1000) / doneAtMs),
        eventsFannedOutEachSecond: eachSecond,
        deliveredMeanwhile: final.delivered,
        deliveredPerSecondMeanwhile: Math.round((final.delivered * 1000) / final.atMs),
        webhookRequests: requests,
        duplicates,
        signatures,
        cpuMsPerEvent: cpuPer(cpuBefore, cpuAfter, events),
        postgresTransactionsPerEvent: +((pgAfter.transactions - pgBefore.transactions) / events).toFixed(1),
        machineBusyPercent: busyPercent,
        claimQuery: CLAIM_QUERY,
        pendingWhenExplained: pending?.n,
        planHostFree,
        planHostSaturated,
        planHostFreeAnalyzed,
        planHostSaturatedAnalyzed,
        tookSeconds: Math.round((performance.now() - started) / 1000),
      };
      process.stderr.write(
        `fan-out: ${result.eventsPerSecond} events/s (${result.deliveryRowsPerSecond} rows/s), all after ${doneAtMs} ms, delivered meanwhile ${final.delivered}, duplicates ${duplicates}, ` +
          `CPU ms per event ${JSON.stringify(result.cpuMsPerEvent)}\n`,
      );
      return result;
    });
  } finally {
    await receiver.stop();
  }
}

async function main(): Promise<void> {
  const events = option('events', 2_000);
  const subscriptions = option('subscriptions', 50);
  const fanOutEvents = option('fanout-events', Math.max(1, Math.round(events / 8)), 0);
  const backlog = option('backlog', 20_000, 0);
  const receiverDelayMs = option('receiver-delay-ms', 0, 0);
  const backlogEvents = Math.max(1, Math.round(events / 8));
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'itsm-bench-notification-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user and must reach its data dir.
  const postgres = await infra.startPostgres({ dir: join(dir, 'pg'), port: await freePort(), durable: true });
  const nats = await infra.startNats({ dir: join(dir, 'nats'), port: await freePort() });
  process.env['ITSM_TEST_PG_URL'] = postgres.url;
  process.env['ITSM_TEST_NATS_URLS'] = nats.url;
  const nc = await connectTestNats('bench-notification');
  const healthy = await Receiver.start(HEALTHY_HOST, { delayMs: receiverDelayMs });
  const bench: Bench = { nc, healthy, postgresPid: pidIn(join(dir, 'pg', 'data', 'postmaster.pid')), natsPid: pidIn(join(dir, 'nats', 'nats-server.pid')) };
  try {
    const bursts = [];
    for (const spec of [
      { label: 'one receiver, 4 per host', perHost: 4, withHanging: false },
      { label: 'one receiver, 16 per host', perHost: 16, withHanging: false },
      { label: 'beside a hanging receiver, 4 per host', perHost: 4, withHanging: true },
      { label: `beside a hanging receiver with ${backlog} due deliveries, 4 per host`, perHost: 4, withHanging: true, backlog },
    ]) {
      if (spec.backlog === 0) continue;
      bursts.push(await burst(bench, spec.backlog ? backlogEvents : events, spec));
    }
    const fanOutResult = fanOutEvents > 0 ? await fanOut(bench, fanOutEvents, subscriptions) : null;
    const result = {
      at: new Date().toISOString(),
      machine: { cores: cpus().length, loadAverageAtEnd: loadavg().map((v) => +v.toFixed(2)) },
      settings: { pollIntervalMs: 100, webhookTimeoutMs: WEBHOOK_TIMEOUT_MS, concurrency: 32, receiverDelayMs, warmUpEvents: WARM_UP_EVENTS, publishWindow: PUBLISH_WINDOW },
      bursts,
      fanOut: fanOutResult,
      tookSeconds: Math.round((performance.now() - started) / 1000),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', `notification-${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await healthy.stop();
    await nc.drain().catch(() => undefined);
    await nats.stop();
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
