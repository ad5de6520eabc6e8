/**
 * Benchmark of knowledge search: the knowledge service as a real process (from its build) on a private PostgreSQL
 * (`fsync` on) and NATS, `--articles` published articles of generated service-desk text
 * (apps/knowledge/test/support/article-corpus.ts, generated in SQL with a seeded random(), then VACUUM ANALYZE), and
 * the latency of `itsm.rpc.knowledge.search` and `…suggest` as a caller sees it, one request at a time.
 *
 *   npm run bench:knowledge -- [--articles 100000] [--samples 100]
 *
 * Each case asks `samples` queries of its kind (common and rare words, phrases, prefixes, typos, filters, plain
 * text for suggestions) as an agent (every article) and prints p50/p95/p99/max latency, hits per page and the
 * share of queries that found something as a Markdown table; the same goes to bench/results/ as JSON.
 * BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to the knowledge process.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Actor, KnowledgeRpc, Role, type SearchArticlesRequest } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { freePort, serviceTestEnv, spawnApp, waitUntilReady, connectTestNats } from '@itsm/testing';
import { CORPUS_SERVICE_IDS, corpusStatements } from '../apps/knowledge/test/support/article-corpus';
import { cpuMs, option, percentile, residentMegabytes, startInfra } from './bench-kit';
import { COMMON, MIXED, PHRASES, PREFIXES, RARE, TICKETS, TYPOS } from './knowledge-queries';

const agent: Actor = { sub: 'service:bench', name: 'knowledge benchmark', roles: [Role.Agent] };
const requester: Actor = { sub: 'bench-requester', name: 'knowledge benchmark', roles: [Role.Requester] };

interface Case {
  case: string;
  actor: Actor;
  requests: Array<SearchArticlesRequest | { text: string }>;
}

function cycle<T>(items: readonly T[], count: number): T[] {
  return Array.from({ length: count }, (_, i) => items[i % items.length] as T);
}

async function main(): Promise<void> {
  const articles = option('articles', 100_000);
  const samples = option('samples', 100);
  const infra = await startInfra('knowledge');
  const { database } = infra;
  const port = await freePort();
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const knowledge = spawnApp('knowledge', serviceTestEnv(database, { HEALTH_PORT: String(port), LOG_LEVEL: 'warn', RPC_TIMEOUT_MS: '60000' }), nodeArgs);
  try {
    await waitUntilReady(knowledge, port);

    const generationStart = performance.now();
    for (const [i, sql] of corpusStatements(articles).entries()) {
      await database.query(sql);
      process.stderr.write(`generated batch ${i + 1}\n`);
    }
    const generatedInMs = Math.round(performance.now() - generationStart);
    // As autovacuum leaves the table: statistics, and the GIN indexes' pending lists merged into the indexes.
    const vacuumStart = performance.now();
    await database.query('VACUUM (ANALYZE) knowledge.articles');
    await database.query('VACUUM (ANALYZE) knowledge.article_versions');
    const vacuumedInMs = Math.round(performance.now() - vacuumStart);
    const [sizes] = await database.query<{ published: number; table_mb: number; inline_mb: number; search_idx_mb: number; trgm_idx_mb: number }>(
      `SELECT (SELECT count(*)::int FROM knowledge.article_versions WHERE state = 'published') AS published,
              round(pg_table_size('knowledge.article_versions') / 1048576.0)::int AS table_mb,
              round(pg_relation_size('knowledge.article_versions') / 1048576.0)::int AS inline_mb,
              (SELECT round(sum(pg_relation_size(format('knowledge.%I', indexname))) / 1048576.0)::int FROM pg_indexes
                WHERE schemaname = 'knowledge' AND indexname LIKE 'article_versions_search_%_idx') AS search_idx_mb,
              round(pg_relation_size('knowledge.article_versions_title_trgm_idx') / 1048576.0)::int AS trgm_idx_mb`,
    );

    const nc = await connectTestNats('bench-knowledge');
    const rpc = new RpcClient(nc, 60_000);
    const ask = async (actor: Actor, request: SearchArticlesRequest | { text: string }) => {
      const t0 = performance.now();
      const items = 'text' in request ? (await rpc.call(KnowledgeRpc.suggest, request, { actor })).items : (await rpc.call(KnowledgeRpc.search, request, { actor })).items;
      return { ms: performance.now() - t0, hits: items.length };
    };

    // Warm-up: connections, JIT of the service, the buffer cache.
    for (const q of [...COMMON, ...RARE, ...TYPOS]) await ask(agent, { q });

    const cases: Case[] = [
      { case: 'common word', actor: agent, requests: cycle(COMMON, samples).map((q) => ({ q })) },
      { case: 'common word, requester (public only)', actor: requester, requests: cycle(COMMON, samples).map((q) => ({ q })) },
      { case: 'rare word or pair', actor: agent, requests: cycle(RARE, samples).map((q) => ({ q })) },
      { case: 'phrase', actor: agent, requests: cycle(PHRASES, samples).map((q) => ({ q })) },
      { case: 'prefix', actor: agent, requests: cycle(PREFIXES, samples).map((q) => ({ q })) },
      { case: 'typo', actor: agent, requests: cycle(TYPOS, samples).map((q) => ({ q })) },
      { case: 'words, phrase and exclusion', actor: agent, requests: cycle(MIXED, samples).map((q) => ({ q })) },
      { case: 'common word, category filter', actor: agent, requests: cycle(COMMON, samples).map((q, i) => ({ q, category: ['network', 'email', 'hardware', 'accounts', 'applications', 'workplace'][i % 6] as string })) },
      { case: 'common word, service filter', actor: agent, requests: cycle(COMMON, samples).map((q, i) => ({ q, serviceId: CORPUS_SERVICE_IDS[i % CORPUS_SERVICE_IDS.length] as string })) },
      { case: 'common word, 3rd page of 10', actor: agent, requests: [] },
      { case: 'suggest (ticket text)', actor: agent, requests: cycle(TICKETS, samples).map((text) => ({ text })) },
    ];

    const results = [];
    for (const entry of cases) {
      const latencies: number[] = [];
      const hits: number[] = [];
      const cpuBefore = cpuMs(knowledge.child.pid);
      if (entry.case.includes('3rd page')) {
        for (const q of cycle(COMMON, samples)) {
          let page = await rpc.call(KnowledgeRpc.search, { q }, { actor: agent });
          page = await rpc.call(KnowledgeRpc.search, { q, cursor: page.nextCursor ?? '' }, { actor: agent });
          const { ms, hits: found } = await ask(agent, { q, cursor: page.nextCursor ?? '' });
          latencies.push(ms);
          hits.push(found);
        }
      } else {
        for (const request of entry.requests) {
          const { ms, hits: found } = await ask(entry.actor, request);
          latencies.push(ms);
          hits.push(found);
        }
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      const row = {
        case: entry.case,
        requests: latencies.length,
        p50: +percentile(sorted, 50).toFixed(1),
        p95: +percentile(sorted, 95).toFixed(1),
        p99: +percentile(sorted, 99).toFixed(1),
        max: +(sorted.at(-1) ?? Number.NaN).toFixed(1),
        hitsPerPage: +(hits.reduce((sum, n) => sum + n, 0) / hits.length).toFixed(1),
        foundShare: +(hits.filter((n) => n > 0).length / hits.length).toFixed(2),
        knowledgeCpuMsPerRequest: +((cpuMs(knowledge.child.pid) - cpuBefore) / latencies.length).toFixed(1),
      };
      process.stderr.write(`${JSON.stringify(row)}\n`);
      results.push(row);
    }

    const result = { at: new Date().toISOString(), articles, samples, corpus: { ...sizes, generatedInMs, vacuumedInMs }, results, knowledgeResidentMemoryMb: await residentMegabytes(port) };
    const table = [
      '| Case | Requests | p50 / p95 / p99 / max ms | Hits per page | Found | knowledge CPU ms per request |',
      '|---|---|---|---|---|---|',
      ...results.map((r) => `| ${r.case} | ${r.requests} | ${r.p50} / ${r.p95} / ${r.p99} / ${r.max} | ${r.hitsPerPage} | ${Math.round(r.foundShare * 100)} % | ${r.knowledgeCpuMsPerRequest} |`),
    ].join('\n');
    process.stdout.write(`${JSON.stringify({ ...result, results: undefined }, null, 2)}\n\n${table}\n`);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', `knowledge-${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
    await nc.drain();
  } finally {
    await knowledge.kill('SIGTERM');
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
