/**
 * Faults injected into a running suite during a burst of mixed work, and the run that checks, once the suite has
 * recovered by itself, that every acknowledged operation is durable and its effects are there exactly once: in the
 * incident service's tables, on the event stream, and in every consumer that handles the event.
 */
import { randomBytes } from 'node:crypto';
import { DLQ_STREAM } from '@itsm/contracts';
import { Client } from 'pg';
import type { Suite } from '../bench/suite/cluster';
import { check, type CheckResult, combine } from './checker';
import { type BusEvent, consumerChannel, eventObservations, handledTypes, readIncidentEvents, recordObservations } from './observe';
import { type RequestRecord, Workload } from './workload';
import type { ReliabilityRow } from '@itsm/testing';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Fault {
  name: string;
  /** Breaks the suite and puts it back as an orchestrator would (a restarted pod, a restarted broker); resolves when it is done. */
  inject(suite: Suite): Promise<void>;
}

/** The gateway's deadline for a request (RPC_TIMEOUT_MS 5 s + 1 s): a failure answered later than this and a margin counts as slow. */
export const REQUEST_DEADLINE_MS = 6_000;
/** A paused process stays stopped this long: past the gateway's deadline, so that requests to it must time out. */
const PAUSE_MS = REQUEST_DEADLINE_MS + 3_000;
/** How long a killed pod stays down before its replacement starts (an orchestrator's restart delay, shortened). */
const DOWN_MS = 1_000;

export function killProcess(name: string): Fault {
  return {
    name: `SIGKILL ${name}`,
    async inject(suite) {
      await suite.signal(name, 'SIGKILL');
      await sleep(DOWN_MS);
      await suite.respawn(name);
    },
  };
}

export function pauseProcess(name: string): Fault {
  return {
    name: `SIGSTOP ${name} past the RPC timeout`,
    async inject(suite) {
      await suite.signal(name, 'SIGSTOP');
      await sleep(PAUSE_MS);
      await suite.signal(name, 'SIGCONT');
    },
  };
}

export const restartNats: Fault = { name: 'NATS restarted', inject: (suite) => suite.restartNats(2_000) };

export const restartPostgres: Fault = { name: 'PostgreSQL crashed and restarted', inject: (suite) => suite.restartPostgres(2_000) };

/**
 * The outbox relay of `service` killed with a backlog: while the test holds the advisory lock the relay drains its
 * outbox under (as a second replica draining it would), the service keeps committing records and events but
 * publishes none; then the process is killed, the lock let go, and a new process must publish the backlog.
 */
export function relayKilledWithBacklog(service: string, backlogs: number[]): Fault {
  return {
    name: `outbox relay of ${service} killed with a backlog`,
    async inject(suite) {
      const holder = new Client({ connectionString: suite.database.url });
      holder.on('error', () => undefined);
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`itsm:outbox:${service}`]);
        await sleep(3_000);
        const [row] = (await holder.query<{ count: string }>(`SELECT count(*) FROM "${service}".outbox WHERE sent_at IS NULL`)).rows;
        backlogs.push(Number(row?.count ?? 0));
        await suite.signal(service, 'SIGKILL');
      } finally {
        await holder.end().catch(() => undefined);
      }
      await sleep(DOWN_MS);
      await suite.respawn(service);
    },
  };
}

export interface FaultRunOptions {
  operations: number;
  /** Operations started per second (default 25): the run lasts operations / rate seconds, the faults spread over it. */
  rate?: number;
  /** Times the fault is injected during the run, evenly spaced by operations started. */
  repeats: number;
  concurrency?: number;
  seed?: number;
  /** Event types each durable consumer applies (from a run without faults); undefined: learn them from this run. */
  handled?: Map<string, Set<string>>;
  log?: (line: string) => void;
}

export interface FaultRun {
  fault: string;
  operations: number;
  repeats: number;
  /** Per channel and in total. */
  records: CheckResult;
  events: CheckResult;
  consumers: CheckResult;
  total: CheckResult;
  /** Dead letters written during the run: an event a consumer gave up on is an effect lost. */
  deadLetters: number;
  requests: number;
  /** Operations whose client got a 2xx. */
  acknowledged: number;
  /** Requests answered 503/504 problem+json, or refused a connection (the gateway itself down), within a fault. */
  failedFast: number;
  /** Failures of any other kind: a 5xx other than 503/504, a 503/504 without problem+json. */
  badFailures: RequestRecord[];
  /** Requests the client gave up waiting for. */
  hung: number;
  slowestFailureMs: number;
  /** From the end of the work (the last fault behind it) until every outbox was published and every consumer idle. */
  recoveryMs: number;
  handled: Map<string, Set<string>>;
}

/** Waits until every outbox has published all it holds and every JetStream consumer has nothing pending. */
async function settle(suite: Suite, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const schemas = await suite.database.query<{ schema: string }>(`SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'outbox' AND table_type = 'BASE TABLE'`);
  for (;;) {
    let unsent = 0;
    for (const { schema } of schemas) unsent += Number((await suite.database.query<{ count: string }>(`SELECT count(*) FROM "${schema}".outbox WHERE sent_at IS NULL`))[0]?.count ?? 0);
    if (unsent === 0) break;
    if (Date.now() > deadline) throw new Error(`${unsent} events were still unpublished after ${timeoutMs} ms`);
    await sleep(200);
  }
  await suite.consumersIdle(Math.max(1_000, deadline - Date.now()));
}

async function deadLetterCount(suite: Suite): Promise<number> {
  const jsm = await suite.nc.jetstreamManager();
  return (await jsm.streams.info(DLQ_STREAM)).state.messages;
}

function isFastFailure(request: RequestRecord): boolean {
  if (request.hung) return false;
  if (request.status === 0) return true;
  return (request.status === 503 || request.status === 504) && request.contentType === 'application/problem+json';
}

/** Runs the workload, injects `fault` `repeats` times while it runs, waits for recovery and checks every effect. */
export async function runFault(suite: Suite, fault: Fault | undefined, options: FaultRunOptions): Promise<FaultRun> {
  const log = options.log ?? (() => undefined);
  const prefix = `chaos${randomBytes(4).toString('hex')}`;
  const deadLettersBefore = await deadLetterCount(suite);
  const workload = new Workload(
    { gatewayUrl: suite.gatewayUrl, token: suite.token(), prefix, operations: options.operations, concurrency: options.concurrency ?? 8, rate: options.rate ?? 25, requestTimeoutMs: 30_000 },
    options.seed ?? 1,
  );
  const duration = (options.operations / (options.rate ?? 25)) * 1000;
  const windows: Array<[number, number]> = [];
  const running = workload.run();
  const injecting = (async () => {
    if (!fault) return;
    for (let n = 1; n <= options.repeats; n += 1) {
      await sleep((duration * n) / (options.repeats + 1) - workload.elapsed());
      const start = workload.elapsed();
      await fault.inject(suite);
      windows.push([start, workload.elapsed()]);
      log(`${fault.name}: injected and recovered in ${Math.round(workload.elapsed() - start)} ms`);
    }
  })();
  await Promise.all([running, injecting]);
  const statuses = new Map<number, number>();
  for (const request of workload.requests) statuses.set(request.status, (statuses.get(request.status) ?? 0) + 1);
  log(`${fault?.name ?? 'no fault'}: ${workload.requests.length} requests in ${Math.round(workload.elapsed())} ms, by status ${JSON.stringify(Object.fromEntries(statuses))}${workload.errors.length ? `; no answer: ${[...new Set(workload.errors)].slice(0, 3).join('; ')}` : ''}`);
  const recoveryStart = performance.now();
  await settle(suite);
  const recoveryMs = Math.round(performance.now() - recoveryStart);
  log(`${fault?.name ?? 'no fault'}: settled ${recoveryMs} ms later`);

  const events: BusEvent[] = await readIncidentEvents(suite.nc);
  const handled = options.handled ?? (await handledTypes(suite.database, events));
  log(`${events.length} incident events on the stream; consumers and the types they apply: ${JSON.stringify([...handled].map(([consumer, types]) => [consumer, [...types]]))}`);
  const records = check(workload.attempts, await recordObservations(suite.database, prefix));
  const bus = check(workload.attempts, eventObservations(events, prefix));
  const channel = await consumerChannel(suite.database, events, handled, prefix);
  const consumers = check(channel.attempts, channel.observations);
  const deadLetters = (await deadLetterCount(suite)) - deadLettersBefore;

  // A request belongs to a fault when it was sent while the fault lasted, or in the seconds after, while the suite came back.
  const duringFault = (request: RequestRecord) => windows.some(([start, end]) => request.sentAt + request.ms >= start && request.sentAt <= end + REQUEST_DEADLINE_MS);
  const failures = workload.requests.filter((request) => request.status === 0 || request.status >= 500);
  const badFailures = failures.filter((request) => !isFastFailure(request) && !request.hung);
  return {
    fault: fault?.name ?? 'no fault',
    operations: options.operations,
    repeats: fault ? options.repeats : 0,
    records,
    events: bus,
    consumers,
    total: combine([records, bus, consumers]),
    deadLetters,
    requests: workload.requests.length,
    acknowledged: new Set(workload.attempts.filter((attempt) => attempt.outcome === 'acknowledged').map((attempt) => attempt.key)).size,
    failedFast: failures.filter((request) => isFastFailure(request) && duringFault(request)).length,
    badFailures,
    hung: workload.requests.filter((request) => request.hung).length,
    slowestFailureMs: Math.max(0, ...failures.map((request) => request.ms)),
    recoveryMs,
    handled,
  };
}

/** One line per run for the test output. */
export function describeRun(run: FaultRun): string {
  const { total } = run;
  return (
    `${run.fault}: ${run.operations} operations (${run.requests} requests, ${run.acknowledged} acknowledged), injected ${run.repeats}×; ` +
    `ok ${total.ok}, lost ${total.lost}, duplicated ${total.duplicated}, unexpected ${total.unexpected} ` +
    `(records ${run.records.ok}/${run.records.attempts}, events ${run.events.ok}/${run.events.attempts}, consumer deliveries ${run.consumers.ok}/${run.consumers.attempts}); ` +
    `dead letters ${run.deadLetters}; failed fast ${run.failedFast}, other failures ${run.badFailures.length}, hung ${run.hung}, slowest failure ${run.slowestFailureMs} ms; settled ${run.recoveryMs} ms after the work ended`
  );
}

/** What a run did wrong, one line each: nothing for a run that kept every promise. */
export function findings(run: FaultRun): string[] {
  const { total } = run;
  const found: string[] = [];
  if (run.acknowledged === 0) found.push('no operation was acknowledged: the workload did not reach the suite');
  if (run.consumers.attempts === 0) found.push('no consumer delivery to check: no consumer applied any of the events');
  if (total.lost > 0) found.push(`${total.lost} lost, e.g. ${total.examples.lost.join(', ')}`);
  if (total.duplicated > 0) found.push(`${total.duplicated} duplicated, e.g. ${total.examples.duplicated.join(', ')}`);
  if (total.unexpected > 0) found.push(`${total.unexpected} unexpected, e.g. ${total.examples.unexpected.join(', ')}`);
  if (run.deadLetters > 0) found.push(`${run.deadLetters} dead letters`);
  if (run.hung > 0) found.push(`${run.hung} requests hung`);
  for (const request of run.badFailures.slice(0, 5)) found.push(`a ${request.kind} answered ${request.status} ${request.contentType} after ${request.ms} ms`);
  return found;
}

/** The run as a row of the reliability report. */
export function reliabilityRow(run: FaultRun): ReliabilityRow {
  const { total } = run;
  return {
    group: 'fault',
    name: run.fault,
    runs: run.repeats,
    operations: run.operations,
    ok: total.ok,
    lost: total.lost + run.deadLetters,
    duplicated: total.duplicated,
    unexpected: total.unexpected + run.badFailures.length + run.hung,
    failedFast: run.failedFast,
    slowestFailureMs: run.slowestFailureMs,
    recoveryMs: run.recoveryMs,
    notes: `${run.records.attempts} operations checked in the records, ${run.events.attempts} on the stream, ${run.consumers.attempts} consumer deliveries`,
  };
}
