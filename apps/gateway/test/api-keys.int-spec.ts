/**
 * API keys over HTTP: two gateway replicas in-process on one real NATS (so one KV bucket), a stand-in answering the
 * routing-rule list the keys are tried on. Created by an admin on one replica, used with either header on both,
 * refused (401) when revoked, expired, unknown or sent from elsewhere, and counted across replicas.
 */
import { connect, type NatsConnection } from 'nats';
import { ApiKeyErrorCode, type ApiKeyPage, type ApiKeyView, CommonErrorCode, type CreatedApiKeyView, ErrorCode, IncidentRpc, MessageHeaders, Role } from '@itsm/contracts';
import { mintToken, resetStreams, testNatsOptions } from '@itsm/testing';
import type { Gateway } from '../src/gateway';
import { RpcResponder } from './rpc-responder';
import { expectProblem, problemFields, type ProblemBody, type Reply } from './support/gateway-with-service';
import { startGateway } from './support/listening-gateway';

const ada = mintToken({ sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] });
const sam = mintToken({ sub: 'sam', roles: [Role.Agent] });
const HASH_SECRET = 'k'.repeat(48);
/** A route for agents (the routing rules), answered by the stand-in. */
const AGENTS_ROUTE = '/v1/routing-rules';

type Credentials = { token: string } | { bearerKey: string } | { headerKey: string } | { none: true };

async function send<T = unknown>(baseUrl: string, method: string, path: string, credentials: Credentials, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if ('token' in credentials) headers['authorization'] = `Bearer ${credentials.token}`;
  if ('bearerKey' in credentials) headers['authorization'] = `Bearer ${credentials.bearerKey}`;
  if ('headerKey' in credentials) headers['x-api-key'] = credentials.headerKey;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Asks until `done` holds of the answer or `withinMs` have passed; answers the last answer. */
async function poll<T>(ask: () => Promise<T>, done: (answer: T) => boolean, withinMs: number): Promise<T> {
  const until = Date.now() + withinMs;
  for (;;) {
    const answer = await ask();
    if (done(answer) || Date.now() >= until) return answer;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('API keys across two gateway replicas', () => {
  const env = { API_KEY_HASH_SECRET: HASH_SECRET, API_KEY_USAGE_FLUSH_MS: '200', RPC_TIMEOUT_MS: '2000', RATE_LIMIT_ENABLED: 'false' };
  let a: { gateway: Gateway; baseUrl: string };
  let b: { gateway: Gateway; baseUrl: string };
  let nc: NatsConnection;
  let responder: RpcResponder;

  const onA = <T = unknown>(method: string, path: string, credentials: Credentials, options?: { body?: unknown; headers?: Record<string, string> }) => send<T>(a.baseUrl, method, path, credentials, options);
  const onB = <T = unknown>(method: string, path: string, credentials: Credentials, options?: { body?: unknown; headers?: Record<string, string> }) => send<T>(b.baseUrl, method, path, credentials, options);

  async function createKey(body: object, gateway = onA): Promise<CreatedApiKeyView> {
    const reply = await gateway<CreatedApiKeyView>('POST', '/v1/api-keys', { token: ada }, { body });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  function invalidKey(reply: Reply): void {
    const problem = expectProblem(reply, 401, ErrorCode.UNAUTHENTICATED);
    expect(problem.detail).toBe('invalid or revoked API key');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="itsm", error="invalid_token"');
  }

  beforeAll(async () => {
    nc = await connect(testNatsOptions('api-keys-test'));
    await resetStreams(nc);
    a = await startGateway(env);
    // B trusts X-Forwarded-For, as a replica behind an ingress would; A does not.
    b = await startGateway({ ...env, TRUST_PROXY: 'true' });
    responder = new RpcResponder(nc, [IncidentRpc.listRoutingRules.subject]);
    await responder.start();
    responder.reset(() => ({ ok: true, data: { items: [] } }));
  }, 60_000);

  afterAll(async () => {
    await a?.gateway.close();
    await b?.gateway.close();
    await responder?.stop();
    await nc?.drain();
  });

  describe('creating', () => {
    it('answers the key once, with its Location, and lists and reads it on either replica without it', async () => {
      const reply = await onA<CreatedApiKeyView>('POST', '/v1/api-keys', { token: ada }, { body: { name: 'monitoring-bridge', roles: [Role.Agent], expiresAt: '2099-01-01T00:00:00Z', allowedNetworks: ['127.0.0.0/8', '::1/128'] } });

      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        id: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
        key: expect.stringMatching(/^itsm_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/),
        name: 'monitoring-bridge',
        roles: [Role.Agent],
        expiresAt: '2099-01-01T00:00:00.000Z',
        allowedNetworks: ['127.0.0.0/8', '::1/128'],
        createdAt: expect.any(String),
        createdBy: 'ada',
        revokedAt: null,
        lastUsedAt: null,
        useCount: 0,
      });
      expect(reply.body.key.startsWith(`itsm_${reply.body.id}_`)).toBe(true);
      expect(reply.headers.get('location')).toBe(`/v1/api-keys/${reply.body.id}`);
      expect(reply.headers.get('cache-control')).toBe('no-store');

      const secret = reply.body.key.slice(-43);
      const read = await onB<ApiKeyView>('GET', `/v1/api-keys/${reply.body.id}`, { token: ada });
      const listed = await poll(() => onB<ApiKeyPage>('GET', '/v1/api-keys?limit=200', { token: ada }), (page) => page.body.items.some((item) => item.id === reply.body.id), 5_000);
      const { key: _key, ...view } = reply.body;

      expect(read.body).toEqual(view);
      expect(listed.body.items.find((item) => item.id === reply.body.id)).toEqual(view);
      for (const answer of [read, listed]) {
        expect(JSON.stringify(answer.body)).not.toContain(secret);
        expect(JSON.stringify(answer.body)).not.toMatch(/"(key|hash)"/);
      }
    });

    it.each([
      ['an unknown role', { name: 'bot', roles: ['root'] }, ['roles']],
      ['no roles', { name: 'bot', roles: [] }, ['roles']],
      ['no name', { roles: [Role.Agent] }, ['name']],
      ['an expiry in the past', { name: 'bot', roles: [Role.Agent], expiresAt: '2020-01-01T00:00:00Z' }, ['expiresAt']],
      ['an expiry without offset', { name: 'bot', roles: [Role.Agent], expiresAt: '2099-01-01T00:00:00' }, ['expiresAt']],
      ['a network that is not CIDR', { name: 'bot', roles: [Role.Agent], allowedNetworks: ['10.0.0.0/8', '10.0.0.300/8'] }, ['allowedNetworks']],
      ['an address without prefix', { name: 'bot', roles: [Role.Agent], allowedNetworks: ['2001:db8::1'] }, ['allowedNetworks']],
      ['an unknown field', { name: 'bot', roles: [Role.Agent], scopes: ['read'] }, ['scopes']],
    ])('refuses %s with 400 naming the field', async (_label, body, fields) => {
      const reply = await onA('POST', '/v1/api-keys', { token: ada }, { body });

      expect(expectProblem(reply, 400, ErrorCode.VALIDATION).reason).toBe(CommonErrorCode.InvalidRequest);
      expect(problemFields(reply)).toEqual(fields);
    });

    it('refuses every route to a caller who is not an admin with 403', async () => {
      const routes: Array<[string, string, object?]> = [
        ['POST', '/v1/api-keys', { name: 'bot', roles: [Role.Agent] }],
        ['GET', '/v1/api-keys'],
        ['GET', '/v1/api-keys/Q3vN8kLm2XpA'],
        ['DELETE', '/v1/api-keys/Q3vN8kLm2XpA'],
      ];
      for (const [method, path, body] of routes) {
        const reply = await onA(method, path, { token: sam }, body ? { body } : {});
        expect({ route: `${method} ${path}`, reason: expectProblem(reply, 403, ErrorCode.FORBIDDEN).reason }).toEqual({ route: `${method} ${path}`, reason: CommonErrorCode.RoleRequired });
      }
    });

    it('refuses an API key, even an admin’s, every route of API keys with 403', async () => {
      const admin = await createKey({ name: 'too-powerful', roles: [Role.Admin] });

      const routes: Array<[string, string, object?]> = [
        ['POST', '/v1/api-keys', { name: 'bot', roles: [Role.Agent] }],
        ['GET', '/v1/api-keys'],
        ['GET', `/v1/api-keys/${admin.id}`],
        ['DELETE', `/v1/api-keys/${admin.id}`],
      ];
      for (const [method, path, body] of routes) {
        const reply = await onA(method, path, { headerKey: admin.key }, body ? { body } : {});
        expect({ route: `${method} ${path}`, reason: expectProblem(reply, 403, ErrorCode.FORBIDDEN).reason }).toEqual({ route: `${method} ${path}`, reason: ApiKeyErrorCode.KeyNotAllowed });
      }
      expect((await onA<ApiKeyView>('GET', `/v1/api-keys/${admin.id}`, { token: ada })).body.revokedAt).toBeNull();
    });

    it('answers 404 for an unknown id and 400 naming a malformed one', async () => {
      expect(expectProblem(await onA('GET', '/v1/api-keys/ZZZZZZZZZZZZ', { token: ada }), 404, ErrorCode.NOT_FOUND).reason).toBe(ApiKeyErrorCode.NotFound);
      expect(expectProblem(await onA('DELETE', '/v1/api-keys/ZZZZZZZZZZZZ', { token: ada }), 404, ErrorCode.NOT_FOUND).reason).toBe(ApiKeyErrorCode.NotFound);
      const malformed = await onA('GET', '/v1/api-keys/not-a-key-id', { token: ada });
      expectProblem(malformed, 400, ErrorCode.VALIDATION);
      expect(problemFields(malformed)).toEqual(['id']);
    });

    it('pages the list with a cursor, newest first, and refuses a forged cursor naming it', async () => {
      const made = [await createKey({ name: 'page-1', roles: [Role.Requester] }), await createKey({ name: 'page-2', roles: [Role.Requester] }), await createKey({ name: 'page-3', roles: [Role.Requester] })];
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Reply<ApiKeyPage> = await onA<ApiKeyPage>('GET', `/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: ada });
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((item) => item.id));
        cursor = page.body.nextCursor;
      } while (cursor);

      expect(new Set(seen).size).toBe(seen.length);
      const positions = made.map((key) => seen.indexOf(key.id));
      expect(positions.every((position) => position >= 0)).toBe(true);
      expect([...positions].sort((x, y) => y - x)).toEqual(positions);
      const forged = await onA('GET', '/v1/api-keys?cursor=forged', { token: ada });
      expect(expectProblem(forged, 400, ErrorCode.VALIDATION).reason).toBe(CommonErrorCode.InvalidCursor);
      expect(problemFields(forged)).toEqual(['cursor']);
    });
  });

  describe('using', () => {
    it('authenticates a key in either header on either replica as the key’s actor, which reaches the service', async () => {
      const created = await createKey({ name: 'queue-sync', roles: [Role.Agent] });
      responder.reset();

      const answers = [
        await onA('GET', AGENTS_ROUTE, { bearerKey: created.key }),
        await onA('GET', AGENTS_ROUTE, { headerKey: created.key }),
        await poll(() => onB('GET', AGENTS_ROUTE, { bearerKey: created.key }), (reply) => reply.status === 200, 5_000),
        await onB('GET', AGENTS_ROUTE, { headerKey: created.key }),
      ];

      expect(answers.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
      const actors = responder.received.map((received) => JSON.parse(received.headers[MessageHeaders.actor] ?? '{}') as object);
      expect(actors.length).toBeGreaterThanOrEqual(4);
      for (const actor of actors) expect(actor).toMatchObject({ sub: `api-key:${created.id}`, name: 'queue-sync', roles: [Role.Agent] });
    });

    it('refuses a key without the route’s role with 403', async () => {
      const requester = await createKey({ name: 'portal', roles: [Role.Requester] });

      const reply = await onA('GET', AGENTS_ROUTE, { headerKey: requester.key });

      expect(expectProblem(reply, 403, ErrorCode.FORBIDDEN).reason).toBe(CommonErrorCode.RoleRequired);
    });

    it('refuses unknown, malformed and tampered keys with the same 401', async () => {
      const created = await createKey({ name: 'tampered', roles: [Role.Agent] });
      const tampered = `${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`;

      for (const key of [tampered, `itsm_ZZZZZZZZZZZZ_${'a'.repeat(43)}`, 'itsm_short', `${created.key}x`]) {
        invalidKey(await onA('GET', AGENTS_ROUTE, { headerKey: key }));
        invalidKey(await onA('GET', AGENTS_ROUTE, { bearerKey: key }));
      }
    });

    it('refuses a request carrying both a key and a token with 401', async () => {
      const created = await createKey({ name: 'both', roles: [Role.Agent] });

      const reply = await onA('GET', AGENTS_ROUTE, { headerKey: created.key }, { headers: { authorization: `Bearer ${sam}` } });

      expectProblem(reply, 401, ErrorCode.UNAUTHENTICATED);
    });

    it('refuses a token whose subject names an API key with 401', async () => {
      const created = await createKey({ name: 'impersonated', roles: [Role.Agent] });

      const reply = await onA('GET', AGENTS_ROUTE, { token: mintToken({ sub: `api-key:${created.id}`, roles: [Role.Agent] }) });

      expectProblem(reply, 401, ErrorCode.UNAUTHENTICATED);
    });

    it('refuses a key from a source outside its networks, taking X-Forwarded-For only where TRUST_PROXY is on', async () => {
      const elsewhere = await createKey({ name: 'office-only', roles: [Role.Agent], allowedNetworks: ['10.0.0.0/8', '2001:db8::/32'] });
      const office = await createKey({ name: 'behind-ingress', roles: [Role.Agent], allowedNetworks: ['203.0.113.0/24'] });
      const forwarded = { headers: { 'x-forwarded-for': '203.0.113.5' } };

      invalidKey(await onA('GET', AGENTS_ROUTE, { headerKey: elsewhere.key }));
      invalidKey(await onA('GET', AGENTS_ROUTE, { headerKey: office.key }, forwarded));
      const trusted = await poll(() => onB('GET', AGENTS_ROUTE, { headerKey: office.key }, forwarded), (reply) => reply.status === 200, 5_000);
      expect(trusted.status).toBe(200);
      invalidKey(await onB('GET', AGENTS_ROUTE, { headerKey: office.key }, { headers: { 'x-forwarded-for': '198.51.100.5' } }));
    });

    it('takes a key until it expires, and refuses it from then on', async () => {
      const created = await createKey({ name: 'short-lived', roles: [Role.Agent], expiresAt: new Date(Date.now() + 3_000).toISOString() });
      expect((await onA('GET', AGENTS_ROUTE, { headerKey: created.key })).status).toBe(200);

      const later = await poll(() => onA('GET', AGENTS_ROUTE, { headerKey: created.key }), (reply) => reply.status === 401, 15_000);

      invalidKey(later);
    });

    it('counts the uses of a key on every replica', async () => {
      const created = await createKey({ name: 'counted', roles: [Role.Agent] });
      await poll(() => onB('GET', AGENTS_ROUTE, { headerKey: created.key }), (reply) => reply.status === 200, 5_000);
      for (let use = 0; use < 3; use += 1) expect((await onA('GET', AGENTS_ROUTE, { headerKey: created.key })).status).toBe(200);
      for (let use = 0; use < 2; use += 1) expect((await onB('GET', AGENTS_ROUTE, { bearerKey: created.key })).status).toBe(200);

      const read = await poll(() => onA<ApiKeyView>('GET', `/v1/api-keys/${created.id}`, { token: ada }), (reply) => reply.body.useCount >= 6, 10_000);

      expect(read.body).toMatchObject({ useCount: 6, lastUsedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    });
  });

  describe('revoking', () => {
    it('refuses a key revoked on replica A on replica B within a second, and keeps it listed as revoked', async () => {
      const created = await createKey({ name: 'to-revoke', roles: [Role.Agent] });
      await poll(() => onB('GET', AGENTS_ROUTE, { headerKey: created.key }), (reply) => reply.status === 200, 5_000);

      const revoked = await onA('DELETE', `/v1/api-keys/${created.id}`, { token: ada });
      // Asked again and again for one second after the revocation: the last answer is a 401 by then.
      const onReplicaB = await poll(() => onB('GET', AGENTS_ROUTE, { headerKey: created.key }), (reply) => reply.status === 401, 1_000);

      expect(revoked.status).toBe(204);
      invalidKey(onReplicaB);
      invalidKey(await onA('GET', AGENTS_ROUTE, { bearerKey: created.key }));
      expect((await onB<ApiKeyView>('GET', `/v1/api-keys/${created.id}`, { token: ada })).body.revokedAt).toEqual(expect.any(String));
    });

    it('answers 204 to revoking a revoked key, and changes nothing', async () => {
      const created = await createKey({ name: 'twice', roles: [Role.Agent] });
      expect((await onA('DELETE', `/v1/api-keys/${created.id}`, { token: ada })).status).toBe(204);
      const first = (await onA<ApiKeyView>('GET', `/v1/api-keys/${created.id}`, { token: ada })).body.revokedAt;

      expect((await onB('DELETE', `/v1/api-keys/${created.id}`, { token: ada })).status).toBe(204);
      expect((await onA<ApiKeyView>('GET', `/v1/api-keys/${created.id}`, { token: ada })).body.revokedAt).toBe(first);
    });
  });

  describe('on a gateway without API_KEY_HASH_SECRET', () => {
    let off: { gateway: Gateway; baseUrl: string };

    beforeAll(async () => {
      off = await startGateway({ RATE_LIMIT_ENABLED: 'false' });
    });

    afterAll(async () => {
      await off?.gateway.close();
    });

    it('answers the routes with 503 API_KEYS_DISABLED and refuses any key with 401', async () => {
      const created = await createKey({ name: 'elsewhere', roles: [Role.Agent] });

      const problem: ProblemBody = expectProblem(await send(off.baseUrl, 'GET', '/v1/api-keys', { token: ada }), 503, ErrorCode.UNAVAILABLE);
      expect(problem.reason).toBe(ApiKeyErrorCode.Disabled);
      invalidKey(await send(off.baseUrl, 'GET', AGENTS_ROUTE, { headerKey: created.key }));
    });
  });
});
