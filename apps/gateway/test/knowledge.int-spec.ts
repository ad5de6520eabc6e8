/**
 * Knowledge articles, search, suggestions, feedback, links and reports over HTTP. First the gateway in-process in
 * front of the built knowledge service as a process, real NATS and PostgreSQL: who may call and the input the gateway
 * refuses before the service is asked, nothing written. Then, with the service stopped and a stand-in answering its
 * RPC subjects, what each route sends the service and how the answer comes back (Location, ETag, If-Match,
 * Idempotency-Key, paths and query strings, the service's refusals as problems).
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { ArticleState, CommonErrorCode, ErrorCode, KnowledgeErrorCode, KnowledgeRpc, MAX_ARTICLE_BODY, Role } from '@itsm/contracts';
import { mintToken, testNatsOptions } from '@itsm/testing';
import { type Gateway } from '../src/gateway';
import { RpcResponder } from './rpc-responder';
import { expectProblem, GatewayWithService, problemFields, type Reply } from './support/gateway-with-service';
import { startGateway } from './support/listening-gateway';

const maria = mintToken({ sub: 'maria', roles: [Role.Manager] });
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });
const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });

const ARTICLE = { title: 'Reset a forgotten VPN password', body: '## Steps\n\n1. Open https://vpn.example.com/reset\n2. Enter your user name.' };

describe('knowledge management through the gateway', () => {
  describe('in front of the knowledge service', () => {
    let h: GatewayWithService;

    beforeAll(async () => {
      h = await GatewayWithService.start('knowledge');
    }, 90_000);

    afterAll(async () => {
      await expect(h?.stop()).resolves.toBe(0);
    }, 30_000);

    /** Row counts of every table of the knowledge schema (but its migrations): what a refused request must leave as it was. */
    async function written(): Promise<Record<string, number>> {
      const tables = await h.database.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'knowledge' AND table_type = 'BASE TABLE' AND table_name <> 'migrations' ORDER BY table_name`,
      );
      const counts: Record<string, number> = {};
      for (const { name } of tables) {
        const [row] = await h.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM knowledge."${name}"`);
        counts[name] = row?.n ?? -1;
      }
      expect(counts).toHaveProperty('outbox');
      return counts;
    }

    it('refuses a requester every route of agents with the same 403, whether the article exists or not, and writes nothing', async () => {
      const id = randomUUID();
      const before = await written();
      const routes: Array<[string, string, object?]> = [
        ['POST', '/v1/knowledge/articles', ARTICLE],
        ['PATCH', `/v1/knowledge/articles/${id}`, { title: 'Mine now' }],
        ['POST', `/v1/knowledge/articles/${id}/transitions`, { to: ArticleState.InReview }],
        ['GET', `/v1/knowledge/articles/${id}/versions`],
        ['GET', `/v1/knowledge/articles/${id}/versions/1`],
        ['GET', `/v1/knowledge/articles/${id}/diff?from=1&to=2`],
        ['POST', `/v1/knowledge/articles/${id}/links`, { ticketType: 'incident', ticketId: randomUUID() }],
        ['GET', '/v1/reports/knowledge/low-helpfulness'],
        ['GET', '/v1/reports/knowledge/viewed-never-linked'],
      ];

      for (const [method, path, body] of routes) {
        const refused = expectProblem(await h.call(method, path, alice, body ? { body } : {}), 403, ErrorCode.FORBIDDEN);
        expect({ route: `${method} ${path}`, reason: refused['reason'] }).toEqual({ route: `${method} ${path}`, reason: CommonErrorCode.RoleRequired });
      }
      await expect(written()).resolves.toEqual(before);
    });

    it('refuses a call without a token with 401 on every knowledge route, requesters’ ones too', async () => {
      for (const path of ['/v1/knowledge/articles', `/v1/knowledge/articles/${randomUUID()}`, '/v1/knowledge/search?q=vpn', '/v1/knowledge/suggest?text=vpn']) {
        const response = await fetch(`${h.baseUrl}${path}`);
        expect({ path, status: response.status }).toEqual({ path, status: 401 });
      }
    });

    it.each([
      ['no title', { title: undefined }, ['title']],
      ['a title of two characters', { title: 'VP' }, ['title']],
      ['no body', { body: undefined }, ['body']],
      ['an upper-case tag', { tags: ['VPN'] }, ['tags']],
      ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `tag-${i}`) }, ['tags']],
      ['a CI id that is not a UUID', { ciIds: ['vpn-01'] }, ['ciIds']],
      ['an unknown audience', { audience: 'everyone' }, ['audience']],
      ['a language without a search configuration', { language: 'klingon' }, ['language']],
      ['a review date that is not an instant', { reviewBy: 'next spring' }, ['reviewBy']],
      ['a field the route does not take', { state: 'published' }, ['state']],
      ['a summary over 1,000 characters', { summary: 's'.repeat(1001) }, ['summary']],
    ])('refuses a new article with %s: 400 naming the field, writing nothing', async (_label, change, fields) => {
      const before = await written();

      const reply = await h.call('POST', '/v1/knowledge/articles', sam, { body: { ...ARTICLE, ...change } });

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(fields);
      await expect(written()).resolves.toEqual(before);
    });

    const id = randomUUID();
    it.each([
      ['GET', '/v1/knowledge/articles/KB0001001', ['id']],
      ['GET', `/v1/knowledge/articles/${id}?expand=versions`, ['expand']],
      ['GET', '/v1/knowledge/articles?state=archived', ['state']],
      ['GET', '/v1/knowledge/articles?sort=-rank', ['sort']],
      ['GET', '/v1/knowledge/articles?reviewDue=maybe', ['reviewDue']],
      ['GET', '/v1/knowledge/articles?audience=everyone', ['audience']],
      ['GET', '/v1/knowledge/articles?limit=0', ['limit']],
      ['GET', `/v1/knowledge/articles/${id}/versions?limit=5`, ['limit']],
      ['GET', `/v1/knowledge/articles/${id}/versions/0`, ['version']],
      ['GET', `/v1/knowledge/articles/${id}/versions/two`, ['version']],
      ['GET', `/v1/knowledge/articles/${id}/versions/2147483648`, ['version']],
      ['GET', `/v1/knowledge/articles/${id}/diff?from=1`, ['to']],
      ['GET', `/v1/knowledge/articles/${id}/diff?from=first&to=2`, ['from']],
      ['GET', `/v1/knowledge/articles/not-an-id/diff?from=1&to=2`, ['id']],
      ['GET', '/v1/knowledge/search', ['q']],
      ['GET', '/v1/knowledge/search?q=', ['q']],
      ['GET', '/v1/knowledge/search?q=vpn&limit=51', ['limit']],
      ['GET', '/v1/knowledge/search?q=vpn&serviceId=vpn-service', ['serviceId']],
      ['GET', '/v1/knowledge/search?q=vpn&sort=title', ['sort']],
      ['GET', '/v1/knowledge/suggest', ['text']],
      ['GET', '/v1/knowledge/suggest?text=vpn&limit=3', ['limit']],
      ['GET', '/v1/reports/knowledge/low-helpfulness?minVotes=0', ['minVotes']],
      ['GET', '/v1/reports/knowledge/low-helpfulness?limit=5', ['limit']],
      ['GET', '/v1/reports/knowledge/viewed-never-linked?minViews=many', ['minViews']],
      ['GET', '/v1/reports/knowledge/viewed-never-linked?limit=101', ['limit']],
    ])('refuses %s %s with 400 naming %j', async (method, path, fields) => {
      const reply = await h.call(method, path, sam);

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(fields);
    });

    it('refuses a search of 501 characters and a suggestion text of 5,001 with 400 naming them', async () => {
      const search = await h.call('GET', `/v1/knowledge/search?q=${'v'.repeat(501)}`, alice);
      const suggest = await h.call('GET', `/v1/knowledge/suggest?text=${'w'.repeat(5001)}`, alice);

      expectProblem(search, 400, ErrorCode.VALIDATION);
      expectProblem(suggest, 400, ErrorCode.VALIDATION);
      expect([problemFields(search), problemFields(suggest)]).toEqual([['q'], ['text']]);
    });

    it.each([
      ['a transition to a state that does not exist', 'transitions', { to: 'approved' }, ['to']],
      ['a send-back comment over 2,000 characters', 'transitions', { to: ArticleState.Draft, comment: 'c'.repeat(2001) }, ['comment']],
      ['feedback without helpful', 'feedback', { comment: 'Outdated.' }, ['helpful']],
      ['feedback with helpful as a word', 'feedback', { helpful: 'yes' }, ['helpful']],
      ['a link to a problem', 'links', { ticketType: 'problem', ticketId: randomUUID() }, ['ticketType']],
      ['a link to a ticket number', 'links', { ticketType: 'incident', ticketId: 'INC0001001' }, ['ticketId']],
    ])('refuses %s with 400 naming the field, writing nothing', async (_label, route, body, fields) => {
      const before = await written();

      const reply = await h.call('POST', `/v1/knowledge/articles/${randomUUID()}/${route}`, maria, { body });

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(fields);
      await expect(written()).resolves.toEqual(before);
    });

    it('refuses a malformed If-Match and Idempotency-Key with 400 naming the header, writing nothing', async () => {
      const before = await written();

      const ifMatch = await h.call('PATCH', `/v1/knowledge/articles/${randomUUID()}`, sam, { body: { title: 'Renamed' }, headers: { 'if-match': 'version-1' } });
      const move = await h.call('POST', `/v1/knowledge/articles/${randomUUID()}/transitions`, sam, { body: { to: ArticleState.InReview }, headers: { 'if-match': 'W/"x"' } });
      const key = await h.call('POST', '/v1/knowledge/articles', sam, { body: ARTICLE, headers: { 'idempotency-key': 'two words' } });

      for (const reply of [ifMatch, move, key]) expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect([problemFields(ifMatch), problemFields(move), problemFields(key)]).toEqual([['If-Match'], ['If-Match'], ['Idempotency-Key']]);
      await expect(written()).resolves.toEqual(before);
    });

    it('refuses a body that is not JSON with 415 naming Content-Type, on create and on feedback', async () => {
      const before = await written();

      const create = await h.call('POST', '/v1/knowledge/articles', sam, { body: 'title=VPN', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const vote = await h.call('POST', `/v1/knowledge/articles/${randomUUID()}/feedback`, alice, { body: 'helpful', headers: { 'content-type': 'text/plain' } });

      expectProblem(create, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
      expectProblem(vote, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
      expect([problemFields(create), problemFields(vote)]).toEqual([['Content-Type'], ['Content-Type']]);
      await expect(written()).resolves.toEqual(before);
    });

    it('refuses a 1 MB article body with 413 problem+json before the service is asked, on create and on update, as the document declares', async () => {
      const before = await written();
      const body = `# Huge\n\n${'All work and no play. '.repeat(50_000)}`;
      expect(body.length).toBeGreaterThan(1_048_576);

      const create = await h.call('POST', '/v1/knowledge/articles', sam, { body: { ...ARTICLE, body } });
      const update = await h.call('PATCH', `/v1/knowledge/articles/${randomUUID()}`, sam, { body: { body } });

      expect(expectProblem(create, 413, ErrorCode.VALIDATION)).toMatchObject({ status: 413, title: 'Payload Too Large' });
      expectProblem(update, 413, ErrorCode.VALIDATION);
      await expect(written()).resolves.toEqual(before);
      const document = (await (await fetch(`${h.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      expect([document.paths['/v1/knowledge/articles']?.['post']?.responses['413'], document.paths['/v1/knowledge/articles/{id}']?.['patch']?.responses['413']]).toEqual([
        expect.anything(),
        expect.anything(),
      ]);
    });
  });

  describe('what each route asks the service, and how its answer comes back', () => {
    let gateway: Gateway;
    let baseUrl: string;
    let responderConnection: NatsConnection;
    let responder: RpcResponder;

    const view = (overrides: Record<string, unknown> = {}) => ({ id: randomUUID(), number: 'KB0001001', ...ARTICLE, state: ArticleState.Draft, version: 1, articleVersion: 1, ...overrides });

    beforeAll(async () => {
      ({ gateway, baseUrl } = await startGateway({ RPC_TIMEOUT_MS: '2000' }));
      responderConnection = await connect(testNatsOptions('gateway-knowledge-responder'));
      responder = new RpcResponder(
        responderConnection,
        Object.values(KnowledgeRpc).map((rpc) => rpc.subject),
      );
      await responder.start();
    });

    afterAll(async () => {
      await responder?.stop();
      await gateway?.close();
      await responderConnection?.drain();
    });

    beforeEach(() => responder.reset(() => ({ ok: true, data: {} })));

    async function call<T = unknown>(method: string, path: string, token: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
    }

    const asked = () => responder.received.map((received) => [received.subject, received.data]);

    it('writes an article: 201 with Location and ETag, the Idempotency-Key passed on with the body', async () => {
      const article = view();
      responder.reset(() => ({ ok: true, data: article }));

      const reply = await call('POST', '/v1/knowledge/articles', sam, { body: { ...ARTICLE, tags: ['vpn'] }, headers: { 'idempotency-key': 'kb-vpn-1' } });

      expect([reply.status, reply.headers.get('location'), reply.headers.get('etag')]).toEqual([201, `/v1/knowledge/articles/${article.id}`, '"1"']);
      expect(reply.body).toEqual(article);
      expect(asked()).toEqual([[KnowledgeRpc.create.subject, { ...ARTICLE, tags: ['vpn'], idempotencyKey: 'kb-vpn-1' }]]);
    });

    it('reads an article with its ETag, for a requester too', async () => {
      const article = view({ version: 4, state: ArticleState.Published });
      responder.reset(() => ({ ok: true, data: article }));

      const reply = await call('GET', `/v1/knowledge/articles/${article.id}`, alice);

      expect([reply.status, reply.headers.get('etag')]).toEqual([200, '"4"']);
      expect(asked()).toEqual([[KnowledgeRpc.get.subject, { id: article.id }]]);
    });

    it('passes If-Match on as the expected version of an update and a transition, and answers the new ETag', async () => {
      const id = randomUUID();
      responder.reset(() => ({ ok: true, data: view({ id, version: 3 }) }));

      const update = await call('PATCH', `/v1/knowledge/articles/${id}`, sam, { body: { tags: ['vpn', 'password'] }, headers: { 'if-match': '"2"' } });
      const move = await call('POST', `/v1/knowledge/articles/${id}/transitions`, maria, { body: { to: ArticleState.Draft, comment: 'Step 2 needs the new URL.' }, headers: { 'if-match': '"3"' } });
      const unconditional = await call('PATCH', `/v1/knowledge/articles/${id}`, sam, { body: { audience: 'public' } });

      expect([update.status, update.headers.get('etag'), move.status, move.headers.get('etag'), unconditional.status]).toEqual([200, '"3"', 200, '"3"', 200]);
      expect(asked()).toEqual([
        [KnowledgeRpc.update.subject, { id, changes: { tags: ['vpn', 'password'] }, expectedVersion: 2 }],
        [KnowledgeRpc.transition.subject, { id, transition: { to: ArticleState.Draft, comment: 'Step 2 needs the new URL.' }, expectedVersion: 3 }],
        [KnowledgeRpc.update.subject, { id, changes: { audience: 'public' } }],
      ]);
    });

    it('answers a stale If-Match as the service refuses it: 412', async () => {
      responder.reset(() => ({ ok: false, error: { code: ErrorCode.PRECONDITION_FAILED, message: 'the article is at version 5', reason: CommonErrorCode.VersionMismatch } }));

      const reply = await call('PATCH', `/v1/knowledge/articles/${randomUUID()}`, sam, { body: { title: 'Renamed' }, headers: { 'if-match': '"4"' } });

      expect(expectProblem(reply, 412, ErrorCode.PRECONDITION_FAILED)).toMatchObject({ reason: CommonErrorCode.VersionMismatch });
    });

    it('asks for versions, one version and a diff with numbers taken from the path and the query', async () => {
      const id = randomUUID();

      const replies = await Promise.all([
        call('GET', `/v1/knowledge/articles/${id}/versions`, sam),
        call('GET', `/v1/knowledge/articles/${id}/versions/2`, sam),
        call('GET', `/v1/knowledge/articles/${id}/diff?from=1&to=3`, sam),
      ]);

      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200]);
      expect(asked()).toEqual(
        expect.arrayContaining([
          [KnowledgeRpc.versions.subject, { id }],
          [KnowledgeRpc.getVersion.subject, { id, version: 2 }],
          [KnowledgeRpc.diff.subject, { id, from: 1, to: 3 }],
        ]),
      );
    });

    it('lets a requester list, search, get suggestions and give feedback, with the filters converted', async () => {
      const id = randomUUID();

      const replies = [
        await call('GET', '/v1/knowledge/articles?state=published&reviewDue=false&limit=5', alice),
        await call('GET', '/v1/knowledge/search?q=%22vpn%20password%22%20-expired&tag=vpn&limit=20', alice),
        await call('GET', '/v1/knowledge/suggest?text=My%20VPN%20password%20expired', alice),
        await call('POST', `/v1/knowledge/articles/${id}/feedback`, alice, { body: { helpful: false, comment: 'The link is outdated.' } }),
      ];

      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 201]);
      expect(asked()).toEqual([
        [KnowledgeRpc.list.subject, { state: [ArticleState.Published], reviewDue: false, limit: 5 }],
        [KnowledgeRpc.search.subject, { q: '"vpn password" -expired', tag: 'vpn', limit: 20 }],
        [KnowledgeRpc.suggest.subject, { text: 'My VPN password expired' }],
        [KnowledgeRpc.feedback.subject, { id, helpful: false, comment: 'The link is outdated.' }],
      ]);
    });

    it('links an article to a ticket, the article from the path: 201', async () => {
      const id = randomUUID();
      const ticketId = randomUUID();

      const reply = await call('POST', `/v1/knowledge/articles/${id}/links`, sam, { body: { ticketType: 'incident', ticketId } });

      expect([reply.status, reply.headers.get('location')]).toEqual([201, null]);
      expect(asked()).toEqual([[KnowledgeRpc.link.subject, { id, ticketType: 'incident', ticketId }]]);
    });

    it('asks the reports with their thresholds as numbers', async () => {
      await call('GET', '/v1/reports/knowledge/low-helpfulness?minVotes=3', sam);
      await call('GET', '/v1/reports/knowledge/viewed-never-linked?minViews=100&limit=20', maria);

      expect(asked()).toEqual([
        [KnowledgeRpc.lowHelpfulnessReport.subject, { minVotes: 3 }],
        [KnowledgeRpc.viewedNeverLinkedReport.subject, { minViews: 100, limit: 20 }],
      ]);
    });

    it.each([
      [KnowledgeErrorCode.SelfReview, ErrorCode.FORBIDDEN, 403],
      [KnowledgeErrorCode.InvalidTransition, ErrorCode.INVALID_TRANSITION, 409],
      [KnowledgeErrorCode.CommentRequired, ErrorCode.UNPROCESSABLE, 422],
      [KnowledgeErrorCode.ArticleNotFound, ErrorCode.NOT_FOUND, 404],
    ])('answers the service’s %s as a %s problem with status %i and the reason', async (reason, code, status) => {
      responder.reset(() => ({ ok: false, error: { code, message: 'refused', reason } }));

      const reply = await call('POST', `/v1/knowledge/articles/${randomUUID()}/transitions`, maria, { body: { to: ArticleState.Published } });

      expect(expectProblem(reply, status, code)).toMatchObject({ reason });
    });

    it('passes a body over the article limit but under the gateway’s on, and answers the service’s 422 naming the limit', async () => {
      const body = 'x'.repeat(MAX_ARTICLE_BODY + 1);
      responder.reset(() => ({
        ok: false,
        error: { code: ErrorCode.UNPROCESSABLE, message: `the body is longer than ${MAX_ARTICLE_BODY} characters`, reason: KnowledgeErrorCode.BodyTooLarge, details: { maxLength: MAX_ARTICLE_BODY } },
      }));

      const reply = await call('POST', '/v1/knowledge/articles', sam, { body: { ...ARTICLE, body } });

      expect(expectProblem(reply, 422, ErrorCode.UNPROCESSABLE)).toMatchObject({ reason: KnowledgeErrorCode.BodyTooLarge, maxLength: MAX_ARTICLE_BODY });
      expect(responder.received).toHaveLength(1);
    });
  });
});
