/**
 * CMDB import through the gateway (`POST /v1/cmdb/imports`, as an importer would send it), then impact analysis
 * at depth 6 (`GET /v1/cis/{id}/impact?depth=6`) on what was imported.
 *
 * The CMDB is made of estates of 5,000 CIs and 25,000 relationships (a full run asks for 20 of them: 100,000 CIs
 * and 500,000 relationships; a quick run for one estate a tenth that size), each layered like
 * bench/impact-graph.ts (business services → applications → service instances → workloads and databases → VMs
 * and containers → servers → network devices) but only with edges the built-in relationship rules allow, since
 * the import checks every edge against them. Edges within a layer (application → application, network device →
 * network device), edges back up the layers (instance → application, workload → instance) and, from the second
 * estate on, edges to CIs of earlier estates (shared instances, databases, servers, network) make shortcuts and
 * cycles, so that six levels reach a good part of an estate. Generation is seeded: every run imports the same graph.
 *
 * The import is sent with plain fetch and bounded concurrency, not autocannon: relationships name their CIs by
 * the ids the CI batches answered (a batch can name CIs of other batches only by id or by identifiers), so the
 * relationship batches depend on the answers of the CI batches. The import is synchronous (the answer of a batch
 * is its result) and every row is a transaction of its own, so a batch of the 5,000 items the API allows takes
 * over a minute on the reference machine, close to the gateway's 120 s import timeout: CIs are sent in batches of
 * 1,000 and relationships (named by CI id) in batches of 2,000 (125 CIs and 250 relationships in a quick run),
 * CIs first, then relationships, each phase on four connections. A phase sends one batch on each connection, then
 * starts no more once its share of the time budget is spent (one sixth for CIs, the rest for relationships, the
 * ratio of their counts); CIs and edges are sent in a seeded random order within an estate, so what was imported
 * when the budget ran out is a sample of every layer.
 * The rows give the counts actually imported, never an extrapolation.
 */
import { Role } from '@itsm/contracts';
import { percentile } from '../../bench-kit';
import { cpuPerOperation, rssOf, type Sample } from '../cluster';
import { load } from '../load';
import type { Scenario, ScenarioContext } from '../scenario';

const ESTATE_RELATIONSHIPS = 25_000;
/** Concurrent import requests, as an importer with a small pool of connections sends them. */
const CONNECTIONS = 4;
/** A body well under BODY_LIMIT_BYTES (1 MiB) and the 1 MB NATS payload. */
const MAX_BODY_BYTES = 900_000;
const DEPTH = 6;
/** How long the import's events may take to be handled by every consumer before impact is read regardless. */
const DRAIN_BUDGET_MS = 600_000;
const SOURCE = 'bench-discovery';

/** Per estate, in layer order; 5,000 CIs. */
const LAYERS = [
  ['business_service', 10],
  ['application', 100],
  ['service_instance', 400],
  ['load_balancer', 10],
  ['kubernetes_workload', 1_250],
  ['database', 250],
  ['container', 240],
  ['virtual_machine', 2_000],
  ['server', 700],
  ['network_device', 40],
] as const;

type ClassName = (typeof LAYERS)[number][0];
type Edge = [type: string, source: number, target: number];

/** Structured edges of an estate: [type, source class, target class, edges per source CI]; `own` gives every target CI one source. */
const FAN_OUT: Array<[string, ClassName, ClassName, number | 'own']> = [
  ['depends_on', 'business_service', 'application', 'own'],
  ['depends_on', 'business_service', 'application', 15],
  ['depends_on', 'application', 'service_instance', 'own'],
  ['depends_on', 'application', 'service_instance', 10],
  ['depends_on', 'application', 'application', 3],
  ['depends_on', 'application', 'database', 3],
  ['depends_on', 'application', 'load_balancer', 1],
  ['runs_on', 'application', 'virtual_machine', 2],
  ['runs_on', 'application', 'container', 2],
  ['depends_on', 'service_instance', 'kubernetes_workload', 'own'],
  ['depends_on', 'service_instance', 'kubernetes_workload', 4],
  ['depends_on', 'service_instance', 'database', 2],
  ['depends_on', 'service_instance', 'application', 1],
  ['depends_on', 'kubernetes_workload', 'database', 1],
  ['depends_on', 'kubernetes_workload', 'service_instance', 1],
  ['depends_on', 'load_balancer', 'service_instance', 10],
  ['connects_to', 'load_balancer', 'kubernetes_workload', 20],
  ['connects_to', 'load_balancer', 'virtual_machine', 50],
  ['hosted_on', 'database', 'virtual_machine', 2],
  ['runs_on', 'database', 'container', 1],
  ['runs_on', 'container', 'virtual_machine', 1],
  ['runs_on', 'container', 'server', 1],
  ['hosted_on', 'virtual_machine', 'server', 1],
  ['connects_to', 'server', 'network_device', 2],
  ['connects_to', 'virtual_machine', 'network_device', 2],
  ['connects_to', 'network_device', 'network_device', 5],
];

/** The rest of an estate's edges, drawn at random among these allowed pairs; a fifth of them end at a CI of an earlier estate. */
const RANDOM_PAIRS: Array<[string, ClassName, ClassName]> = [
  ['depends_on', 'service_instance', 'kubernetes_workload'],
  ['depends_on', 'kubernetes_workload', 'service_instance'],
  ['depends_on', 'kubernetes_workload', 'database'],
  ['depends_on', 'service_instance', 'database'],
  ['connects_to', 'virtual_machine', 'network_device'],
  ['hosted_on', 'virtual_machine', 'server'],
  ['connects_to', 'load_balancer', 'virtual_machine'],
  ['depends_on', 'application', 'service_instance'],
];
const CROSS_ESTATE_SHARE = 0.2;

/** Seeded PRNG (mulberry32): the same graph on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Graph {
  /** Class of CI number n, estate after estate. */
  classOf: ClassName[];
  /** Edges by estate, each estate's in random order. */
  edges: Edge[][];
}

/** `items` in a seeded random order: a batch then holds CIs of every class, and any prefix of the edges is a sample of all of them. */
function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** The CIs of an estate `size` times as large as LAYERS says (a quick run imports a tenth of one). */
function layerCounts(size: number): Array<[ClassName, number]> {
  return LAYERS.map(([name, count]) => [name, Math.round(count * size)]);
}

function buildGraph(estates: number, size: number): Graph {
  const next = random(42);
  const layers = layerCounts(size);
  const estateCis = layers.reduce((sum, [, count]) => sum + count, 0);
  const layerRange = (estate: number, className: ClassName): { first: number; count: number } => {
    let first = estate * estateCis;
    for (const [name, count] of layers) {
      if (name === className) return { first, count };
      first += count;
    }
    throw new Error(`no layer ${className}`);
  };
  const pick = (range: { first: number; count: number }) => range.first + Math.floor(next() * range.count);
  const classOf: ClassName[] = [];
  const edges: Edge[][] = [];
  for (let estate = 0; estate < estates; estate += 1) {
    for (const [name, count] of layers) for (let i = 0; i < count; i += 1) classOf.push(name);
    const seen = new Set<string>();
    const list: Edge[] = [];
    const add = (type: string, source: number, target: number) => {
      const key = `${type} ${source} ${target}`;
      if (source === target || seen.has(key)) return;
      seen.add(key);
      list.push([type, source, target]);
    };
    for (const [type, sourceClass, targetClass, per] of FAN_OUT) {
      const s = layerRange(estate, sourceClass);
      const t = layerRange(estate, targetClass);
      if (per === 'own') for (let i = 0; i < t.count; i += 1) add(type, s.first + (i % s.count), t.first + i);
      else for (let i = 0; i < s.count; i += 1) for (let j = 0; j < per; j += 1) add(type, s.first + i, pick(t));
    }
    while (list.length < Math.round(ESTATE_RELATIONSHIPS * size)) {
      const [type, sourceClass, targetClass] = RANDOM_PAIRS[Math.floor(next() * RANDOM_PAIRS.length)] as [string, ClassName, ClassName];
      const targetEstate = estate > 0 && next() < CROSS_ESTATE_SHARE ? Math.floor(next() * estate) : estate;
      add(type, pick(layerRange(estate, sourceClass)), pick(layerRange(targetEstate, targetClass)));
    }
    edges.push(shuffle(list, next));
  }
  return { classOf, edges };
}

/** One import row for CI number n, with an identification set of its class and the attributes its schema requires. */
function itemOf(n: number, className: ClassName): Record<string, unknown> {
  const name = `${className.replace(/_/g, '-')}-${String(n).padStart(6, '0')}`;
  const identifiers = className === 'kubernetes_workload' ? { k8sUid: `bench-${n}` } : className === 'server' || className === 'network_device' ? { serial: `SN${n}` } : { cloudId: `bench/${n}` };
  const attributes = className === 'database' ? { engine: 'postgresql' } : className === 'kubernetes_workload' ? { kind: 'Deployment' } : undefined;
  return {
    className,
    name,
    environment: n % 10 < 7 ? 'prod' : 'test',
    ...(className === 'business_service' ? { criticality: 1 + (n % 4) } : {}),
    identifiers,
    ...(attributes ? { attributes } : {}),
  };
}

/** `rows` cut into batches of at most `maxCount` rows whose JSON stays within MAX_BODY_BYTES. */
function batches<T>(rows: T[], maxCount: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > MAX_BODY_BYTES - 200)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

interface ImportAnswer {
  counts: { created: number; updated: number; unchanged: number; conflicts: number; errors: number; relationshipsAdded: number; relationshipsUnchanged: number };
  rows: Array<{ kind: string; index: number; outcome: string; ciId?: string; errors?: Array<{ field: string; message: string }> }>;
  rowsLeftOut?: number;
}

interface PhaseResult<T> {
  /** Batches sent (and answered or failed). */
  sent: number;
  answers: Array<{ batch: T[]; answer: ImportAnswer }>;
  latencies: number[];
  /** Requests that failed (not 200, or no answer). */
  failed: number;
  firstFailure?: string;
  ms: number;
  before: Sample;
  after: Sample;
}

/** Sends `work` on CONNECTIONS concurrent requests: one batch on each, then no more once `budgetMs` has passed. */
async function send<T>({ suite }: ScenarioContext, token: string, work: T[][], body: (batch: T[]) => object, budgetMs: number): Promise<PhaseResult<T>> {
  const result: PhaseResult<T> = { sent: 0, answers: [], latencies: [], failed: 0, ms: 0, before: suite.sample(), after: suite.sample() };
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < work.length && (result.sent < CONNECTIONS || performance.now() - t0 < budgetMs)) {
      const batch = work[next] as T[];
      next += 1;
      result.sent += 1;
      const started = performance.now();
      try {
        const response = await fetch(`${suite.gatewayUrl}/v1/cmdb/imports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body(batch)),
        });
        const text = await response.text();
        result.latencies.push(performance.now() - started);
        if (response.status !== 200) {
          result.failed += 1;
          result.firstFailure ??= `${response.status}: ${text.slice(0, 300)}`;
          continue;
        }
        result.answers.push({ batch, answer: JSON.parse(text) as ImportAnswer });
      } catch (error) {
        result.latencies.push(performance.now() - started);
        result.failed += 1;
        result.firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  result.ms = performance.now() - t0;
  result.after = suite.sample();
  return result;
}

const round1 = (value: number) => +value.toFixed(1);

function latencyOf(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round1(percentile(sorted, 50)), p95: round1(percentile(sorted, 95)), p99: round1(percentile(sorted, 99)), max: round1(sorted.at(-1) ?? Number.NaN) };
}

/** The first row errors of the answers, for the log. */
function firstRowErrors(answers: Array<{ answer: ImportAnswer }>): string {
  for (const { answer } of answers) {
    const row = answer.rows.find((r) => r.outcome === 'error' || r.outcome === 'conflict');
    if (row) return JSON.stringify(row).slice(0, 300);
  }
  return '';
}

export const cmdb: Scenario = {
  name: 'cmdb',
  async run(context) {
    const { suite, report, scale, log, quick } = context;
    const estates = scale(20, 1);
    const estateSize = quick ? 0.1 : 1;
    const budgetMs = scale(360_000, 20_000);
    const ciBatch = scale(1_000, 125);
    const relationshipBatch = scale(2_000, 250);
    const token = suite.token([Role.Admin], 'bench-importer');
    const graph = buildGraph(estates, estateSize);
    const cisWanted = graph.classOf.length;
    const relationshipsWanted = graph.edges.reduce((sum, list) => sum + list.length, 0);
    log(`cmdb: importing ${cisWanted} CIs and ${relationshipsWanted} relationships (${estates} estate${estates === 1 ? '' : 's'}), ${CONNECTIONS} connections, budget ${budgetMs / 1000} s`);

    // CIs estate after estate, each estate's in random order.
    const order = random(1);
    const perEstate = graph.classOf.length / estates;
    const numbers = Array.from({ length: estates }, (_, e) => shuffle(Array.from({ length: perEstate }, (_, i) => e * perEstate + i), order)).flat();
    const ciWork = batches(numbers.map((n) => ({ n, item: itemOf(n, graph.classOf[n] as ClassName) })), ciBatch);
    const cis = await send(context, token, ciWork, (batch) => ({ source: SOURCE, items: batch.map((row) => row.item) }), budgetMs / 6);
    const idOf = new Map<number, string>();
    let ciErrors = cis.failed;
    let ciRowsUnseen = 0;
    for (const { batch, answer } of cis.answers) {
      ciErrors += answer.counts.errors + answer.counts.conflicts;
      ciRowsUnseen += answer.rowsLeftOut ?? 0;
      for (const row of answer.rows) {
        const n = batch[row.index]?.n;
        if (row.kind === 'item' && row.ciId && n !== undefined && (row.outcome === 'created' || row.outcome === 'updated')) idOf.set(n, row.ciId);
      }
    }
    const cisImported = cis.answers.reduce((sum, { answer }) => sum + answer.counts.created, 0);
    log(`cmdb: ${cisImported} CIs created in ${Math.round(cis.ms)} ms (${cis.sent} batches, ${ciErrors} errors${cis.firstFailure ? `, first failure ${cis.firstFailure}` : ''}) ${firstRowErrors(cis.answers)}`);
    report.add({
      scenario: 'cmdb',
      case: `import CIs (batches of ${Math.max(...ciWork.map((b) => b.length))}, ${CONNECTIONS} connections)`,
      throughput: { value: Math.round((cisImported / cis.ms) * 1000), unit: 'CIs/s' },
      boundBy: 'insertsPerSecond',
      latencyMs: latencyOf(cis.latencies),
      errors: ciErrors,
      cpuMsPerOperation: cpuPerOperation(cis.before, cis.after, cisImported),
      rssMb: rssOf(cis.after),
      extra: {
        'CIs imported': cisImported,
        'of CIs': cisWanted,
        requests: cis.sent,
        's spent': round1(cis.ms / 1000),
        'request max ms': latencyOf(cis.latencies).max,
        ...(ciRowsUnseen > 0 ? { 'rows left out of answers': ciRowsUnseen } : {}),
      },
    });

    // Relationships whose two CIs were imported, estate after estate, within the rest of the budget.
    const edges = graph.edges.flat().filter(([, s, t]) => idOf.has(s) && idOf.has(t));
    const relationshipWork = batches(
      edges.map(([type, s, t]) => ({ type, source: { ciId: idOf.get(s) as string }, target: { ciId: idOf.get(t) as string } })),
      relationshipBatch,
    );
    const relationships = await send(context, token, relationshipWork, (batch) => ({ source: SOURCE, items: [], relationships: batch }), Math.max(1, budgetMs - cis.ms));
    const relationshipsImported = relationships.answers.reduce((sum, { answer }) => sum + answer.counts.relationshipsAdded, 0);
    const relationshipErrors = relationships.failed + relationships.answers.reduce((sum, { answer }) => sum + answer.counts.errors + answer.counts.conflicts, 0);
    log(
      `cmdb: ${relationshipsImported} relationships added in ${Math.round(relationships.ms)} ms (${relationships.sent} batches, ${relationshipErrors} errors${relationships.firstFailure ? `, first failure ${relationships.firstFailure}` : ''}) ${firstRowErrors(relationships.answers)}`,
    );
    report.add({
      scenario: 'cmdb',
      case: `import relationships by CI id (batches of ${relationshipWork.length > 0 ? Math.max(...relationshipWork.map((b) => b.length)) : 0}, ${CONNECTIONS} connections)`,
      throughput: { value: Math.round((relationshipsImported / relationships.ms) * 1000), unit: 'relationships/s' },
      boundBy: 'insertsPerSecond',
      latencyMs: latencyOf(relationships.latencies),
      errors: relationshipErrors,
      cpuMsPerOperation: cpuPerOperation(relationships.before, relationships.after, relationshipsImported),
      rssMb: rssOf(relationships.after),
      extra: {
        'relationships imported': relationshipsImported,
        'of relationships': relationshipsWanted,
        requests: relationships.sent,
        's spent': round1(relationships.ms / 1000),
        'request max ms': latencyOf(relationships.latencies).max,
      },
    });
    report.target('CMDB import', Math.round((cisImported / cis.ms) * 1000), '>=', 5_000, 'CIs/s');

    // The events of the import (one per CI and per relationship) are published and handled before impact is read.
    // How long that takes is a figure of the run, not a condition of it: past DRAIN_BUDGET_MS what is still pending is
    // reported, and impact is read anyway (the cmdb service answers it; the backlog is other services' consumers').
    let drainMs = Number.NaN;
    let undrained: string | null = null;
    try {
      drainMs = await suite.consumersIdle(DRAIN_BUDGET_MS);
      log(`cmdb: events of the import handled ${Math.round(drainMs)} ms after the last batch`);
    } catch (error) {
      undrained = error instanceof Error ? error.message : String(error);
      log(`cmdb: ${undrained}`);
    }
    await suite.database.query('ANALYZE cmdb.cis');
    await suite.database.query('ANALYZE cmdb.ci_relationships');

    await impact(context, token, [...idOf.values()], scale(200, 30), { drainMs, undrained });
  },
};

/** `count` random imported CIs (seeded), upstream at depth 6: one request at a time, then on CONNECTIONS connections. */
async function impact({ suite, report, log }: ScenarioContext, token: string, ids: string[], count: number, { drainMs, undrained }: { drainMs: number; undrained: string | null }): Promise<void> {
  if (ids.length === 0) throw new Error('no CI was imported: impact cannot be measured');
  const next = random(7);
  const starts = Array.from({ length: count }, () => ids[Math.floor(next() * ids.length)] as string);
  const path = (id: string) => `/v1/cis/${id}/impact?depth=${DEPTH}`;
  const headers = { authorization: `Bearer ${token}` };
  const ask = async (id: string) => {
    const t0 = performance.now();
    const response = await fetch(`${suite.gatewayUrl}${path(id)}`, { headers });
    const text = await response.text();
    const ms = performance.now() - t0;
    if (response.status !== 200) return { ms, ok: false, reached: 0, services: 0, truncated: false };
    const result = JSON.parse(text) as { totalItems: number; businessServices: unknown[]; truncated: boolean };
    return { ms, ok: true, reached: result.totalItems, services: result.businessServices.length, truncated: result.truncated };
  };
  // Warm-up: connections, JIT, the buffer cache.
  for (const id of starts.slice(0, 20)) await ask(id);

  const before = suite.sample();
  const latencies: number[] = [];
  const reached: number[] = [];
  let services = 0;
  let truncated = 0;
  let errors = 0;
  const t0 = performance.now();
  for (const id of starts) {
    const answer = await ask(id);
    latencies.push(answer.ms);
    if (!answer.ok) errors += 1;
    reached.push(answer.reached);
    services += answer.services;
    if (answer.truncated) truncated += 1;
  }
  const ms = performance.now() - t0;
  const after = suite.sample();
  const sortedReached = [...reached].sort((a, b) => a - b);
  const averageReached = Math.round(reached.reduce((sum, n) => sum + n, 0) / Math.max(1, reached.length));
  const sequential = latencyOf(latencies);
  report.add({
    scenario: 'cmdb',
    case: `impact upstream depth ${DEPTH}, 1 connection`,
    throughput: { value: Math.round((starts.length / ms) * 1000), unit: 'requests/s' },
    latencyMs: sequential,
    errors,
    cpuMsPerOperation: cpuPerOperation(before, after, starts.length),
    rssMb: rssOf(after),
    extra: {
      requests: starts.length,
      'CIs in CMDB': ids.length,
      'avg impacted CIs': averageReached,
      'impacted p50': percentile(sortedReached, 50),
      'impacted max': sortedReached.at(-1) ?? 0,
      'avg business services': round1(services / Math.max(1, starts.length)),
      'truncated %': Math.round((truncated / Math.max(1, starts.length)) * 100),
      ...(undrained === null ? { 'import events handled after ms': Math.round(drainMs) } : { 'import events not all handled': undrained }),
    },
  });
  log(`cmdb: impact depth ${DEPTH} one at a time: p95 ${sequential.p95} ms, ${averageReached} CIs impacted on average`);

  let cursor = 0;
  const beforeLoad = suite.sample();
  const loaded = await load({
    url: suite.gatewayUrl,
    connections: CONNECTIONS,
    amount: starts.length,
    headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const id = starts[cursor % starts.length] as string;
          cursor += 1;
          return { ...request, path: path(id) };
        },
      },
    ],
  });
  const afterLoad = suite.sample();
  report.add({
    scenario: 'cmdb',
    case: `impact upstream depth ${DEPTH}, ${CONNECTIONS} connections`,
    throughput: { value: loaded.perSecond, unit: 'requests/s' },
    latencyMs: loaded.latencyMs,
    errors: loaded.errors,
    cpuMsPerOperation: cpuPerOperation(beforeLoad, afterLoad, loaded.requests),
    rssMb: rssOf(afterLoad),
    extra: { requests: loaded.requests, 'avg impacted CIs': averageReached },
  });
  log(`cmdb: impact depth ${DEPTH} on ${CONNECTIONS} connections: ${loaded.perSecond} requests/s, p95 ${loaded.latencyMs.p95} ms, ${loaded.errors} errors`);
  report.target(`impact p95 at depth ${DEPTH}`, sequential.p95, '<=', 50, 'ms');
}
