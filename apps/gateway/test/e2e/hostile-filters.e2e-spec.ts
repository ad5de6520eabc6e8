/**
 * Filters and searches take what they are given as data, never as SQL or pattern syntax: records whose titles and
 * names hold `%`, `_`, `\` and `'` are found by exactly those characters, and an injection attempt finds nothing and
 * breaks nothing. The built gateway, incident, CMDB and knowledge services as processes, real NATS and PostgreSQL.
 */
import { ArticleAudience, type ArticleHitPage, ArticleState, type ArticleView, type CiView, Impact, type IncidentView, Role, Urgency } from '@itsm/contracts';
import { mintToken, recordReliability } from '@itsm/testing';
import { GatewayClient, type Page, type Reply } from './client';
import { type RunningSuite, startSuite } from './suite';

const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent], groups: ['service-desk'] });
/** A reviewer by group (KNOWLEDGE_REVIEWER_GROUP's default), who can publish what Sam submits. */
const rita = mintToken({ sub: 'rita', name: 'Rita Reviewer', roles: [Role.Agent], groups: ['service-desk', 'knowledge-reviewers'] });

const INJECTION = "'); DROP TABLE incident.incidents; --";

/** Names with each character that means something to LIKE or to SQL, and look-alikes that must not match for them. */
const NAMES = {
  percent: 'disk 100% full',
  percentLookAlike: 'disk 1000 full',
  underscore: 'app_server',
  underscoreLookAlike: 'appXserver',
  backslash: 'share \\\\fileserver\\finance',
  quote: "o'brien laptop",
};

describe('hostile strings in filters and searches are data, not syntax', () => {
  let suite: RunningSuite;
  let client: GatewayClient;
  /** Searches and filters asked, and those answered as required, for the reliability report. */
  const tally = { operations: 0, ok: 0 };

  const call = <T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<Reply<T>> => client.call<T>(method, path, token, { body });

  /** The texts of the items a list or search answers with 200; counted as answered as required once `expected` holds. */
  async function found<T>(path: string, textOf: (item: T) => string, expected: (texts: string[]) => void): Promise<void> {
    tally.operations += 1;
    const reply = await call<Page<T>>('GET', path, sam);
    expect({ path, status: reply.status }).toEqual({ path, status: 200 });
    expected(reply.body.items.map(textOf));
    tally.ok += 1;
  }

  /** Every text holds `character`: a pattern character taken literally, never a wildcard matching everything. */
  const onlyWith = (character: string) => (texts: string[]) => expect(texts.filter((text) => !text.includes(character))).toEqual([]);
  const exactly = (expected: string[]) => (texts: string[]) => expect([...texts].sort()).toEqual([...expected].sort());

  beforeAll(async () => {
    suite = await startSuite(['incident', 'cmdb', 'knowledge']);
    client = new GatewayClient(suite.baseUrl);
  }, 180_000);

  afterAll(async () => {
    recordReliability({ group: 'input', name: 'hostile strings in filters and search', runs: 1, operations: tally.operations, ok: tally.ok, lost: 0, duplicated: 0, unexpected: tally.operations - tally.ok });
    await suite?.stop();
  }, 60_000);

  describe('CIs by part of their name', () => {
    beforeAll(async () => {
      for (const name of Object.values(NAMES)) {
        const created = await call<CiView>('POST', '/v1/cis', sam, { className: 'server', name, environment: 'prod' });
        expect({ name, status: created.status }).toEqual({ name, status: 201 });
      }
    });

    const names = (q: string, expected: (texts: string[]) => void): Promise<void> => found<CiView>(`/v1/cis?limit=200&q=${encodeURIComponent(q)}`, (ci) => ci.name, expected);

    it('finds by % only the names with a literal %', async () => {
      await names('%', exactly([NAMES.percent]));
      await names('100%', exactly([NAMES.percent]));
    });

    it('finds by _ only the names with a literal _, not any one character', async () => {
      await names('_', exactly([NAMES.underscore]));
      await names('app_server', exactly([NAMES.underscore]));
    });

    it('finds by \\ and by a quote the names that hold them', async () => {
      await names('\\', exactly([NAMES.backslash]));
      await names('\\\\fileserver', exactly([NAMES.backslash]));
      await names("o'brien", exactly([NAMES.quote]));
    });

    it('finds nothing for an injection attempt', async () => {
      await names(INJECTION, exactly([]));
    });
  });

  describe('incidents by words of their title and by their group', () => {
    beforeAll(async () => {
      // Group names take letters, digits and `_` but no `%`: `opsX1` is what `ops_1` would match as a LIKE pattern.
      const assignmentGroups = ['ops_1', 'opsX1'];
      for (const [index, title] of Object.values(NAMES).entries()) {
        const created = await call<IncidentView>('POST', '/v1/incidents', sam, { title, impact: Impact.Low, urgency: Urgency.Low, assignmentGroup: assignmentGroups[index % assignmentGroups.length] });
        expect({ title, status: created.status }).toEqual({ title, status: 201 });
      }
    });

    const titles = (query: string, expected: (texts: string[]) => void): Promise<void> => found<IncidentView>(`/v1/incidents?limit=200&${query}`, (incident) => incident.title, expected);
    const groups = (group: string, expected: (texts: string[]) => void): Promise<void> =>
      found<IncidentView>(`/v1/incidents?limit=200&assignmentGroup=${encodeURIComponent(group)}`, (incident) => incident.assignmentGroup ?? '', expected);

    it('finds by % and by _ only titles that hold them, never every incident', async () => {
      await titles(`q=${encodeURIComponent('%')}`, onlyWith('%'));
      await titles(`q=${encodeURIComponent('_')}`, onlyWith('_'));
    });

    it('finds by words next to \\ and a quote the titles that hold them', async () => {
      await titles(`q=${encodeURIComponent('\\\\fileserver')}`, exactly([NAMES.backslash]));
      await titles(`q=${encodeURIComponent("o'brien")}`, exactly([NAMES.quote]));
    });

    it('takes a group with _ or % as the exact group, not as a pattern', async () => {
      await groups('ops_1', exactly(['ops_1', 'ops_1', 'ops_1']));
      await groups('ops%', exactly([]));
      await groups('%', exactly([]));
      await groups('ops\\', exactly([]));
    });

    it('finds nothing for an injection attempt, and the incidents are all still there', async () => {
      await titles(`q=${encodeURIComponent(INJECTION)}`, exactly([]));
      await groups(INJECTION, exactly([]));
      await titles('sort=-createdAt', exactly(Object.values(NAMES)));
    });
  });

  describe('published knowledge articles by search', () => {
    beforeAll(async () => {
      for (const title of Object.values(NAMES)) {
        const written = await call<ArticleView>('POST', '/v1/knowledge/articles', sam, {
          title: `Recovering ${title}`,
          body: `## Steps\n\nWhat to do about ${title}.\n`,
          category: 'storage',
          audience: ArticleAudience.Internal,
        });
        expect({ title, status: written.status }).toEqual({ title, status: 201 });
        const submitted = await call<ArticleView>('POST', `/v1/knowledge/articles/${written.body.id}/transitions`, sam, { to: ArticleState.InReview });
        expect(submitted.status).toBe(200);
        const published = await call<ArticleView>('POST', `/v1/knowledge/articles/${written.body.id}/transitions`, rita, { to: ArticleState.Published });
        expect(published.body).toMatchObject({ state: ArticleState.Published });
      }
    });

    const search = (q: string, expected: (texts: string[]) => void): Promise<void> =>
      found<ArticleHitPage['items'][number]>(`/v1/knowledge/search?q=${encodeURIComponent(q)}`, (hit) => hit.title, expected);

    it('finds by % and by _ only articles that hold them, never every article', async () => {
      await search('%', onlyWith('%'));
      await search('_', onlyWith('_'));
    });

    it('finds by words next to \\ and a quote the articles that hold them', async () => {
      // Search also ranks titles by similarity: what must hold is that the article with the word comes first.
      await search('\\\\fileserver', (titles) => expect(titles[0]).toBe(`Recovering ${NAMES.backslash}`));
      await search("o'brien", (titles) => expect(titles[0]).toBe(`Recovering ${NAMES.quote}`));
    });

    it('finds nothing for an injection attempt, and the incident table is still there', async () => {
      await search(INJECTION, exactly([]));
      tally.operations += 1;
      const incidents = await call<Page<IncidentView>>('GET', '/v1/incidents?limit=1', sam);
      expect(incidents.status).toBe(200);
      expect(incidents.body.items).toHaveLength(1);
      tally.ok += 1;
    });
  });
});
