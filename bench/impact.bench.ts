/**
 * Benchmark of CMDB impact analysis: the cmdb service as a real process (from its build) on a private PostgreSQL
 * and NATS, a generated CMDB of 100,000 CIs and about 500,000 relationships (bench/impact-graph.ts), and the
 * latency of `itsm.rpc.cmdb.impact` as a caller sees it, one request at a time.
 *
 *   npm run bench:impact -- [--samples 200] [--sets 50]
 *
 * For each direction and depth it asks about `samples` random single CIs (the same CIs at every depth), then
 * about `sets` random sets of 20 CIs; prints p50/p95/max latency, how many CIs were reached and how big the
 * replies were, and writes the same as JSON under bench/results/. BENCH_NODE_ARGS (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof`) is passed to the cmdb process.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImpactDirection, ImpactRpc, type ImpactRequest, Role } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { freePort, serviceTestEnv, spawnApp, waitUntilReady, connectTestNats } from '@itsm/testing';
import { graphStatements } from './impact-graph';
import { cpuMs, option, residentMegabytes, startInfra, summary } from './bench-kit';

const DEPTHS = [1, 2, 3, 5, 10];
const SET_DEPTHS = [3, 5];
const SET_SIZE = 20;

function shuffled<T>(items: readonly T[], take: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, take);
}

async function main(): Promise<void> {
  const samples = option('samples', 200);
  const sets = option('sets', 50);
  const infra = await startInfra('impact');
  const { database } = infra;
  const port = await freePort();
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const cmdb = spawnApp('cmdb', serviceTestEnv(database, { HEALTH_PORT: String(port), LOG_LEVEL: 'warn', RPC_TIMEOUT_MS: '60000' }), nodeArgs);
  try {
    await waitUntilReady(cmdb, port);

    const generation: Record<string, number> = {};
    const generationStart = performance.now();
    for (const { what, sql } of graphStatements()) {
      const t0 = performance.now();
      await database.query(sql);
      generation[what] = Math.round(performance.now() - t0);
    }
    await database.query('ANALYZE cmdb.cis');
    await database.query('ANALYZE cmdb.ci_relationships');
    const [counts] = await database.query<{ cis: number; relationships: number; retired: number }>(
      `SELECT (SELECT count(*)::int FROM cmdb.cis) AS cis, (SELECT count(*)::int FROM cmdb.ci_relationships) AS relationships,
              (SELECT count(*)::int FROM cmdb.cis WHERE status = 'retired') AS retired`,
    );
    const [sizes] = await database.query<{ table_mb: number; indexes_mb: number }>(
      `SELECT round(pg_table_size('cmdb.ci_relationships') / 1048576.0)::int AS table_mb, round(pg_indexes_size('cmdb.ci_relationships') / 1048576.0)::int AS indexes_mb`,
    );
    const generatedInMs = Math.round(performance.now() - generationStart);
    const ids = (await database.query<{ id: string }>(`SELECT id FROM cmdb.cis WHERE status <> 'retired'`)).map((row) => row.id);

    const nc = await connectTestNats('bench-impact');
    const rpc = new RpcClient(nc, 60_000);
    const actor = { sub: 'service:bench', name: 'impact benchmark', roles: [Role.Agent] };
    const ask = async (request: ImpactRequest) => {
      const t0 = performance.now();
      const result = await rpc.call(ImpactRpc.analyze, request, { actor });
      return { ms: performance.now() - t0, result };
    };

    // Warm-up: connections, JIT, the buffer cache.
    for (const id of shuffled(ids, 50)) for (const direction of Object.values(ImpactDirection)) await ask({ ciIds: [id], direction, depth: 5 });

    const measure = async (label: string, requests: ImpactRequest[]) => {
      const latencies: number[] = [];
      const reached: number[] = [];
      const listed: number[] = [];
      const services: number[] = [];
      const replyKb: number[] = [];
      let truncated = 0;
      const cpuBefore = cpuMs(cmdb.child.pid);
      for (const request of requests) {
        const { ms, result } = await ask(request);
        latencies.push(ms);
        reached.push(result.totalItems);
        listed.push(result.items.length);
        services.push(result.businessServices.length);
        replyKb.push(Buffer.byteLength(JSON.stringify(result)) / 1024);
        if (result.truncated) truncated += 1;
      }
      const row = {
        case: label,
        requests: requests.length,
        latencyMs: summary(latencies),
        cmdbCpuMsPerRequest: +((cpuMs(cmdb.child.pid) - cpuBefore) / requests.length).toFixed(1),
        reachedCis: summary(reached, 0),
        listedCis: summary(listed, 0),
        businessServices: summary(services, 0),
        replyKb: summary(replyKb, 0),
        truncatedShare: +(truncated / requests.length).toFixed(2),
      };
      process.stderr.write(`${JSON.stringify(row)}\n`);
      return row;
    };

    const starts = shuffled(ids, samples);
    const results = [];
    for (const direction of Object.values(ImpactDirection)) {
      for (const depth of DEPTHS) results.push(await measure(`single ${direction} depth ${depth}`, starts.map((id) => ({ ciIds: [id], direction, depth }))));
      for (const depth of SET_DEPTHS) {
        const requests = Array.from({ length: sets }, () => ({ ciIds: shuffled(ids, SET_SIZE), direction, depth }));
        results.push(await measure(`set of ${SET_SIZE} ${direction} depth ${depth}`, requests));
      }
    }

    const rss = await residentMegabytes(port);
    const result = {
      at: new Date().toISOString(),
      graph: { ...counts, relationshipsTableMb: sizes?.table_mb, relationshipsIndexesMb: sizes?.indexes_mb, generatedInMs, generationMs: generation },
      samples,
      sets,
      results,
      cmdbResidentMemoryMb: rss,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', `impact-${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
    await nc.drain();
  } finally {
    await cmdb.kill('SIGTERM');
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
