/**
 * Creation: incidents created through the gateway (`POST /v1/incidents`, a fresh body per request) at 1, 16 and
 * 64 concurrent clients with every consumer of the suite running; after each load, the time until every consumer
 * has handled everything it set off and the lag of every consumer, from the outboxes and inboxes (../lag.ts).
 */
import { buildCreateIncident } from '@itsm/testing';
import { cpuPerOperation, rssOf, type Sample } from '../cluster';
import { consumerLag, inboxConsumers, type LagReport, lagExtra, markEvents, settle } from '../lag';
import { load, type LoadResult } from '../load';
import type { Row } from '../report';
import type { Scenario, ScenarioContext } from '../scenario';

export interface CreationLoad {
  connections: number;
  amount?: number;
  durationSeconds?: number;
}

export interface CreationResult {
  load: LoadResult;
  /** Answers 201. */
  created: number;
  /**
   * Incidents the load stored: the 201s plus those whose answer came after a timed load ended, or after the
   * gateway had given up (a 504 whose create went through). CPU per incident is divided by this.
   */
  stored: number;
  /** Everything else: other statuses, connection errors, timeouts. */
  errors: number;
  /** Incidents created per second of the load. */
  perSecond: number;
  before: Sample;
  after: Sample;
  /** From the last answer until no outbox row was unsent and every consumer was idle, in ms. */
  idleMs: number;
  lag: LagReport;
}

/** Creates incidents through the gateway, waits for the suite to settle and reads the lag of every consumer. */
export async function createIncidents({ suite }: ScenarioContext, options: CreationLoad): Promise<CreationResult> {
  await settle(suite);
  const mark = await markEvents(suite);
  const before = suite.sample();
  const result = await load({
    url: suite.gatewayUrl,
    connections: options.connections,
    amount: options.amount,
    durationSeconds: options.durationSeconds,
    headers: { authorization: `Bearer ${suite.token()}`, 'content-type': 'application/json' },
    requests: [{ method: 'POST', path: '/v1/incidents', setupRequest: (request) => ({ ...request, body: JSON.stringify(buildCreateIncident()) }) }],
  });
  const idleMs = await settle(suite);
  const after = suite.sample();
  const created = result.statuses['201'] ?? 0;
  const [stored] = await suite.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident.incidents WHERE created_at >= $1`, [mark.at]);
  const otherSuccesses = Object.entries(result.statuses).reduce((sum, [status, count]) => (status.startsWith('2') && status !== '201' ? sum + count : sum), 0);
  return {
    load: result,
    created,
    stored: Math.max(created, stored?.n ?? 0),
    errors: result.errors + otherSuccesses,
    perSecond: Math.round((created / result.durationMs) * 1000),
    before,
    after,
    idleMs,
    lag: await consumerLag(suite, mark),
  };
}

/** The parts of a row every creation load shares. */
export function creationRow(scenario: string, label: string, r: CreationResult): Row {
  return {
    scenario,
    case: label,
    throughput: { value: r.perSecond, unit: 'incidents/s' },
    boundBy: 'insertsPerSecond',
    latencyMs: r.load.latencyMs,
    errors: r.errors,
    cpuMsPerOperation: cpuPerOperation(r.before, r.after, r.stored),
    rssMb: rssOf(r.after),
  };
}

export function describeLag(log: (line: string) => void, label: string, r: CreationResult): void {
  log(
    `${label}: ${r.created} created, ${r.stored} stored (${r.perSecond}/s, p99 ${r.load.latencyMs.p99} ms, ${r.errors} errors, statuses ${JSON.stringify(r.load.statuses)}), ` +
      `idle ${Math.round(r.idleMs)} ms after the load, ${r.lag.produced} events`,
  );
  for (const c of r.lag.consumers) log(`  ${c.consumer}: ${c.handled} handled (${c.ofItsTypes} of its types, ${c.otherTypes} others), lag p50/p95/p99/max ${c.p50}/${c.p95}/${c.p99}/${c.max} ms`);
  if (r.lag.silent.length > 0) log(`  delivered events but wrote no inbox row: ${r.lag.silent.join(', ')}`);
  if (r.lag.untouched.length > 0) log(`  delivered nothing new: ${r.lag.untouched.join(', ')}`);
}

export const creation: Scenario = {
  name: 'creation',
  async run(context) {
    const { report, scale, log } = context;
    // Warm-up: the first requests pay for JIT, pools and caches; they are not measured.
    await createIncidents(context, { connections: 8, amount: scale(300, 50) });
    const consumers = await inboxConsumers(context.suite);
    log(`consumers writing inbox rows: ${Object.entries(consumers).map(([schema, names]) => `${schema}: ${names.join(', ')}`).join('; ')}`);
    for (const connections of [1, 16, 64]) {
      const label = `${connections} client${connections === 1 ? '' : 's'}`;
      const r = await createIncidents(context, { connections, durationSeconds: scale(30, 4) });
      describeLag(log, `creation ${label}`, r);
      report.add({ ...creationRow('creation', label, r), extra: { 'idle after load s': +(r.idleMs / 1000).toFixed(2), created: r.created, stored: r.stored, ...lagExtra(r.lag) } });
      if (connections === 16) {
        report.target('whole-suite incident creation at 16 clients', r.perSecond, '>=', 300, 'incidents/s');
        report.target('whole-suite incident creation p99 at 16 clients', r.load.latencyMs.p99, '<=', 150, 'ms');
        report.target('consumer lag p99 at 16 clients', r.lag.worst?.p99 ?? Number.NaN, '<=', 1_000, 'ms');
      }
    }
  },
};

/**
 * The slice: the same creation at 16 clients on the gateway and the incident service alone (no consumer of its
 * events), so the request path can be read against the insert limit without the consumers' share of the CPU.
 */
export const slice: Scenario = {
  name: 'slice',
  services: ['incident'],
  async run(context) {
    const { report, scale, log } = context;
    await createIncidents(context, { connections: 8, amount: scale(300, 50) });
    const r = await createIncidents(context, { connections: 16, durationSeconds: scale(30, 4) });
    describeLag(log, 'slice 16 clients', r);
    report.add({ ...creationRow('slice (gateway + incident)', '16 clients', r), extra: { created: r.created, stored: r.stored } });
    const limit = report.limits.insertsPerSecond;
    report.target('slice creation at 16 clients, share of the insert limit', +((r.perSecond / limit) * 100).toFixed(1), '>=', 25, '%');
  },
};
