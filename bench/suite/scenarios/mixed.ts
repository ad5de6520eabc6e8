/**
 * Mixed: a service desk's day through the gateway on a database of a million incidents (quick: 20,000) seeded in
 * SQL (../seed-incidents.ts). 16 clients, each request drawn by weight: 70 % reads (one incident by id, queue lists
 * by the filters agents use, text search), 20 % changes (state transitions with `If-Match`, comments and work
 * notes), 10 % new incidents. Latency is kept per kind; CPU per request per kind comes from a short run of that
 * kind alone after the mix, since a mix cannot split one process's CPU between kinds. Afterwards: how long the
 * consumers took to handle what the load set off, and whether any event was retried or dead-lettered (the other
 * services first hear of a seeded incident when the load changes it).
 */
import { DLQ_STREAM } from '@itsm/contracts';
import type { DeadLetter } from '@itsm/messaging';
import { metricSum, scrapeMetrics } from '@itsm/testing';
import { percentile } from '../../bench-kit';
import { cpuPerOperation, rssOf, type Sample } from '../cluster';
import { load, type LoadRequest, type LoadResult } from '../load';
import type { Row } from '../report';
import type { Scenario, ScenarioContext } from '../scenario';
import { SEEDED_AGENTS, SEEDED_CALLERS, SEEDED_CATEGORIES, SEEDED_CI_COUNT, SEEDED_COMPONENTS, SEEDED_GROUPS, SEEDED_SYMPTOMS, seedIncidents, seededCiId, seededIncidentId, type SeededIncidents } from '../seed-incidents';

const CONNECTIONS = 16;
const KINDS = ['get', 'list', 'search', 'transition/comment', 'create'] as const;
type Kind = (typeof KINDS)[number];
/** Share of each kind in the mix, in percent. */
const WEIGHTS: Readonly<Record<Kind, number>> = { get: 40, list: 20, search: 10, 'transition/comment': 20, create: 10 };

interface OpenIncident {
  id: string;
  state: 'new' | 'in_progress' | 'on_hold';
  version: number;
}

/** What one request is, as chosen by `setupRequest` and read back by `onResponse` (autocannon's per-connection context). */
interface Pending {
  kind: Kind;
  /** The list, search or change variant, for the per-variant latencies. */
  variant: string;
  startedAt: number;
}

interface Tally {
  latencies: number[];
  statuses: Record<string, number>;
  byVariant: Map<string, number[]>;
}

const random = (n: number) => Math.floor(Math.random() * n);
const any = <T>(values: readonly T[]): T => values[random(values.length)] as T;
const firstWord = (text: string) => (text.split(' ')[0] ?? text).toLowerCase();

/** The requests of the mix; `only` restricts them to one kind (for the CPU runs). */
class Workload {
  readonly tallies = new Map<Kind, Tally>(KINDS.map((kind) => [kind, { latencies: [], statuses: {}, byVariant: new Map() }]));
  private readonly since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();

  constructor(
    private readonly seed: SeededIncidents,
    /** Open seeded incidents, each moved at most once (so its `If-Match` stays right). */
    private readonly toMove: OpenIncident[],
    /** Open seeded incidents that get comments, as many as the load draws. */
    private readonly toComment: OpenIncident[],
  ) {}

  reset(): void {
    for (const tally of this.tallies.values()) {
      tally.latencies = [];
      tally.statuses = {};
      tally.byVariant = new Map();
    }
  }

  request(only?: Kind): LoadRequest {
    return {
      method: 'GET',
      path: '/v1/incidents',
      setupRequest: (request, context: Record<string, unknown>) => {
        const kind = only ?? this.draw();
        const next = this.build(kind);
        context['pending'] = { kind: next.kind, variant: next.variant, startedAt: performance.now() } satisfies Pending;
        return {
          ...request,
          method: next.method,
          path: next.path,
          headers: { ...request.headers, ...next.headers },
          ...(next.body === undefined ? {} : { body: JSON.stringify(next.body) }),
        };
      },
      onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
        const pending = context['pending'] as Pending | undefined;
        if (!pending) return;
        const elapsed = performance.now() - pending.startedAt;
        const tally = this.tallies.get(pending.kind);
        if (!tally) return;
        tally.latencies.push(elapsed);
        tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
        const variant = tally.byVariant.get(pending.variant) ?? [];
        variant.push(elapsed);
        tally.byVariant.set(pending.variant, variant);
      },
    } as LoadRequest;
  }

  private draw(): Kind {
    let ticket = random(100);
    for (const kind of KINDS) {
      ticket -= WEIGHTS[kind];
      if (ticket < 0) return kind;
    }
    return 'get';
  }

  private build(kind: Kind): { kind: Kind; variant: string; method: string; path: string; headers?: Record<string, string>; body?: unknown } {
    const json = { 'content-type': 'application/json' };
    switch (kind) {
      case 'get':
        return { kind, variant: 'by id', method: 'GET', path: `/v1/incidents/${seededIncidentId(this.seed, 1 + random(this.seed.count))}` };
      case 'list': {
        const [variant, query] = this.listQuery();
        return { kind, variant, method: 'GET', path: `/v1/incidents?${query}` };
      }
      case 'search': {
        const [variant, query] = this.searchQuery();
        return { kind, variant, method: 'GET', path: `/v1/incidents?${query}` };
      }
      case 'transition/comment': {
        const incident = random(2) === 0 ? this.toMove.pop() : undefined;
        if (incident) {
          const [variant, body] = transitionOf(incident);
          return { kind, variant, method: 'POST', path: `/v1/incidents/${incident.id}/transitions`, headers: { ...json, 'if-match': `"${incident.version}"` }, body };
        }
        const target = any(this.toComment);
        const internal = random(2) === 0;
        return {
          kind,
          variant: internal ? 'work note' : 'comment',
          method: 'POST',
          path: `/v1/incidents/${target.id}/comments`,
          headers: json,
          body: { body: internal ? 'Checked the logs on the asset; waiting for the vendor.' : 'We are looking into it and will call you back.', visibility: internal ? 'internal' : 'public' },
        };
      }
      case 'create': {
        const caller = 1 + random(SEEDED_CALLERS);
        const withCi = random(2) === 0;
        return {
          kind,
          variant: withCi ? 'with CI' : 'plain',
          method: 'POST',
          path: '/v1/incidents',
          headers: json,
          body: {
            title: `${any(SEEDED_COMPONENTS)} ${any(SEEDED_SYMPTOMS)} in building ${1 + random(40)}`,
            description: `Reported by phone for user-${caller}.`,
            impact: 1 + random(3),
            urgency: 1 + random(3),
            category: any(SEEDED_CATEGORIES),
            channel: 'email',
            callerId: `user-${caller}`,
            callerName: `User ${caller}`,
            ...(withCi ? { ciIds: [seededCiId(1 + random(SEEDED_CI_COUNT))] } : {}),
          },
        };
      }
    }
  }

  /** The queues agents keep open, newest first unless said otherwise. */
  private listQuery(): [string, string] {
    switch (random(8)) {
      case 0:
        return ['newest', 'limit=20'];
      case 1:
        return ['state+priority', 'state=new,in_progress&priority=P1,P2'];
      case 2:
        return ['state', `state=${any(['new', 'on_hold'])}`];
      case 3:
        return ['group+state', `assignmentGroup=${any(SEEDED_GROUPS)}&state=new,in_progress,on_hold`];
      case 4:
        return ['assignee+state', `assigneeId=agent-${1 + random(SEEDED_AGENTS)}&state=in_progress,on_hold`];
      case 5:
        return ['caller', `callerId=user-${1 + random(SEEDED_CALLERS)}`];
      case 6:
        return ['category+state', `category=${any(SEEDED_CATEGORIES)}&state=new`];
      default:
        return ['updated today', `updatedFrom=${encodeURIComponent(this.since)}&sort=-updatedAt`];
    }
  }

  /** What agents type: one word, two words, an asset tag, a word within open incidents. */
  private searchQuery(): [string, string] {
    const word = firstWord(any(SEEDED_COMPONENTS.filter((c) => !c.includes(' ') && !c.includes('-'))));
    switch (random(4)) {
      case 0:
        return ['one word', `q=${encodeURIComponent(word)}`];
      case 1:
        return ['two words', `q=${encodeURIComponent(`${word} ${any(['slow', 'error', 'freezes', 'unreachable', 'password', 'certificate'])}`)}`];
      case 2:
        return ['asset tag', `q=ws-${String(1 + random(50000)).padStart(5, '0')}`];
      default:
        return ['word in open', `q=${encodeURIComponent(word)}&state=new,in_progress,on_hold`];
    }
  }
}

function transitionOf(incident: OpenIncident): [string, Record<string, string>] {
  if (incident.state === 'new') return ['start work', { to: 'in_progress' }];
  if (incident.state === 'on_hold') return ['resume', { to: 'in_progress' }];
  return random(2) === 0
    ? ['put on hold', { to: 'on_hold', holdReason: 'awaiting_caller' }]
    : ['resolve', { to: 'resolved', resolutionCode: 'workaround', resolutionNotes: 'Restarted the service; monitoring.' }];
}

const round = (value: number) => +value.toFixed(1);

function latencyOf(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? Number.NaN) };
}

/** 409 (a move the state no longer allows) and 412 (a stale `If-Match`): the answers of a desk with concurrent agents, not failures. */
const isConflict = (status: string) => status === '409' || status === '412';

function countStatuses(statuses: Record<string, number>): { ok: number; conflicts: number; errors: number } {
  let ok = 0;
  let conflicts = 0;
  let errors = 0;
  for (const [status, count] of Object.entries(statuses)) {
    if (status.startsWith('2')) ok += count;
    else if (isConflict(status)) conflicts += count;
    else errors += count;
  }
  return { ok, conflicts, errors };
}

/** Events retried and dead-lettered so far, per consumer, from every service's /metrics. */
async function consumerOutcomes({ suite }: ScenarioContext): Promise<{ retries: number; deadLetters: Record<string, number> }> {
  let retries = 0;
  const deadLetters: Record<string, number> = {};
  for (const process of suite.processes.filter((p) => p.name !== 'gateway')) {
    const samples = await scrapeMetrics(process.port).catch(() => []);
    retries += metricSum(samples, 'itsm_consumer_events_total', { outcome: 'retry' }) + metricSum(samples, 'itsm_consumer_events_total', { outcome: 'retry_transient' });
    for (const sample of samples.filter((s) => s.name === 'itsm_consumer_dead_letters_total')) {
      const consumer = sample.labels['consumer'] ?? process.name;
      deadLetters[consumer] = (deadLetters[consumer] ?? 0) + sample.value;
    }
  }
  return { retries, deadLetters };
}

/** The last sequence of the dead-letter stream (0 while it is empty). */
async function dlqLastSequence({ suite }: ScenarioContext): Promise<number> {
  const jsm = await suite.nc.jetstreamManager();
  return (await jsm.streams.info(DLQ_STREAM).catch(() => undefined))?.state.last_seq ?? 0;
}

/** Consumer, subject and error of the dead letters after sequence `after` (the first `limit` of them), for the log. */
async function deadLettersAfter({ suite }: ScenarioContext, after: number, last: number, limit = 5): Promise<string[]> {
  const jsm = await suite.nc.jetstreamManager();
  const letters: string[] = [];
  for (let seq = after + 1; seq <= last && letters.length < limit; seq += 1) {
    const message = await jsm.streams.getMessage(DLQ_STREAM, { seq }).catch(() => undefined);
    if (!message) continue;
    const letter = message.json<DeadLetter>();
    letters.push(`${letter.consumer} ${letter.subject} after ${letter.deliveries} attempts: ${letter.error.message}`);
  }
  return letters;
}

export const mixed: Scenario = {
  name: 'mixed',
  async run(context) {
    const { suite, report, log, scale } = context;
    const count = scale(1_000_000, 20_000);
    log(`seeding ${count} incidents in SQL`);
    const seed = await seedIncidents(suite.database, count, log);
    const [table] = await suite.database.query<{ total: number }>(`SELECT count(*)::int AS total FROM incident.incidents`);
    log(`seeded in ${(seed.seedMs / 1000).toFixed(1)} s; ${table?.total} incidents in the table`);

    // Open seeded incidents in random order: the first part gets comments, the rest is moved once each.
    const open = await suite.database.query<OpenIncident>(
      `SELECT id, state, version FROM incident.incidents
        WHERE state IN ('new', 'in_progress', 'on_hold') AND substr(number, 4)::bigint BETWEEN $1 AND $2
        ORDER BY random() LIMIT $3`,
      [seed.firstNumber, seed.firstNumber + count - 1, scale(40_000, 4_000)],
    );
    const toComment = open.splice(0, Math.min(1000, Math.floor(open.length / 4)));
    const workload = new Workload(seed, open, toComment);
    const headers = { authorization: `Bearer ${suite.token()}` };
    const durationSeconds = scale(60, 8);

    const outcomesBefore = await consumerOutcomes(context);
    const dlqBefore = await dlqLastSequence(context);
    const before = suite.sample();
    log(`mixed load: ${CONNECTIONS} clients for ${durationSeconds} s`);
    const mix = await load({ url: suite.gatewayUrl, connections: CONNECTIONS, durationSeconds, headers, requests: [workload.request()] });
    const afterLoad = suite.sample();
    // What the load set off (SLA clocks, suggestions, notifications, escalations) is part of its cost.
    let drainMs = Number.NaN;
    try {
      drainMs = Math.round(await suite.consumersIdle(scale(600_000, 120_000)));
    } catch (error) {
      log(`consumers did not settle: ${error instanceof Error ? error.message : String(error)}`);
    }
    const afterDrain = suite.sample();
    const outcomesAfter = await consumerOutcomes(context);
    const dlqAfter = await dlqLastSequence(context);
    const deadLetters = Object.entries(outcomesAfter.deadLetters)
      .map(([consumer, value]) => [consumer, value - (outcomesBefore.deadLetters[consumer] ?? 0)] as const)
      .filter(([, value]) => value > 0);
    if (deadLetters.length > 0) log(`dead letters during the mix: ${deadLetters.map(([c, v]) => `${c} ${v}`).join(', ')}`);
    for (const letter of await deadLettersAfter(context, dlqBefore, dlqAfter)) log(`dead letter: ${letter}`);

    // The runs of one kind alone below go through the same workload: keep the mix's tallies apart.
    const tallies = new Map([...workload.tallies].map(([kind, tally]) => [kind, { ...tally }] as const));
    workload.reset();
    const mixStatuses = countStatuses(mix.statuses);
    const mixRow: Row = {
      scenario: 'mixed',
      case: `mix of ${CONNECTIONS} clients on ${count.toLocaleString('en-US')} incidents`,
      throughput: { value: mix.perSecond, unit: 'requests/s' },
      latencyMs: mix.latencyMs,
      errors: mix.errors - mixStatuses.conflicts,
      cpuMsPerOperation: cpuPerOperation(before, afterDrain, mix.requests),
      rssMb: rssOf(afterLoad),
      extra: {
        'seed s': +(seed.seedMs / 1000).toFixed(1),
        'incidents in table': table?.total ?? Number.NaN,
        requests: mix.requests,
        conflicts: mixStatuses.conflicts,
        'consumers idle after ms': drainMs,
        'event retries': outcomesAfter.retries - outcomesBefore.retries,
        'dead letters': dlqAfter - dlqBefore,
      },
    };
    report.add(mixRow);

    // Each kind alone for a moment, for its CPU per request.
    const soloSeconds = scale(5, 1);
    for (const kind of KINDS) {
      const tally = tallies.get(kind);
      if (!tally) continue;
      const { conflicts, errors } = countStatuses(tally.statuses);
      const solo = await soloRun(context, workload, kind, soloSeconds, headers);
      const variants = [...tally.byVariant.entries()].map(([variant, values]) => `${variant} ${latencyOf(values).p99}`).join('; ');
      report.add({
        scenario: 'mixed',
        case: kind,
        throughput: { value: Math.round((tally.latencies.length / mix.durationMs) * 1000), unit: 'requests/s' },
        latencyMs: latencyOf(tally.latencies),
        errors,
        cpuMsPerOperation: cpuPerOperation(solo.before, solo.after, solo.result.requests),
        rssMb: rssOf(solo.after),
        extra: {
          requests: tally.latencies.length,
          ...(kind === 'transition/comment' ? { conflicts } : {}),
          'p99 by variant ms': variants,
          'alone req/s': solo.result.perSecond,
        },
      });
    }

    report.target(`mixed load p99 at ${CONNECTIONS} clients on ${count.toLocaleString('en-US')} incidents`, mix.latencyMs.p99, '<=', 100, 'ms');
    log(`mixed: ${mix.requests} requests, statuses ${JSON.stringify(mix.statuses)}`);
  },
};

/** One kind alone for `seconds`, after the consumers are idle, with the CPU every process spent on it. */
async function soloRun(
  context: ScenarioContext,
  workload: Workload,
  kind: Kind,
  seconds: number,
  headers: Record<string, string>,
): Promise<{ result: LoadResult; before: Sample; after: Sample }> {
  const { suite } = context;
  await suite.consumersIdle(120_000).catch(() => undefined);
  const before = suite.sample();
  const result = await load({ url: suite.gatewayUrl, connections: CONNECTIONS, durationSeconds: seconds, headers, requests: [workload.request(kind)] });
  // Changes and creates set off events: their handling is part of what a request of the kind costs.
  if (kind === 'transition/comment' || kind === 'create') await suite.consumersIdle(120_000).catch(() => undefined);
  return { result, before, after: suite.sample() };
}
