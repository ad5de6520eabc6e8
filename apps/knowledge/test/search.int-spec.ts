import { randomUUID } from 'node:crypto';
import {
  type Actor,
  ArticleAudience,
  ArticleLanguage,
  CommonErrorCode,
  ErrorCode,
  type ArticleHit,
  KnowledgeErrorCode,
  KnowledgeRpc,
  type SearchArticlesRequest,
} from '@itsm/contracts';
import { alice, sam } from '@itsm/testing';
import { RANKED_POOL, SEARCH_SETTINGS, SearchRepository, searchStatement, suggestionStatement } from '../src/search/search.repository';
import { anyWordQuery } from '../src/search/search-query';
import { corpusStatements, type PublishedArticleInput, publishedArticleStatement } from './support/article-corpus';
import { word } from './support/knowledge-fixtures';
import { KnowledgeHarness } from './support/knowledge-harness';

/** A word no other test uses (and no dictionary knows), so that a search or filter finds only what the test wrote. */

const DAY_MS = 24 * 60 * 60 * 1000;

describe('knowledge search', () => {
  let h: KnowledgeHarness;

  beforeAll(async () => {
    h = await KnowledgeHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  const search = (request: SearchArticlesRequest, actor: Actor = sam) => h.rpc.call(KnowledgeRpc.search, request, { actor });
  const ids = (hits: { items: ArticleHit[] }) => hits.items.map((hit) => hit.id);

  async function published(input: PublishedArticleInput): Promise<string> {
    const statement = publishedArticleStatement(input);
    await h.database.query(statement.sql, statement.params);
    return statement.id;
  }

  describe('matching', () => {
    it('finds published articles by words of their title, tags, summary and body, marking them in an escaped snippet', async () => {
      const [term, other] = [word(), word()];
      const id = await published({
        title: `Reset the ${term} token`,
        summary: 'When the token expired.',
        body: `## Steps\n\nOpen <script>alert(1)</script> the portal & choose ${term} \u0002again\u0003 then "save".`,
        tags: [other],
      });
      const found = await search({ q: term });
      expect(ids(found)).toEqual([id]);
      const [hit] = found.items;
      expect(hit).toMatchObject({ id, number: expect.stringMatching(/^KB\d{7}$/), title: `Reset the ${term} token`, articleVersion: 1, audience: ArticleAudience.Public, tags: [other], rank: expect.any(Number) });
      expect(hit?.snippet).toContain(`<mark>${term}</mark>`);
      expect(hit?.snippet).toContain('the portal &amp; choose');
      expect(hit?.snippet).toContain('&quot;save');
      expect(hit?.snippet).not.toContain('<script');
      const unmarked = hit?.snippet.replace(/<\/?mark>/g, '') ?? '';
      for (const forbidden of ['<', '>', String.fromCharCode(2), String.fromCharCode(3)]) expect(unmarked).not.toContain(forbidden);
      await expect(search({ q: other })).resolves.toMatchObject({ items: [expect.objectContaining({ id })] });
    });

    it('tolerates typos in a word of the title: priner finds printer', async () => {
      const category = word();
      const printer = await published({ title: 'Printer prints blank pages', category });
      await published({ title: 'Scanner jams on thick paper', category });
      await expect(search({ q: 'priner', category })).resolves.toMatchObject({ items: [expect.objectContaining({ id: printer })] });
      await expect(search({ q: 'blnk pages', category })).resolves.toMatchObject({ items: [expect.objectContaining({ id: printer })] });
    });

    it('stems words: printing finds an article about printers', async () => {
      const category = word();
      const printers = await published({ title: 'Printers on the third floor', body: 'All printers there were replaced.', category });
      const found = await search({ q: 'printing', category });
      expect(ids(found)).toEqual([printers]);
      await expect(search({ q: 'replacing', category })).resolves.toMatchObject({ items: [expect.objectContaining({ id: printers })] });
    });

    it('matches a quoted phrase only with its words in order', async () => {
      const category = word();
      const phrase = await published({ title: 'Feeding labels', body: 'A paper jam in tray two stops the queue.', category });
      await published({ title: 'Feeding envelopes', body: 'The jam came from old paper.', category });
      await expect(search({ q: '"paper jam"', category }).then(ids)).resolves.toEqual([phrase]);
    });

    it('matches every word starting with a word ending in * (or :*), and excludes those starting with -word*', async () => {
      const [category, prefix] = [word(), word().slice(0, 6)];
      const network = await published({ title: `${prefix}alpha network outage`, category });
      const networking = await published({ title: `${prefix}beta networking guide`, category });
      await published({ title: 'Wireless scanners', category });
      const found = await search({ q: `${prefix}*`, category });
      expect(ids(found).sort()).toEqual([network, networking].sort());
      await expect(search({ q: `netw*`, category }).then((page) => ids(page).sort())).resolves.toEqual([network, networking].sort());
      await expect(search({ q: `${prefix}:* -guid*`, category }).then(ids)).resolves.toEqual([network]);
    });

    it('excludes articles with a -word, also those only a typo-tolerant title match would find', async () => {
      const category = word();
      const mac = await published({ title: 'Printer setup on macOS', category });
      await published({ title: 'Printer setup on Windows', category });
      await expect(search({ q: 'printer -windows', category }).then(ids)).resolves.toEqual([mac]);
      await expect(search({ q: 'priner -windows', category }).then(ids)).resolves.toEqual([mac]);
    });

    it('searches each article in its own language', async () => {
      const category = word();
      const german = await published({ title: 'Drucker druckt leere Seiten', body: 'Die Drucker im Erdgeschoss.', category, language: ArticleLanguage.German });
      await expect(search({ q: 'druckers', category }).then(ids)).resolves.toEqual([german]);
    });
  });

  describe('what a reader sees', () => {
    it('shows requesters public articles only, agents internal ones too', async () => {
      const term = word();
      const open = await published({ title: `${term} for everyone`, audience: ArticleAudience.Public });
      const internal = await published({ title: `${term} for the desk`, audience: ArticleAudience.Internal });
      await expect(search({ q: term }, alice).then(ids)).resolves.toEqual([open]);
      await expect(search({ q: term }, sam).then((page) => ids(page).sort())).resolves.toEqual([open, internal].sort());
    });

    it('reads the published version only: neither a newer draft nor a superseded or retired version', async () => {
      const [published1, draft2, retired] = [word(), word(), word()];
      const id = await published({ title: `Guide ${published1}` });
      await h.database.query(
        `INSERT INTO knowledge.article_versions (article_id, number, state, title, body, body_html, summary, audience, language, author_id)
         VALUES ($1, 2, 'draft', $2, '', '', '', 'public', 'english', 'sam')`,
        [id, `Guide ${draft2}`],
      );
      await h.database.query(`UPDATE knowledge.articles SET latest_version = 2 WHERE id = $1`, [id]);
      await expect(search({ q: published1 }).then(ids)).resolves.toEqual([id]);
      await expect(search({ q: draft2 })).resolves.toEqual({ items: [], nextCursor: null });

      const gone = await published({ title: `Old ${retired}` });
      await h.database.query(`UPDATE knowledge.article_versions SET state = 'retired' WHERE article_id = $1`, [gone]);
      await h.database.query(`UPDATE knowledge.articles SET state = 'retired' WHERE id = $1`, [gone]);
      await expect(search({ q: retired })).resolves.toEqual({ items: [], nextCursor: null });
    });

    it('filters by category (any case), tag and business service', async () => {
      const [term, category, tag] = [word(), word(), word()];
      const service = randomUUID();
      const inCategory = await published({ title: `${term} one`, category });
      const tagged = await published({ title: `${term} two`, tags: [tag] });
      const ofService = await published({ title: `${term} three`, serviceIds: [service] });
      await expect(search({ q: term, category: category.toUpperCase() }).then(ids)).resolves.toEqual([inCategory]);
      await expect(search({ q: term, tag: tag.toUpperCase() }).then(ids)).resolves.toEqual([tagged]);
      await expect(search({ q: term, serviceId: service }).then(ids)).resolves.toEqual([ofService]);
      await expect(search({ q: term }).then((page) => ids(page).sort())).resolves.toEqual([inCategory, tagged, ofService].sort());
    });
  });

  describe('ranking', () => {
    it('ranks a title match above a body match, then by helpfulness, recency and links', async () => {
      const term = word();
      const inBody = await published({ title: 'Unrelated heading', body: `Mentions ${term} once.` });
      const inTitle = await published({ title: `${term} explained`, body: 'Nothing else.' });
      const found = await search({ q: term });
      expect(ids(found)).toEqual([inTitle, inBody]);

      const other = word();
      const plain = await published({ title: `${other} steps`, publishedAt: new Date(Date.now() - DAY_MS) });
      const helpful = await published({ title: `${other} steps`, helpfulCount: 20, notHelpfulCount: 0, publishedAt: new Date(Date.now() - DAY_MS) });
      const old = await published({ title: `${other} steps`, publishedAt: new Date(Date.now() - 700 * DAY_MS) });
      const linked = await published({ title: `${other} steps`, linkCount: 50, helpfulCount: 20, publishedAt: new Date(Date.now() - DAY_MS) });
      const ranked = await search({ q: other });
      expect(ids(ranked)).toEqual([linked, helpful, plain, old]);
      const ranks = ranked.items.map((hit) => hit.rank);
      expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
      expect(ranks[0]).toBeGreaterThan(ranks[1] ?? 0);
    });

    it('pages through ranked results without overlap, and refuses the cursor for another search', async () => {
      const term = word();
      const all: string[] = [];
      for (const name of ['alpha', 'beta', 'gamma', 'delta', 'epsilon']) all.push(await published({ title: `${term} ${name}` }));
      const seen: ArticleHit[] = [];
      let page = await search({ q: term, limit: 2 });
      let cursor: string | undefined;
      for (;;) {
        seen.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
        page = await search({ q: term, limit: 2, cursor });
      }
      expect(seen.map((hit) => hit.id).sort()).toEqual([...all].sort());
      expect(new Set(seen.map((hit) => hit.id)).size).toBe(all.length);
      await expect(search({ q: `${term} alpha`, limit: 2, cursor })).rejects.toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidCursor });
      await expect(search({ q: term, limit: 2, cursor }, alice)).rejects.toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidCursor });
    });
  });

  describe('queries', () => {
    it('refuses a missing or empty q naming it, and a blank one as KNOWLEDGE_QUERY_REQUIRED', async () => {
      await expect(search({ q: '' })).rejects.toMatchObject({ code: ErrorCode.VALIDATION, details: { errors: [expect.objectContaining({ field: 'q' })] } });
      await expect(search({} as SearchArticlesRequest)).rejects.toMatchObject({ code: ErrorCode.VALIDATION, details: { errors: [expect.objectContaining({ field: 'q' })] } });
      await expect(search({ q: '   ' })).rejects.toMatchObject({ code: ErrorCode.VALIDATION, reason: KnowledgeErrorCode.QueryRequired, details: { errors: [expect.objectContaining({ field: 'q' })] } });
    });

    it('answers a query of stop words only with an empty page', async () => {
      await published({ title: 'The printer and the scanner' });
      await expect(search({ q: 'the and of about' })).resolves.toEqual({ items: [], nextCursor: null });
      await expect(search({ q: '"the"' })).resolves.toEqual({ items: [], nextCursor: null });
    });

    it.each([
      "'",
      "it's",
      'a & b',
      'a | b',
      '!printer',
      'print:*',
      ':*',
      '*',
      'back\\slash\\',
      '\\',
      "'; DROP TABLE knowledge.articles; --",
      '(((',
      ')) :* <-> !',
      '"unbalanced quote',
      '-',
      '-printer',
      '""',
      'or',
      '100%',
      '😀 emoji',
      '\u0002\u0003',
      "'printer':* & !'scan'",
      '"'.repeat(200),
      'printer*'.repeat(40),
    ])('survives the hostile query %j', async (q) => {
      await expect(search({ q })).resolves.toMatchObject({ items: expect.any(Array) });
      await expect(search({ q, category: '%', tag: "'" }, alice)).resolves.toMatchObject({ items: expect.any(Array) });
      await expect(h.rpc.call(KnowledgeRpc.suggest, { text: q }, { actor: alice })).resolves.toMatchObject({ items: expect.any(Array) });
    });
  });

  describe('suggestions for a text', () => {
    it('suggests articles matching some words of plain text, best first; requesters get public ones only', async () => {
      const [term, other] = [word(), word()];
      const both = await published({ title: `${term} and ${other}`, audience: ArticleAudience.Public });
      const one = await published({ title: `Only ${other}`, audience: ArticleAudience.Public });
      const internal = await published({ title: `${term} ${other} internals`, audience: ArticleAudience.Internal });
      const text = `My ${term} stopped: "${other}" says it's broken -- help!`;
      const forRequester = await h.rpc.call(KnowledgeRpc.suggest, { text }, { actor: alice });
      expect(forRequester.items.map((item) => item.id).slice(0, 2)).toEqual([both, one]);
      expect(forRequester.items.map((item) => item.id)).not.toContain(internal);
      expect(forRequester.items[0]).toEqual({ id: both, number: expect.stringMatching(/^KB\d{7}$/), title: `${term} and ${other}`, score: expect.any(Number) });
      const forAgent = await h.rpc.call(KnowledgeRpc.suggest, { text }, { actor: sam });
      expect(forAgent.items.map((item) => item.id)).toContain(internal);
      expect(forAgent.items.map((item) => item.id)).toContain(both);
      await expect(h.rpc.call(KnowledgeRpc.suggest, { text: 'the and of' }, { actor: sam })).resolves.toEqual({ items: [] });
    });
  });

  describe('at scale', () => {
    beforeAll(async () => {
      for (const statement of corpusStatements(4000, { batch: 2000 })) await h.database.query(statement);
      // As autovacuum leaves them: statistics, and the GIN indexes' pending lists merged (until then every search reads them whole).
      await h.database.query('VACUUM (ANALYZE) knowledge.articles');
      await h.database.query('VACUUM (ANALYZE) knowledge.article_versions');
    });

    async function plan(q: string): Promise<string> {
      const statement = searchStatement(q, { audience: ArticleAudience.Public }, { limit: 11, offset: 0 });
      if (!statement) throw new Error(`${q} asks for nothing`);
      return h.transaction(async (manager) => {
        await manager.query(SEARCH_SETTINGS);
        const rows = await manager.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${statement.sql}`, statement.params);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
    }

    it('finds matches with the head, full-text and trigram GIN indexes of published versions, not by reading every row', async () => {
      // `update` is in most of the corpus: reading every row would look cheaper to the planner, and is not.
      for (const q of ['korvantel', 'clicking noise', 'priner', '"paper jam"', 'netw*', 'update']) {
        const text = await plan(q);
        expect(text).toContain('article_versions_head_english_idx');
        expect(text).toContain('article_versions_head_simple_idx');
        expect(text).toContain('article_versions_search_english_idx');
        expect(text).toContain('article_versions_search_simple_idx');
        expect(text).not.toMatch(/Seq Scan on article_versions/);
      }
      await expect(plan('priner')).resolves.toContain('article_versions_title_trgm_idx');
    });

    it('suggests from the head matches first with their index, reading the body-only matches only when those are too few', async () => {
      const statement = suggestionStatement(anyWordQuery('My laptop does not start after the Windows update'), {
        audience: ArticleAudience.Internal,
        limit: 5,
        categories: [],
        ciIds: [],
      });
      if (!statement) throw new Error('the text has words');
      const plan = await h.transaction(async (manager) => {
        await manager.query(SEARCH_SETTINGS);
        const rows = await manager.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${statement.sql}`, statement.params);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('article_versions_head_english_idx');
      expect(plan).not.toMatch(/Seq Scan on article_versions/);
      // Hundreds of heads name one of these words: the scan of the whole vectors is planned, and never started.
      expect(plan).toMatch(/CTE tier2\n\s*->\s*Limit \(never executed\)/);
    });

    it('compares with titles only the words that fewer than three published articles contain', async () => {
      const repository = h.get(SearchRepository);
      await expect(h.transaction((manager) => repository.typoTolerant(manager, ['printer', 'priner', 'update', 'outlok', 'korvantel']))).resolves.toEqual(['priner', 'outlok']);
    });

    it('keeps one order across the ranked pool and what follows it, so pages neither overlap nor skip', async () => {
      const scope = { audience: ArticleAudience.Internal };
      const run = (offset: number, limit: number) => {
        const statement = searchStatement('update', scope, { limit, offset }, []);
        if (!statement) throw new Error('update asks for nothing');
        return h.transaction(async (manager) => {
          await manager.query(SEARCH_SETTINGS);
          return (await manager.query<Array<{ id: string; rank: number }>>(statement.sql, statement.params)).map((row) => row.id);
        });
      };
      const all = await run(0, RANKED_POOL + 200);
      expect(all.length).toBe(RANKED_POOL + 200);
      expect(new Set(all).size).toBe(all.length);
      for (const offset of [0, RANKED_POOL - 5, RANKED_POOL + 50]) await expect(run(offset, 10)).resolves.toEqual(all.slice(offset, offset + 10));
    });

    it('puts every article naming the words in its title, tags or summary before those naming them only in the body', async () => {
      const [counted] = await h.database.query<{ head: number }>(
        `SELECT count(*)::int AS head FROM knowledge.article_versions WHERE state = 'published' AND head @@ websearch_to_tsquery(language::regconfig, 'update')`,
      );
      const head = counted?.head ?? 0;
      expect(head).toBeGreaterThan(RANKED_POOL);
      const statement = searchStatement('update', { audience: ArticleAudience.Internal }, { limit: head + 50, offset: 0 }, []);
      if (!statement) throw new Error('update asks for nothing');
      const ids = await h.transaction(async (manager) => {
        await manager.query(SEARCH_SETTINGS);
        return (await manager.query<Array<{ id: string }>>(statement.sql, statement.params)).map((row) => row.id);
      });
      expect(ids.length).toBe(head + 50);
      const inHead = await h.database.query<{ article_id: string; in_head: boolean }>(
        `SELECT article_id, head @@ websearch_to_tsquery(language::regconfig, 'update') AS in_head
           FROM knowledge.article_versions WHERE state = 'published' AND article_id = ANY($1::uuid[])`,
        [ids],
      );
      const byId = new Map(inHead.map((row) => [row.article_id, row.in_head]));
      expect(ids.map((id) => byId.get(id))).toEqual([...Array<boolean>(head).fill(true), ...Array<boolean>(50).fill(false)]);
    });

    it('finds corpus articles by a typo and a prefix among thousands', async () => {
      const typo = await search({ q: 'priner', limit: 5 });
      expect(typo.items.length).toBe(5);
      for (const hit of typo.items) expect(hit.title.toLowerCase()).toContain('printer');
      const prefix = await search({ q: 'docking stat*', limit: 5 });
      for (const hit of prefix.items) expect(`${hit.title} ${hit.snippet}`.toLowerCase()).toMatch(/docking/);
    });
  });
});
