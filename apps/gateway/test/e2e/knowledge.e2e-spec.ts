/**
 * Knowledge management as its authors, reviewers and readers see it: the built gateway, knowledge, incident, problem
 * and CMDB services as processes, real NATS and PostgreSQL; what subscribers see is read back from the stream.
 */
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders } from 'nats';
import {
  ArticleAudience,
  type ArticleCreatedV1,
  type ArticleDiff,
  type ArticleHitPage,
  type ArticlePage,
  type ArticlePublishedV1,
  ArticleState,
  type ArticleVersionList,
  type ArticleVersionView,
  type ArticleView,
  type CiView,
  type CloudEvent,
  DiffOp,
  ErrorCode,
  EVENTS_STREAM,
  Impact,
  type IncidentView,
  KnowledgeErrorCode,
  KnowledgeEvents,
  type KnowledgeSuggestedV1,
  KnowledgeTicketType,
  type KnownErrorView,
  MAX_ARTICLE_BODY,
  MessageHeaders,
  ProblemEvents,
  ProblemResolutionCode,
  ProblemState,
  type ProblemView,
  Role,
  type SuggestionList,
  Urgency,
} from '@itsm/contracts';
import { mintToken, readEvents, type StoredMessage, waitFor } from '@itsm/testing';
import { GatewayClient, type Reply } from './client';
import { type RunningSuite, startSuite } from './suite';

/** The reviewer group of the knowledge service's default settings (KNOWLEDGE_REVIEWER_GROUP). */
const REVIEWER_GROUP = 'knowledge-reviewers';

const alice = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] });
/** The author of the hand-written articles: an agent who is no reviewer. */
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent], groups: ['service-desk'] });
/** A reviewer by group: an agent in the reviewer group. */
const rita = mintToken({ sub: 'rita', name: 'Rita Reviewer', roles: [Role.Agent], groups: ['service-desk', REVIEWER_GROUP] });
const maria = mintToken({ sub: 'maria', name: 'Maria Manager', roles: [Role.Manager] });
/** An agent in no reviewer group. */
const tom = mintToken({ sub: 'tom', name: 'Tom Agent', roles: [Role.Agent], groups: ['network'] });

const SERVICES = ['incident', 'cmdb', 'problem', 'knowledge'] as const;
/** The durable consumer through which the knowledge service drafts articles from known errors. */
const KNOWN_ERRORS_CONSUMER = 'knowledge-known-errors';
const WAIT = { timeoutMs: 30_000 };
/** The gateway's JSON limit (BODY_LIMIT_BYTES' default): a request body over it is refused before any service is asked. */
const GATEWAY_BODY_LIMIT = 1_048_576;

const PRINTER_TITLE = 'Printers stop printing after the spooler update';
const PRINTER_BODY_V1 = [
  '## Restore printing',
  '',
  'After the monthly spooler update, jobs stay queued and printers show *Offline*.',
  '',
  '- Open Services and restart the Print Spooler service.',
  '- Print a test page.',
  '',
].join('\n');
/** Version 2: one step reworded and one added; the new step names a folder no other article mentions. */
const PRINTER_BODY_V2 = [
  '## Restore printing',
  '',
  'After the monthly spooler update, jobs stay queued and printers show *Offline*.',
  '',
  '- Open Services and restart the Print Spooler service.',
  '- Empty the spool folder C:\\Windows\\System32\\spool\\PRINTERS.',
  '- Print a test page from the printer properties.',
  '',
].join('\n');

interface ProblemBody {
  status: number;
  code: ErrorCode;
  reason?: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

/** The start tags of an HTML text (whose text parts are escaped, so every `<` opens a tag). */
const startTags = (html: string): Array<{ name: string; attributes: string }> =>
  [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)].map((match) => ({ name: (match[1] ?? '').toLowerCase(), attributes: match[2] ?? '' }));

describe('knowledge management through the gateway, with the knowledge, incident, problem and CMDB services behind it', () => {
  let suite: RunningSuite;
  let client: GatewayClient;

  /** The gateway's API with a JSON body and optional headers. */
  const call = <T = unknown>(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> =>
    client.call<T>(method, path, token, { body, headers });

  function expectProblem(reply: Reply, status: number, code: ErrorCode, reason?: string): ProblemBody {
    expect({ status: reply.status, contentType: reply.headers.get('content-type') }).toEqual({ status, contentType: expect.stringContaining('application/problem+json') });
    const problem = reply.body as ProblemBody;
    expect(problem).toMatchObject({ status, code, ...(reason === undefined ? {} : { reason }) });
    return problem;
  }

  async function write(fields: Record<string, unknown>, token = sam): Promise<ArticleView> {
    const reply = await call<ArticleView>('POST', '/v1/knowledge/articles', token, fields);
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe(`/v1/knowledge/articles/${reply.body.id}`);
    expect(reply.body).toMatchObject({ state: ArticleState.Draft, articleVersion: 1, publishedVersion: null });
    return reply.body;
  }

  function transition(id: string, to: ArticleState, token: string, comment?: string): Promise<Reply<ArticleView>> {
    return call<ArticleView>('POST', `/v1/knowledge/articles/${id}/transitions`, token, { to, ...(comment === undefined ? {} : { comment }) });
  }

  async function moveTo(id: string, to: ArticleState, token: string): Promise<ArticleView> {
    const reply = await transition(id, to, token);
    expect(reply.status).toBe(200);
    return reply.body;
  }

  /** Written by `author`, submitted by them and approved by Rita: published. */
  async function publish(fields: Record<string, unknown>, author = sam): Promise<ArticleView> {
    const written = await write(fields, author);
    await moveTo(written.id, ArticleState.InReview, author);
    const published = await moveTo(written.id, ArticleState.Published, rita);
    expect(published).toMatchObject({ state: ArticleState.Published, publishedVersion: 1 });
    return published;
  }

  function getArticle(id: string, token: string): Promise<Reply<ArticleView>> {
    return call<ArticleView>('GET', `/v1/knowledge/articles/${id}`, token);
  }

  async function search(q: string, token: string): Promise<ArticleHitPage> {
    const reply = await call<ArticleHitPage>('GET', `/v1/knowledge/search?q=${encodeURIComponent(q)}`, token);
    expect({ q, status: reply.status }).toEqual({ q, status: 200 });
    return reply.body;
  }

  const found = async (q: string, token: string): Promise<string[]> => (await search(q, token)).items.map((hit) => hit.id);

  async function events<T>(event: { subject: string }, about?: string): Promise<Array<StoredMessage<CloudEvent<T>>>> {
    const stored = (await readEvents(suite.nc, event.subject)) as Array<StoredMessage<CloudEvent<T>>>;
    return about === undefined ? stored : stored.filter((message) => message.body.subject === about);
  }

  /** Waits until the events of a kind about one record number `count`, and returns them. */
  function eventsWhen<T>(event: { subject: string }, about: string, count: number): Promise<Array<StoredMessage<CloudEvent<T>>>> {
    return waitFor(
      async () => {
        const stored = await events<T>(event, about);
        return stored.length === count ? stored : undefined;
      },
      { ...WAIT, what: `${count} ${event.subject} about ${about}` },
    );
  }

  /**
   * Publishes each stored event again as a redelivery would bring it: the same envelope (same id) and headers, but
   * without `Nats-Msg-Id`, so that JetStream stores it a second time. Returns the stream sequence of the last copy.
   */
  async function publishAgain(messages: Array<StoredMessage<CloudEvent>>): Promise<number> {
    const js = suite.nc.jetstream();
    let last = 0;
    for (const message of messages) {
      const headers = natsHeaders();
      for (const [key, value] of Object.entries(message.headers)) {
        if (key.toLowerCase() !== MessageHeaders.msgId.toLowerCase()) headers.set(key, value);
      }
      last = (await js.publish(message.subject, JSON.stringify(message.body), { headers })).seq;
    }
    return last;
  }

  /** Waits until a durable consumer has acknowledged every stored message up to `seq`. */
  async function consumerTookUpTo(consumer: string, seq: number): Promise<void> {
    const jsm = await suite.nc.jetstreamManager();
    await waitFor(
      async () => {
        const info = await jsm.consumers.info(EVENTS_STREAM, consumer);
        return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 ? info : undefined;
      },
      { ...WAIT, what: `${consumer} to acknowledge up to stream sequence ${seq}` },
    );
  }

  beforeAll(async () => {
    suite = await startSuite(SERVICES);
    client = new GatewayClient(suite.baseUrl);
  }, 90_000);

  afterAll(async () => {
    await expect(suite.stop()).resolves.toEqual({ incident: 0, cmdb: 0, problem: 0, knowledge: 0, gateway: 0 });
  }, 30_000);

  /** The public article about printers, written by Sam and reviewed by Rita, in two versions. */
  let printers: ArticleView;
  /** A published internal article about printers, for agents only. */
  let internalPrinters: ArticleView;

  describe('the review of an article and its versions', () => {
    it('takes an article from draft through review to published, refusing its author as reviewer', async () => {
      printers = await write({ title: PRINTER_TITLE, body: PRINTER_BODY_V1, summary: 'What to do when printing stops after the spooler update.', category: 'printing', tags: ['printer', 'spooler'], audience: ArticleAudience.Public });
      expect(printers).toMatchObject({ title: PRINTER_TITLE, body: PRINTER_BODY_V1, authorId: 'sam', ownerId: 'sam', tags: ['printer', 'spooler'], audience: ArticleAudience.Public, language: 'english' });
      expect(printers.number).toMatch(/^KB\d{7}$/);
      expect(printers.bodyHtml).toContain('<h2>Restore printing</h2>');
      expect(printers.bodyHtml).toMatch(/<ul>\s*<li>Open Services and restart the Print Spooler service\.<\/li>\s*<li>Print a test page\.<\/li>\s*<\/ul>/);
      expect(printers.bodyHtml).toContain('<em>Offline</em>');
      // A draft is the author's: a requester cannot tell it exists.
      expectProblem(await getArticle(printers.id, alice), 404, ErrorCode.NOT_FOUND, KnowledgeErrorCode.ArticleNotFound);

      const submitted = await moveTo(printers.id, ArticleState.InReview, sam);
      expect(submitted).toMatchObject({ state: ArticleState.InReview, publishedVersion: null });

      const own = expectProblem(await transition(printers.id, ArticleState.Published, sam), 403, ErrorCode.FORBIDDEN, KnowledgeErrorCode.SelfReview);
      expect(own.detail).not.toBe('');
      const notReviewer = expectProblem(await transition(printers.id, ArticleState.Published, tom), 403, ErrorCode.FORBIDDEN, KnowledgeErrorCode.ReviewerRequired);
      expect(JSON.stringify(notReviewer)).toContain(REVIEWER_GROUP);
      expect((await getArticle(printers.id, sam)).body).toMatchObject({ state: ArticleState.InReview, publishedVersion: null, version: submitted.version });

      const approved = await transition(printers.id, ArticleState.Published, rita, 'Clear steps.');
      expect(approved.status).toBe(200);
      expect(approved.headers.get('etag')).toBe(`"${approved.body.version}"`);
      expect(approved.body).toMatchObject({ state: ArticleState.Published, articleVersion: 1, publishedVersion: 1, authorId: 'sam' });
      expect(approved.body.publishedAt).not.toBeNull();
      printers = approved.body;

      const read = await getArticle(printers.id, alice);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: printers.id, title: PRINTER_TITLE, body: PRINTER_BODY_V1, state: ArticleState.Published, articleVersion: 1 });

      const [created] = await eventsWhen<ArticleCreatedV1>(KnowledgeEvents.created, printers.id, 1);
      expect(created?.body.data.article).toMatchObject({ id: printers.id, state: ArticleState.Draft });
      await eventsWhen(KnowledgeEvents.submitted, printers.id, 1);
      const [published] = await eventsWhen<ArticlePublishedV1>(KnowledgeEvents.published, printers.id, 1);
      expect(published?.body.data).toMatchObject({ articleVersion: 1, article: { id: printers.id, publishedVersion: 1 } });
    });

    it('keeps showing readers version 1 while version 2 is a draft, and lists and compares the versions', async () => {
      const edited = await call<ArticleView>('PATCH', `/v1/knowledge/articles/${printers.id}`, sam, { body: PRINTER_BODY_V2 }, { 'if-match': `"${printers.version}"` });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ articleVersion: 2, publishedVersion: 1, state: ArticleState.Published, body: PRINTER_BODY_V2 });
      expect(edited.body.bodyHtml).toContain('spool folder');

      // Readers: the published version, in the article and in search.
      const read = await getArticle(printers.id, alice);
      expect(read.body).toMatchObject({ articleVersion: 1, body: PRINTER_BODY_V1 });
      expect(read.body.bodyHtml).not.toContain('spool folder');
      expect(await found('folder', alice)).toEqual([]);
      expect(await found('folder', sam)).toEqual([]);

      const versions = await call<ArticleVersionList>('GET', `/v1/knowledge/articles/${printers.id}/versions`, sam);
      expect(versions.status).toBe(200);
      expect(versions.body.items.map(({ articleVersion, state, authorId }) => ({ articleVersion, state, authorId }))).toEqual([
        { articleVersion: 1, state: ArticleState.Published, authorId: 'sam' },
        { articleVersion: 2, state: ArticleState.Draft, authorId: 'sam' },
      ]);
      expect(versions.body.items[1]?.publishedAt).toBeNull();
      const first = await call<ArticleVersionView>('GET', `/v1/knowledge/articles/${printers.id}/versions/1`, sam);
      expect(first.body).toMatchObject({ articleVersion: 1, body: PRINTER_BODY_V1, state: ArticleState.Published });

      const diff = await call<ArticleDiff>('GET', `/v1/knowledge/articles/${printers.id}/diff?from=1&to=2`, sam);
      expect(diff.status).toBe(200);
      expect(diff.body).toMatchObject({ from: 1, to: 2 });
      expect(diff.body.title.every((part) => part.op === DiffOp.Equal)).toBe(true);
      const text = (op: DiffOp) => diff.body.body.filter((part) => part.op === op).map((part) => part.text).join('');
      expect(text(DiffOp.Remove)).toBe('- Print a test page.\n');
      expect(text(DiffOp.Add)).toBe('- Empty the spool folder C:\\Windows\\System32\\spool\\PRINTERS.\n- Print a test page from the printer properties.\n');
      expect(text(DiffOp.Equal)).toContain('- Open Services and restart the Print Spooler service.\n');
      expectProblem(await call('GET', `/v1/knowledge/articles/${printers.id}/diff?from=1&to=3`, sam), 404, ErrorCode.NOT_FOUND, KnowledgeErrorCode.VersionNotFound);
      // Versions are for agents.
      expectProblem(await call('GET', `/v1/knowledge/articles/${printers.id}/versions`, alice), 403, ErrorCode.FORBIDDEN);
      printers = edited.body;
    });

    it('makes version 2 current once it is reviewed and published, after one round sent back with a comment', async () => {
      await moveTo(printers.id, ArticleState.InReview, sam);
      expectProblem(await transition(printers.id, ArticleState.Published, sam), 403, ErrorCode.FORBIDDEN, KnowledgeErrorCode.SelfReview);
      expectProblem(await transition(printers.id, ArticleState.Draft, rita), 422, ErrorCode.UNPROCESSABLE, KnowledgeErrorCode.CommentRequired);
      const sentBack = await transition(printers.id, ArticleState.Draft, rita, 'Say where the printer properties are.');
      expect(sentBack.status).toBe(200);
      expect(sentBack.body).toMatchObject({ state: ArticleState.Published, articleVersion: 2, publishedVersion: 1 });
      const drafts = await call<ArticleVersionList>('GET', `/v1/knowledge/articles/${printers.id}/versions`, sam);
      expect(drafts.body.items.map(({ articleVersion, state }) => ({ articleVersion, state }))).toEqual([
        { articleVersion: 1, state: ArticleState.Published },
        { articleVersion: 2, state: ArticleState.Draft },
      ]);
      await moveTo(printers.id, ArticleState.InReview, sam);
      // Still version 1 for readers while version 2 waits for review.
      expect((await getArticle(printers.id, alice)).body).toMatchObject({ articleVersion: 1, body: PRINTER_BODY_V1 });

      printers = await moveTo(printers.id, ArticleState.Published, rita);
      expect(printers).toMatchObject({ state: ArticleState.Published, articleVersion: 2, publishedVersion: 2 });
      expect((await getArticle(printers.id, alice)).body).toMatchObject({ articleVersion: 2, publishedVersion: 2, body: PRINTER_BODY_V2 });
      expect(await found('folder', alice)).toEqual([printers.id]);

      const versions = await call<ArticleVersionList>('GET', `/v1/knowledge/articles/${printers.id}/versions`, sam);
      expect(versions.body.items.map(({ articleVersion, state }) => ({ articleVersion, state }))).toEqual([
        { articleVersion: 1, state: ArticleState.Retired },
        { articleVersion: 2, state: ArticleState.Published },
      ]);
      const published = await eventsWhen<ArticlePublishedV1>(KnowledgeEvents.published, printers.id, 2);
      expect(published.map((message) => message.body.data.articleVersion)).toEqual([1, 2]);
    });
  });

  describe('search', () => {
    beforeAll(async () => {
      internalPrinters = await publish({
        title: 'Printer firmware rollback for the finance floor',
        body: '## Roll back\n\nWhen printing fails on the finance floor, roll the firmware back to 4.1 from the admin console.\n',
        category: 'printing',
        audience: ArticleAudience.Internal,
      });
    });

    it('finds the public article by a stemmed word, with the words found marked in the snippet', async () => {
      const page = await search('printing', alice);
      expect(page.items.map((hit) => hit.id)).toEqual([printers.id]);
      expect(page.items[0]).toMatchObject({ number: printers.number, title: PRINTER_TITLE, articleVersion: 2, audience: ArticleAudience.Public });
      expect(page.items[0]?.snippet).toMatch(/<mark>print(ing)?<\/mark>/i);
      expect((await found('printing', sam)).sort()).toEqual([printers.id, internalPrinters.id].sort());
    });

    it('finds it by a phrase, in its order only', async () => {
      const page = await search('"spooler update"', alice);
      expect(page.items.map((hit) => hit.id)).toEqual([printers.id]);
      expect(page.items[0]?.snippet).toContain('<mark>');
      expect(await found('"update spooler"', alice)).toEqual([]);
    });

    it('finds it by a word prefix', async () => {
      expect(await found('offl*', alice)).toEqual([printers.id]);
      expect(await found('offl:*', alice)).toEqual([printers.id]);
      expect(await found('offl', alice)).toEqual([]);
    });

    it('finds it despite a one-letter typo', async () => {
      expect(await found('priner', alice)).toEqual([printers.id]);
      expect((await found('priner', sam)).sort()).toEqual([printers.id, internalPrinters.id].sort());
      expect(await found('scanner', alice)).toEqual([]);
    });

    it('keeps an internal article from a requester, in search and by id, as if it did not exist', async () => {
      expect(await found('firmware', alice)).toEqual([]);
      expect(await found('firmware', sam)).toEqual([internalPrinters.id]);
      expect((await getArticle(internalPrinters.id, sam)).status).toBe(200);

      const hidden = expectProblem(await getArticle(internalPrinters.id, alice), 404, ErrorCode.NOT_FOUND, KnowledgeErrorCode.ArticleNotFound);
      const missing = expectProblem(await getArticle(randomUUID(), alice), 404, ErrorCode.NOT_FOUND, KnowledgeErrorCode.ArticleNotFound);
      const shape = ({ status, code, reason, title }: ProblemBody) => ({ status, code, reason, title });
      expect(shape(hidden)).toEqual(shape(missing));
      const listed = await call<ArticlePage>('GET', '/v1/knowledge/articles?limit=200', alice);
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((article) => article.id)).not.toContain(internalPrinters.id);
      expect(listed.body.items.map((article) => article.id)).toContain(printers.id);
    });

    it('refuses an empty or blank query with 400 naming q', async () => {
      for (const path of ['/v1/knowledge/search?q=', '/v1/knowledge/search', '/v1/knowledge/search?q=%20%20']) {
        const refused = expectProblem(await call('GET', path, alice), 400, ErrorCode.VALIDATION);
        expect({ path, fields: refused.errors?.map((error) => error.field) }).toEqual({ path, fields: ['q'] });
      }
    });

    it('answers a query of stop words only with no hits, not an error', async () => {
      expect(await search('the and of', alice)).toEqual({ items: [], nextCursor: null });
    });

    it.each([["'"], ['&'], ['|'], ['!'], [':*'], ['\\'], ["printer's"], ['printing & spooler'], ['printing | !spooler'], ['spool:*'], ['C:\\Windows\\'], ["'\\'':*&|!()<->"]])(
      'answers the query %s without a server error',
      async (q) => {
        for (const token of [alice, sam]) {
          const reply = await call<ArticleHitPage>('GET', `/v1/knowledge/search?q=${encodeURIComponent(q)}`, token);
          expect({ q, status: reply.status }).toEqual({ q, status: 200 });
          expect(Array.isArray(reply.body.items)).toBe(true);
        }
      },
    );
  });

  describe('bad input', () => {
    it('keeps a hostile body as written and renders it without active content', async () => {
      const body = [
        '## Hostile',
        '',
        '<script>alert(1)</script>',
        '',
        '<img src=x onerror=alert(1)>',
        '',
        '[x](javascript:alert(1))',
        '',
        '[safe](https://example.com/help)',
        '',
      ].join('\n');
      const written = await write({ title: 'Markup that must stay inert', body });
      expect(written.body).toBe(body);
      const read = await getArticle(written.id, sam);
      expect(read.body.body).toBe(body);

      for (const html of [written.bodyHtml, read.body.bodyHtml]) {
        const tags = startTags(html);
        expect(tags.filter((tag) => tag.name === 'script' || tag.name === 'img')).toEqual([]);
        expect(tags.filter((tag) => /\son[a-z]+\s*=/i.test(tag.attributes))).toEqual([]);
        expect(tags.filter((tag) => /\b(href|src)\s*=\s*["']?\s*javascript:/i.test(tag.attributes))).toEqual([]);
        expect(html).not.toMatch(/<script/i);
        expect(html).not.toMatch(/<[^>]*onerror/i);
        expect(html).not.toMatch(/<[^>]*javascript:/i);
        // What was not rendered as markup is shown as text, escaped.
        expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
        expect(html).toContain('<a href="https://example.com/help"');
      }
    });

    it('refuses a body over the article limit with 422 naming it, and one over the gateway limit with 413, writing nothing', async () => {
      const before = await client.all<ArticleView>('/v1/knowledge/articles', sam);

      const megabyte = `# Huge\n\n${'x'.repeat(1_000_000 - 8)}`;
      expect(megabyte.length).toBe(1_000_000);
      const tooLong = expectProblem(await call('POST', '/v1/knowledge/articles', sam, { title: 'A very long article', body: megabyte }), 422, ErrorCode.UNPROCESSABLE, KnowledgeErrorCode.BodyTooLarge);
      expect(tooLong).toMatchObject({ maxLength: MAX_ARTICLE_BODY, field: 'body' });
      expect(tooLong.detail).toContain(String(MAX_ARTICLE_BODY));
      const justOver = expectProblem(
        await call('PATCH', `/v1/knowledge/articles/${printers.id}`, sam, { body: 'y'.repeat(MAX_ARTICLE_BODY + 1) }),
        422,
        ErrorCode.UNPROCESSABLE,
        KnowledgeErrorCode.BodyTooLarge,
      );
      expect(justOver.maxLength).toBe(MAX_ARTICLE_BODY);

      const overGateway = `# Huge\n\n${'All work and no play. '.repeat(50_000)}`;
      expect(overGateway.length).toBeGreaterThan(GATEWAY_BODY_LIMIT);
      expectProblem(await call('POST', '/v1/knowledge/articles', sam, { title: 'A very long article', body: overGateway }), 413, ErrorCode.VALIDATION);

      const after = await client.all<ArticleView>('/v1/knowledge/articles', sam);
      expect(after.map((article) => article.id).sort()).toEqual(before.map((article) => article.id).sort());
      expect((await getArticle(printers.id, sam)).body).toMatchObject({ articleVersion: 2, body: PRINTER_BODY_V2, version: printers.version });

      const atLimit = await write({ title: 'An article exactly at the limit', body: 'z'.repeat(MAX_ARTICLE_BODY) });
      expect(atLimit.body).toHaveLength(MAX_ARTICLE_BODY);
    });
  });

  describe('suggestions', () => {
    let vpn: ArticleView;
    let internalVpn: ArticleView;

    beforeAll(async () => {
      vpn = await publish({
        title: 'VPN connection drops every few minutes',
        body: '## Keep the VPN connected\n\n- Turn off Wi-Fi power saving.\n- Update the VPN client to 5.2.\n',
        summary: 'When the VPN drops again and again on a home network.',
        category: 'network',
        tags: ['vpn'],
        audience: ArticleAudience.Public,
      });
      internalVpn = await publish({
        title: 'VPN concentrator drops tunnels under load',
        body: '## For the network team\n\nThe concentrator drops VPN tunnels above 256 sessions; fail over to the secondary.\n',
        category: 'network',
        tags: ['vpn'],
        audience: ArticleAudience.Internal,
      });
    });

    it('shows the VPN article on a new incident about VPN drops, announced as knowledge.suggested', async () => {
      const opened = await call<IncidentView>('POST', '/v1/incidents', sam, {
        title: 'VPN drops every ten minutes',
        description: 'Working from home, the VPN disconnects about every ten minutes and reconnects by itself.',
        impact: Impact.Low,
        urgency: Urgency.Medium,
        category: 'network',
      });
      expect(opened.status).toBe(201);
      const incident = opened.body;

      const shown = await waitFor(
        async () => {
          const read = await call<IncidentView>('GET', `/v1/incidents/${incident.id}`, sam);
          return read.status === 200 && read.body.suggestedArticles.some((article) => article.id === vpn.id) ? read.body : undefined;
        },
        { ...WAIT, what: `the VPN article suggested on incident ${incident.number}` },
      );
      expect(shown.suggestedArticles).toContainEqual({ id: vpn.id, number: vpn.number, title: vpn.title });
      expect(shown.suggestedArticles.map((article) => article.id)).not.toContain(printers.id);
      expect(shown.suggestedArticles.length).toBeLessThanOrEqual(5);
      // Suggestions are not a change of the incident: its version (and so an agent's ETag) stays.
      expect(shown.version).toBe(incident.version);

      const [suggested] = await eventsWhen<KnowledgeSuggestedV1>(KnowledgeEvents.suggested, incident.id, 1);
      expect(suggested?.body.data).toMatchObject({ ticketType: KnowledgeTicketType.Incident, ticketId: incident.id, ticketNumber: incident.number, ticketVersion: incident.version });
      expect(suggested?.body.data.articles.map(({ id, number, title }) => ({ id, number, title }))).toEqual(shown.suggestedArticles);
    });

    it('suggests public articles only to a requester, and internal ones too to an agent', async () => {
      const forAlice = await call<SuggestionList>('GET', `/v1/knowledge/suggest?text=${encodeURIComponent('vpn drops')}`, alice);
      expect(forAlice.status).toBe(200);
      const aliceIds = forAlice.body.items.map((item) => item.id);
      expect(aliceIds).toContain(vpn.id);
      expect(aliceIds).not.toContain(internalVpn.id);
      for (const id of aliceIds) expect((await getArticle(id, alice)).body).toMatchObject({ audience: ArticleAudience.Public, state: ArticleState.Published });

      const forSam = await call<SuggestionList>('GET', `/v1/knowledge/suggest?text=${encodeURIComponent('vpn drops')}`, sam);
      expect(forSam.status).toBe(200);
      expect(forSam.body.items.map((item) => item.id)).toEqual(expect.arrayContaining([vpn.id, internalVpn.id]));
    });
  });

  describe('a known error becomes an article', () => {
    it('drafts an article in review from a published known error, with its root cause and workaround', async () => {
      const ci = await call<CiView>('POST', '/v1/cis', sam, { className: 'server', name: 'print-server-01', environment: 'prod' });
      expect(ci.status).toBe(201);
      const opened = await call<ProblemView>('POST', '/v1/problems', sam, {
        title: 'Print server drops jobs after patching',
        category: 'printing',
        impact: Impact.Medium,
        urgency: Urgency.Medium,
        ciIds: [ci.body.id],
      });
      expect(opened.status).toBe(201);
      const rootCause = 'The spooler patch resets the driver isolation mode, so third-party drivers crash the spooler.';
      const workaround = 'Set driver isolation back to "Isolated" in Print Management and restart the spooler.';
      const patched = await call<ProblemView>('PATCH', `/v1/problems/${opened.body.id}`, sam, { rootCause, causeCategory: 'configuration', workaround }, { 'if-match': `"${opened.body.version}"` });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ rootCause, workaround, causeCategory: 'configuration' });

      const published = await call<KnownErrorView>('POST', `/v1/problems/${opened.body.id}/known-error`, maria, { symptoms: 'Jobs vanish from the queue minutes after the patch.' });
      expect(published.status).toBe(201);
      const knownError = published.body;
      const announced = await eventsWhen<unknown>(ProblemEvents.knownErrorPublished, opened.body.id, 1);

      const article = await waitFor(
        async () => {
          const list = await call<ArticlePage>('GET', `/v1/knowledge/articles?state=${ArticleState.InReview}&limit=200`, sam);
          return list.status === 200 ? list.body.items.find((item) => item.knownErrorId === knownError.id) : undefined;
        },
        { ...WAIT, what: `the article drafted from ${knownError.number}` },
      );
      expect(article).toMatchObject({
        title: knownError.title,
        state: ArticleState.InReview,
        problemId: opened.body.id,
        knownErrorId: knownError.id,
        ownerId: 'maria',
        category: 'printing',
        ciIds: [ci.body.id],
        publishedVersion: null,
      });
      expect(article.body).toContain(rootCause);
      expect(article.body).toContain(workaround);
      expect(article.body).toContain('Jobs vanish from the queue minutes after the patch.');
      expect(article.bodyHtml).toContain('<h2>Root cause</h2>');
      expect(article.bodyHtml).toContain('<h2>Workaround</h2>');
      const created = await eventsWhen<ArticleCreatedV1>(KnowledgeEvents.created, article.id, 1);
      expect(created[0]?.body.data.article).toMatchObject({ knownErrorId: knownError.id });
      await eventsWhen(KnowledgeEvents.submitted, article.id, 1);

      // The same known error delivered again makes no second article.
      await consumerTookUpTo(KNOWN_ERRORS_CONSUMER, await publishAgain(announced));
      const fromKnownError = (await client.all<ArticleView>('/v1/knowledge/articles', sam)).filter((item) => item.knownErrorId === knownError.id);
      expect(fromKnownError.map((item) => item.id)).toEqual([article.id]);
      expect(await events(KnowledgeEvents.created, article.id)).toHaveLength(1);

      // Not yet for readers, and the publisher of the known error, its author, does not review it.
      expect(await found('isolation', sam)).toEqual([]);
      expectProblem(await transition(article.id, ArticleState.Published, maria), 403, ErrorCode.FORBIDDEN, KnowledgeErrorCode.SelfReview);
      const approved = await moveTo(article.id, ArticleState.Published, rita);
      expect(approved).toMatchObject({ state: ArticleState.Published, publishedVersion: 1 });
      expect(await found('isolation', sam)).toEqual([article.id]);

      // Closing the problem retires its known error, which flags the article for its owner.
      for (const to of [ProblemState.Assess, ProblemState.RootCauseAnalysis, ProblemState.FixInProgress]) {
        expect((await call('POST', `/v1/problems/${opened.body.id}/transitions`, sam, { to })).status).toBe(200);
      }
      const resolved = await call('POST', `/v1/problems/${opened.body.id}/transitions`, sam, { to: ProblemState.Resolved, resolutionCode: ProblemResolutionCode.PermanentFix, resolution: 'Pinned driver isolation by group policy.' });
      expect(resolved.status).toBe(200);
      expect((await call('POST', `/v1/problems/${opened.body.id}/transitions`, sam, { to: ProblemState.Closed })).status).toBe(200);
      await eventsWhen(ProblemEvents.knownErrorRetired, opened.body.id, 1);
      const flagged = await waitFor(
        async () => {
          const read = await getArticle(article.id, sam);
          return read.body.flagged ? read.body : undefined;
        },
        { ...WAIT, what: `the article of ${knownError.number} flagged` },
      );
      expect(flagged).toMatchObject({ flagged: true, flagReason: 'known error retired', state: ArticleState.Published, knownErrorId: knownError.id });
      const listed = await call<ArticlePage>('GET', '/v1/knowledge/articles?flagged=true', sam);
      expect(listed.body.items.map((item) => item.id)).toEqual([article.id]);
    });
  });
});
