/**
 * Knowledge search through the gateway: `GET /v1/knowledge/search?q=…` as an agent (every published article) over
 * a generated corpus of service-desk articles (apps/knowledge/test/support/article-corpus.ts, written into the
 * knowledge schema in SQL, then VACUUM ANALYZE as autovacuum would leave it), at one connection and at 16. Each
 * case cycles through its queries (bench/knowledge-queries.ts): one common word, one rare word, several words,
 * a phrase, a typo.
 */
import { Client } from 'pg';
import { corpusStatements } from '../../../apps/knowledge/test/support/article-corpus';
import { COMMON, MULTI_WORD, PHRASES, RARE_WORDS, TYPOS } from '../../knowledge-queries';
import { cpuPerOperation, rssOf } from '../cluster';
import { load } from '../load';
import type { Scenario, ScenarioContext } from '../scenario';

const CASES: Array<{ name: string; queries: readonly string[] }> = [
  { name: 'one word, common', queries: COMMON },
  { name: 'one word, rare', queries: RARE_WORDS },
  { name: 'several words', queries: MULTI_WORD },
  { name: 'phrase', queries: PHRASES },
  { name: 'typo', queries: TYPOS },
];
const CONNECTIONS = [1, 16];

/** Batches of the corpus written at once, each on a connection of its own: one per core of the reference machine. */
const SEED_CONNECTIONS = 2;

const searchPath = (q: string) => `/v1/knowledge/search?q=${encodeURIComponent(q)}`;

/** Writes `articles` published articles into the suite's knowledge schema; the time it took and how many are published now. */
async function seed({ suite, log }: ScenarioContext, articles: number): Promise<{ seedMs: number; vacuumMs: number; published: number; tableMb: number; indexesMb: number }> {
  const t0 = performance.now();
  const statements = corpusStatements(articles, { batch: Math.min(10_000, Math.ceil(articles / SEED_CONNECTIONS)) });
  let written = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SEED_CONNECTIONS, statements.length) }, async () => {
      const client = new Client({ connectionString: suite.database.url });
      await client.connect();
      try {
        for (let sql = statements[next++]; sql !== undefined; sql = statements[next++]) {
          await client.query(sql);
          written += 1;
          log(`knowledge: articles batch ${written} of ${statements.length} written`);
        }
      } finally {
        await client.end();
      }
    }),
  );
  const t1 = performance.now();
  // Statistics, and the GIN indexes' pending lists merged: until then every search reads the lists whole.
  await suite.database.query('VACUUM (ANALYZE) knowledge.articles');
  await suite.database.query('VACUUM (ANALYZE) knowledge.article_versions');
  const vacuumMs = Math.round(performance.now() - t1);
  const [row] = await suite.database.query<{ published: number; table_mb: number; indexes_mb: number }>(
    `SELECT (SELECT count(*)::int FROM knowledge.article_versions WHERE state = 'published') AS published,
            round(pg_table_size('knowledge.article_versions') / 1048576.0)::int AS table_mb,
            round(pg_indexes_size('knowledge.article_versions') / 1048576.0)::int AS indexes_mb`,
  );
  return { seedMs: Math.round(t1 - t0), vacuumMs, published: row?.published ?? 0, tableMb: row?.table_mb ?? Number.NaN, indexesMb: row?.indexes_mb ?? Number.NaN };
}

/** Each query once, one at a time: warms the gateway, the service and the buffer cache, and says how many hits a page holds. */
async function warmUp({ suite }: ScenarioContext, queries: readonly string[], token: string): Promise<{ hitsPerPage: number; found: number }> {
  let hits = 0;
  let found = 0;
  for (const q of queries) {
    const response = await fetch(`${suite.gatewayUrl}${searchPath(q)}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`searching ${q} answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { items: unknown[] };
    hits += page.items.length;
    if (page.items.length > 0) found += 1;
  }
  return { hitsPerPage: +(hits / queries.length).toFixed(1), found: Math.round((found / queries.length) * 100) };
}

export const knowledge: Scenario = {
  name: 'knowledge',
  async run(context) {
    const { suite, report, scale, log } = context;
    const { seedMs, vacuumMs, published, tableMb, indexesMb } = await seed(context, scale(100_000, 5_000));
    log(`knowledge: ${published} published articles, written in ${seedMs} ms, vacuumed in ${vacuumMs} ms`);
    report.add({
      scenario: 'knowledge',
      case: 'corpus written in SQL',
      extra: { articles: published, 'seed s': +(seedMs / 1000).toFixed(1), 'vacuum s': +(vacuumMs / 1000).toFixed(1), 'versions table MB': tableMb, 'versions indexes MB': indexesMb },
    });
    const token = suite.token();
    const seconds = scale(15, 1);
    for (const { name, queries } of CASES) {
      const { hitsPerPage, found } = await warmUp(context, queries, token);
      for (const connections of CONNECTIONS) {
        let next = 0;
        const before = suite.sample();
        const result = await load({
          url: suite.gatewayUrl,
          connections,
          durationSeconds: seconds,
          headers: { authorization: `Bearer ${token}` },
          requests: [
            {
              method: 'GET',
              setupRequest: (request) => {
                const q = queries[next % queries.length] as string;
                next += 1;
                return { ...request, path: searchPath(q) };
              },
            },
          ],
        });
        const after = suite.sample();
        report.add({
          scenario: 'knowledge',
          case: `${name}, ${connections} connection${connections === 1 ? '' : 's'}`,
          throughput: { value: result.perSecond, unit: 'requests/s' },
          latencyMs: result.latencyMs,
          errors: result.errors,
          cpuMsPerOperation: cpuPerOperation(before, after, result.requests),
          rssMb: rssOf(after),
          extra: { articles: published, requests: result.requests, 'hits per page': hitsPerPage, 'queries found %': found },
        });
        log(`knowledge: ${name} at ${connections} connection(s): ${result.perSecond} requests/s, p95 ${result.latencyMs.p95} ms, ${result.errors} errors`);
        if (name === 'one word, common' && connections === 1) {
          report.target(`knowledge search p95 at ${published.toLocaleString('en-US')} articles`, result.latencyMs.p95, '<=', 30, 'ms');
        }
      }
    }
  },
};
