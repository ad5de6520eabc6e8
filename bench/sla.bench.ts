/**
 * Benchmark of the SLA service, in two parts.
 *
 *   npm run bench:sla -- [--clocks 200000] [--due 500] [--burst 2000]
 *
 * 1. Business-time arithmetic in process: `BusinessCalendar.add` and `between` on a Mon–Fri 09:00–17:00
 *    Europe/Berlin calendar with 30 holidays, from random starts across 2026–2027, on a fresh calendar per call
 *    (cold) and on one calendar called again and again (warm).
 * 2. The alert scheduler at scale: the sla service as a real process (from its build) on a private PostgreSQL
 *    (`fsync` on) and NATS, `--clocks` running clocks inserted with SQL and owing nothing for the next minutes,
 *    then `--due` clocks whose breach falls due over the next 20 s, then `--burst` clocks that all fall due at
 *    one moment. A subscriber on `sla.breached.v1` notes when each breach arrives: lateness is that moment minus
 *    the breach's `dueAt`. Also EXPLAIN ANALYZE of the scheduler's query, and the service's CPU while idle.
 *
 * Prints what it measured and writes the same as JSON under bench/results/. BENCH_NODE_ARGS (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof`) is passed to the sla process.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CloudEvent, Role, SlaEvents, SlaRpc, type SlaBreachedV1 } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { freePort, serviceTestEnv, spawnApp, type TestDatabase, waitUntilReady, connectTestNats } from '@itsm/testing';
import { BusinessCalendar, type CalendarDefinition } from '../apps/sla/src/domain/business-calendar';
import { cpuMs, option, residentMegabytes, sleep, startInfra, summary } from './bench-kit';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Clocks with a due breach are spread over this long. */
const DUE_WINDOW_MS = 20_000;
/** Time between inserting clocks and the first of them falling due. */
const LEAD_MS = 3_000;
const COLD_CALLS = 2_000;
const WARM_CALLS = 20_000;

/** A small seeded generator (mulberry32), so that every run draws the same starts. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Business-time arithmetic

const OFFICE = [{ start: '09:00', end: '17:00' }];
/** Berlin's public holidays of 2026 and 2027 (20), Christmas Eve and New Year's Eve, and the days between Christmas and New Year. */
const HOLIDAYS = [
  '2026-01-01', '2026-03-08', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-10-03',
  '2026-12-24', '2026-12-25', '2026-12-26', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31',
  '2027-01-01', '2027-03-08', '2027-03-26', '2027-03-29', '2027-05-01', '2027-05-06', '2027-05-17', '2027-10-03',
  '2027-12-24', '2027-12-25', '2027-12-26', '2027-12-27', '2027-12-28', '2027-12-29', '2027-12-31',
];
const BERLIN: CalendarDefinition = {
  timeZone: 'Europe/Berlin',
  weekly: { monday: OFFICE, tuesday: OFFICE, wednesday: OFFICE, thursday: OFFICE, friday: OFFICE },
  holidays: HOLIDAYS,
};

interface ArithmeticCase {
  case: string;
  run(calendar: BusinessCalendar, start: number): number;
}

const ARITHMETIC: ArithmeticCase[] = [
  { case: 'add PT4H', run: (calendar, start) => calendar.add(start, 4 * HOUR) },
  { case: 'add PT40H', run: (calendar, start) => calendar.add(start, 40 * HOUR) },
  { case: 'add 2000 h', run: (calendar, start) => calendar.add(start, 2000 * HOUR) },
  { case: 'between, 1 day', run: (calendar, start) => calendar.between(start, start + DAY) },
  { case: 'between, 1 month (30 days)', run: (calendar, start) => calendar.between(start, start + 30 * DAY) },
  { case: 'between, 2 years (730 days)', run: (calendar, start) => calendar.between(start, start + 730 * DAY) },
];

/** Random instants from 2026-01-01 to 2027-12-31 in Berlin, whole milliseconds. */
function starts(count: number, random: () => number): number[] {
  const from = Date.parse('2025-12-31T23:00:00Z');
  const to = Date.parse('2027-12-31T23:00:00Z');
  return Array.from({ length: count }, () => from + Math.floor(random() * (to - from)));
}

function micros(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1000;
}

function arithmetic() {
  let sink = 0;
  // The very first calendar of the process also builds the zone's offset table, which later calendars share.
  let t0 = process.hrtime.bigint();
  sink += BusinessCalendar.of(BERLIN).add(Date.parse('2026-06-01T08:00:00Z'), 4 * HOUR);
  const firstCallUs = +micros(t0).toFixed(0);

  const constructions: number[] = [];
  for (let i = 0; i < COLD_CALLS; i += 1) {
    t0 = process.hrtime.bigint();
    sink += BusinessCalendar.of(BERLIN) ? 1 : 0;
    constructions.push(micros(t0));
  }

  const results = [];
  const random = seeded(20_260_101);
  for (const { case: label, run } of ARITHMETIC) {
    // Cold: a calendar nobody has asked anything yet (no day laid out), as after a calendar edit.
    const coldLatencies: number[] = [];
    let coldTotal = 0;
    for (const start of starts(COLD_CALLS, random)) {
      const calendar = BusinessCalendar.of(BERLIN);
      t0 = process.hrtime.bigint();
      sink += run(calendar, start);
      const us = micros(t0);
      coldLatencies.push(us);
      coldTotal += us;
    }
    results.push({ case: label, mode: 'cold', calls: COLD_CALLS, latencyUs: summary(coldLatencies, 2), callsPerSecond: Math.round((COLD_CALLS * 1e6) / coldTotal) });

    // Warm: one calendar for every call, as the service keeps it between calendar edits.
    const calendar = BusinessCalendar.of(BERLIN);
    for (const start of starts(2_000, random)) sink += run(calendar, start);
    const warmLatencies: number[] = [];
    const batch = process.hrtime.bigint();
    for (const start of starts(WARM_CALLS, random)) {
      t0 = process.hrtime.bigint();
      sink += run(calendar, start);
      warmLatencies.push(micros(t0));
    }
    const batchUs = micros(batch);
    results.push({ case: label, mode: 'warm', calls: WARM_CALLS, latencyUs: summary(warmLatencies, 2), callsPerSecond: Math.round((WARM_CALLS * 1e6) / batchUs) });
    process.stderr.write(`${JSON.stringify(results.at(-2))}\n${JSON.stringify(results.at(-1))}\n`);
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the results alive');
  return { calendar: 'Mon–Fri 09:00–17:00 Europe/Berlin, 30 holidays', firstCallUs, constructionUs: summary(constructions, 2), results };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The alert scheduler

/** The scheduler's query (AlertScheduler.emitDue), with its default batch of 200. */
const SCHEDULER_QUERY = `SELECT c.* FROM sla.clocks c WHERE c.next_alert_at <= $1 ORDER BY c.next_alert_at ASC LIMIT 200 FOR UPDATE SKIP LOCKED`;

const at = (msExpression: string) => `(timestamptz 'epoch' + (${msExpression}) * interval '1 millisecond')`;

/** The snapshot a ticket was last seen with (as `sla.tickets.last_snapshot` holds it). */
const SNAPSHOT = (s: string) => `jsonb_build_object(
  'type', 'incident', 'id', ${s}.id, 'number', ${s}.number, 'version', 1, 'at', ${s}.opened_ms, 'state', 'new', 'holdReason', null,
  'priority', 'P3', 'assignmentGroup', ${s}.grp, 'assigneeId', null, 'serviceId', ${s}.service_id, 'ciIds', '[]'::jsonb,
  'category', 'network', 'catalogItemId', null, 'callerId', 'alice', 'callerGroups', '[]'::jsonb, 'major', false, 'responded', false)`;

/**
 * Inserts one ticket per row of `source` (columns `g`, `opened_ms`) and, for each, a running clock per metric of
 * `metrics` (a VALUES list of `metric, target_ms, next_ms` where `next_ms` is the next alert relative to
 * `opened_ms`), for the policy `$1` named `$2`. Clocks are as the keeper writes them after the ticket's first
 * version: elapsed 0 since opening, due at opening + target, one `started` history entry; tickets are spread over
 * 20 assignment groups and 200 services.
 */
function insertClocks(source: string, metrics: string, prefix: string): string {
  return `WITH t AS (
      INSERT INTO sla.tickets (id, type, number, last_snapshot, open, stale)
      SELECT s.id, 'incident', s.number, ${SNAPSHOT('s')}, true, false
        FROM (SELECT gen_random_uuid() AS id, '${prefix}' || lpad(g::text, 7, '0') AS number, opened_ms, 'group-' || (g % 20) AS grp,
                     ('00000000-0000-4000-8000-' || lpad(to_hex(g % 200), 12, '0'))::uuid AS service_id
                FROM (${source}) src) s
      RETURNING id, number, (last_snapshot->>'at')::bigint AS opened_ms, last_snapshot->>'assignmentGroup' AS grp, (last_snapshot->>'serviceId')::uuid AS service_id
    )
    INSERT INTO sla.clocks (id, ticket_id, ticket_type, ticket_number, policy_id, policy_name, kind, metric, cycle, calendar_id, target_ms,
                            warn_at, status, elapsed_ms, since, started_at, stopped_at, stop_reason, breached_at, due_at, history,
                            next_alert_at, priority, assignment_group, service_id)
    SELECT gen_random_uuid(), t.id, 'incident', t.number, $1::uuid, $2::text, 'sla', m.metric, 1, '24x7', m.target_ms,
           '{50,75,90}', 'running', 0, ${at('t.opened_ms')}, ${at('t.opened_ms')}, NULL, NULL, NULL, ${at('t.opened_ms + m.target_ms')},
           jsonb_build_array(jsonb_build_object('action', 'started', 'at', t.opened_ms, 'reason', 'incident opened', 'elapsedMs', 0, 'targetMs', m.target_ms, 'dueAt', null)),
           ${at('t.opened_ms + m.next_ms')}, 'P3', t.grp, t.service_id
      FROM t CROSS JOIN (VALUES ${metrics}) m(metric, target_ms, next_ms)
    RETURNING id`;
}

interface Arrival {
  dueAt: number;
  receivedAt: number;
}

/**
 * Inserts `count` tickets with a 1 h resolution clock whose breach falls due at `firstDueMs` + i × `spacingMs`;
 * their warnings at 50/75/90 % are recorded as sent long ago, so the breach is all they owe. Returns the clock ids.
 */
async function insertDue(database: TestDatabase, policy: { id: string; name: string }, prefix: string, count: number, firstDueMs: number, spacingMs: number): Promise<string[]> {
  const target = HOUR;
  const source = `SELECT g, ${firstDueMs} + floor((g - 1) * ${spacingMs})::bigint - ${target} AS opened_ms FROM generate_series(1, ${count}) g`;
  const rows = await database.query<{ id: string }>(insertClocks(source, `('resolution', ${target}::bigint, ${target}::bigint)`, prefix), [policy.id, policy.name]);
  const ids = rows.map((row) => row.id);
  await database.query(
    `INSERT INTO sla.clock_alerts (clock_id, threshold_percent, due_at, emitted_at)
     SELECT c.id, p, c.since + (c.target_ms * p / 100) * interval '1 millisecond', c.since + (c.target_ms * p / 100) * interval '1 millisecond'
       FROM sla.clocks c CROSS JOIN (VALUES (50), (75), (90)) w(p) WHERE c.id = ANY($1::uuid[])`,
    [ids],
  );
  return ids;
}

function lateness(ids: readonly string[], arrivals: ReadonlyMap<string, Arrival[]>) {
  const late: number[] = [];
  let missing = 0;
  let duplicates = 0;
  for (const id of ids) {
    const seen = arrivals.get(id) ?? [];
    if (seen.length === 0) missing += 1;
    if (seen.length > 1) duplicates += seen.length - 1;
    for (const arrival of seen.slice(0, 1)) late.push(arrival.receivedAt - arrival.dueAt);
  }
  return { late, missing, duplicates };
}

async function scheduler(clocks: number, due: number, burst: number) {
  const infrastructure = await startInfra('sla');
  const { database } = infrastructure;
  const port = await freePort();
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  // The scheduler's and the outbox's production defaults (SLA_TIMER_INTERVAL_MS 500, batch 200, outbox poll 1 s).
  const sla = spawnApp('sla', serviceTestEnv(database, { HEALTH_PORT: String(port), LOG_LEVEL: 'warn', OUTBOX_POLL_INTERVAL_MS: '1000' }), nodeArgs);
  const nc = await connectTestNats('bench-sla');
  try {
    await waitUntilReady(sla, port);
    const rpc = new RpcClient(nc, 60_000);
    const admin = { sub: 'service:bench', name: 'sla benchmark', roles: [Role.Admin] };
    const policy = await rpc.call(
      SlaRpc.createPolicy,
      {
        name: 'Bench: incidents',
        kind: 'sla',
        conditions: { ticketTypes: ['incident'] },
        targets: [
          { metric: 'response', duration: 'PT4H', warnAt: [50, 75, 90] },
          { metric: 'resolution', duration: 'PT8H', warnAt: [50, 75, 90] },
        ],
      },
      { actor: admin },
    );

    // Background: tickets opened up to 1 h 50 min ago, each with a response (4 h) and a resolution (8 h) clock
    // whose next alert is the 50 % warning, 10 min to 4 h from now.
    const tickets = Math.ceil(clocks / 2);
    const generationStart = performance.now();
    await database.query(`SELECT setseed(0.42)`);
    const nowMs = Date.now();
    const background = `SELECT g, ${nowMs} - floor(random() * ${110 * MINUTE})::bigint AS opened_ms FROM generate_series(1, ${tickets}) g`;
    await database.query(insertClocks(background, `('response', ${4 * HOUR}::bigint, ${2 * HOUR}::bigint), ('resolution', ${8 * HOUR}::bigint, ${4 * HOUR}::bigint)`, 'INC'), [policy.id, policy.name]);
    const insertedInMs = Math.round(performance.now() - generationStart);
    await database.query('ANALYZE sla.clocks');
    await database.query('ANALYZE sla.tickets');
    const [counts] = await database.query<{ clocks: number; tickets: number; first_alert: Date; last_alert: Date; table_mb: number; indexes_mb: number }>(
      `SELECT (SELECT count(*)::int FROM sla.clocks) AS clocks, (SELECT count(*)::int FROM sla.tickets) AS tickets,
              (SELECT min(next_alert_at) FROM sla.clocks) AS first_alert, (SELECT max(next_alert_at) FROM sla.clocks) AS last_alert,
              round(pg_table_size('sla.clocks') / 1048576.0)::int AS table_mb, round(pg_indexes_size('sla.clocks') / 1048576.0)::int AS indexes_mb`,
    );
    process.stderr.write(`inserted ${counts?.clocks} clocks of ${counts?.tickets} tickets in ${insertedInMs} ms\n`);

    // The plan of the scheduler's query when nothing is due (every pass but a few) and when more than a batch is.
    const explain = async (nowParam: Date) => {
      await database.query('BEGIN');
      try {
        const plan = await database.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${SCHEDULER_QUERY}`, [nowParam]);
        return plan.map((line) => line['QUERY PLAN']);
      } finally {
        await database.query('ROLLBACK');
      }
    };
    const planNothingDue = await explain(new Date());
    const planBatchDue = await explain(new Date(Date.now() + 3 * HOUR));
    process.stderr.write(`${planNothingDue.join('\n')}\n\n${planBatchDue.join('\n')}\n`);

    // The cost of the scheduler while nothing is due: a pass every 500 ms over 200,000 clocks.
    let cpuBefore = cpuMs(sla.child.pid);
    await sleep(10_000);
    const idleCpuMsPerSecond = +((cpuMs(sla.child.pid) - cpuBefore) / 10).toFixed(1);

    const arrivals = new Map<string, Arrival[]>();
    const ours = new Set<string>();
    const subscription = nc.subscribe(SlaEvents.breached.subject, {
      callback: (error, message) => {
        if (error) return;
        const receivedAt = Date.now();
        const event = message.json<CloudEvent<SlaBreachedV1>>();
        const list = arrivals.get(event.data.clockId) ?? [];
        list.push({ dueAt: Date.parse(event.data.dueAt), receivedAt });
        arrivals.set(event.data.clockId, list);
      },
    });
    await nc.flush();

    const awaitAll = async (ids: readonly string[], deadline: number) => {
      while (ids.some((id) => !arrivals.has(id)) && Date.now() < deadline) await sleep(100);
      // Schedulers keep running: anything sent twice would arrive now.
      await sleep(3_000);
    };

    // Clocks falling due one after another over 20 s.
    cpuBefore = cpuMs(sla.child.pid);
    const spreadStart = Date.now() + LEAD_MS;
    const spreadIds = await insertDue(database, policy, 'DUE', due, spreadStart, DUE_WINDOW_MS / due);
    for (const id of spreadIds) ours.add(id);
    await awaitAll(spreadIds, spreadStart + DUE_WINDOW_MS + 30_000);
    const spreadCpuMs = cpuMs(sla.child.pid) - cpuBefore;
    const spread = lateness(spreadIds, arrivals);

    // Clocks all falling due at the same moment.
    let burstResult;
    if (burst > 0) {
      cpuBefore = cpuMs(sla.child.pid);
      const burstAt = Date.now() + LEAD_MS;
      const burstIds = await insertDue(database, policy, 'BRS', burst, burstAt, 0);
      for (const id of burstIds) ours.add(id);
      await awaitAll(burstIds, burstAt + 60_000);
      const burstCpuMs = cpuMs(sla.child.pid) - cpuBefore;
      const result = lateness(burstIds, arrivals);
      const lastMs = Math.max(...result.late);
      burstResult = {
        clocks: burst,
        received: burst - result.missing,
        missing: result.missing,
        duplicates: result.duplicates,
        latenessMs: summary(result.late, 0),
        lastArrivedAfterMs: lastMs,
        breachesPerSecond: Math.round((burst - result.missing) / (lastMs / 1000)),
        slaCpuMsPerBreach: +(burstCpuMs / burst).toFixed(2),
      };
      process.stderr.write(`burst ${JSON.stringify(burstResult)}\n`);
    }
    subscription.unsubscribe();

    const [outbox] = await database.query<{ breaches: number; alerts: number }>(
      `SELECT (SELECT count(*)::int FROM sla.outbox WHERE subject = $1) AS breaches, (SELECT count(*)::int FROM sla.clock_alerts WHERE threshold_percent = 100) AS alerts`,
      [SlaEvents.breached.subject],
    );
    const rss = await residentMegabytes(port);
    const spreadResult = {
      clocks: due,
      windowMs: DUE_WINDOW_MS,
      received: due - spread.missing,
      missing: spread.missing,
      duplicates: spread.duplicates,
      latenessMs: summary(spread.late, 0),
      slaCpuMsPerBreach: +(spreadCpuMs / due).toFixed(2),
    };
    process.stderr.write(`spread ${JSON.stringify(spreadResult)}\n`);
    return {
      clocks: { ...counts, insertedInMs },
      timer: { intervalMs: 500, batch: 200 },
      schedulerQuery: SCHEDULER_QUERY,
      planNothingDue,
      planBatchDue,
      idleCpuMsPerSecond,
      spread: spreadResult,
      burst: burstResult ?? null,
      breachesInOutbox: outbox?.breaches,
      breachAlertsRecorded: outbox?.alerts,
      breachesOfOtherClocks: [...arrivals.keys()].filter((id) => !ours.has(id)).length,
      slaResidentMemoryMb: rss,
    };
  } finally {
    await nc.drain().catch(() => undefined);
    await sla.kill('SIGTERM');
    await infrastructure.stop();
  }
}

async function main(): Promise<void> {
  const clocks = option('clocks', 200_000);
  const due = option('due', 500);
  const burst = option('burst', 2_000, 0);
  const started = performance.now();
  const businessTime = arithmetic();
  const alerts = await scheduler(clocks, due, burst);
  const result = { at: new Date().toISOString(), businessTime, alerts, tookSeconds: Math.round((performance.now() - started) / 1000) };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', `sla-${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
