/**
 * The rules every input obeys whatever its route (text a store can hold, nesting within a limit, declared fields
 * required unless optional, null only where the document allows it), against a stand-in service on a real NATS:
 * a refused request answers 400 problem+json and never reaches the service.
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { AllRpc, Role } from '@itsm/contracts';
import { mintToken, testNatsOptions } from '@itsm/testing';
import { type Gateway } from '../src/gateway';
import { RpcResponder } from './rpc-responder';
import type { ProblemBody } from './support/gateway-with-service';
import { expectProblem, startGateway } from './support/listening-gateway';


const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });
const UNSAFE = 'must not contain NUL or unpaired surrogate characters';
const id = randomUUID();

const CREATE_PATHS = [
  '/v1/incidents',
  '/v1/routing-rules',
  '/v1/catalog/items',
  '/v1/requests',
  '/v1/cis',
  '/v1/relationships',
  '/v1/ci-classes',
  '/v1/cmdb/reconciliation-rules',
  '/v1/notifications/subscriptions',
  '/v1/sla/policies',
  '/v1/sla/calendars',
];

/** Routes and the field of each that carries a string (`text` marks where the string goes). */
const STRING_FIELDS: ReadonlyArray<{ method: string; path: string; body: (text: string) => object; field: string }> = [
  { method: 'POST', path: `/v1/incidents/${id}/comments`, body: (text) => ({ body: text }), field: 'body' },
  { method: 'POST', path: `/v1/requests/${id}/comments`, body: (text) => ({ body: text }), field: 'body' },
  { method: 'PUT', path: `/v1/incidents/${id}/major`, body: (text) => ({ major: true, reason: text }), field: 'reason' },
  { method: 'PATCH', path: `/v1/cis/${id}`, body: (text) => ({ identifiers: { fqdn: text } }), field: 'identifiers.fqdn' },
  { method: 'POST', path: `/v1/cis/${id}/retire`, body: (text) => ({ reason: text }), field: 'reason' },
  { method: 'POST', path: '/v1/incidents', body: (text) => ({ title: 'VPN drops every 10 minutes', impact: 2, urgency: 1, assigneeId: text }), field: 'assigneeId' },
  { method: 'PUT', path: '/v1/notifications/contacts/alice', body: (text) => ({ email: 'alice@example.com', groups: ['network', text] }), field: 'groups.1' },
  {
    method: 'PUT',
    path: `/v1/routing-rules/${id}`,
    body: (text) => ({ name: 'VPN to network', position: 10, conditions: { keywords: [text] }, assignmentGroup: 'network-ops' }),
    field: 'conditions.keywords.0',
  },
];

describe('input rules of the gateway', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let responderConnection: NatsConnection;
  let responder: RpcResponder;

  function send(method: string, path: string, body?: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${ada}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  }

  async function refused(response: Response): Promise<ProblemBody> {
    const problem = await expectProblem(response, 400);
    expect({ code: problem.code, reason: problem.reason }).toEqual({ code: 'VALIDATION', reason: 'INVALID_REQUEST' });
    expect(responder.received).toEqual([]);
    return problem;
  }

  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway({ RPC_TIMEOUT_MS: '2000' }));
    responderConnection = await connect(testNatsOptions('gateway-input-rules-responder'));
    responder = new RpcResponder(responderConnection, [...new Set(AllRpc.map((rpc) => rpc.subject))]);
    await responder.start();
  });

  afterAll(async () => {
    await gateway?.close();
    await responderConnection?.drain();
  });

  beforeEach(() => {
    responder.reset(() => ({ ok: true, data: { id: randomUUID(), version: 1, items: [], nextCursor: null } }));
  });

  describe('text', () => {
    it.each(STRING_FIELDS.flatMap((route) => [
      [`${route.method} ${route.path}`, 'a NUL', route, 'a\u0000b'] as const,
      [`${route.method} ${route.path}`, 'an unpaired surrogate', route, '\ud800'] as const,
    ]))('%s refuses %s in a string, naming the field', async (_route, _what, route, text) => {
      const problem = await refused(await send(route.method, route.path, JSON.stringify(route.body(text))));

      expect(problem.errors).toEqual([{ field: route.field, message: `${route.field} ${UNSAFE}` }]);
    });

    it('refuses such a character in a field name of a map', async () => {
      const problem = await refused(await send('PATCH', `/v1/cis/${id}`, JSON.stringify({ identifiers: { 'fq\u0000dn': 'db.example.com' } })));

      expect(problem.errors).toEqual([{ field: 'identifiers', message: `field names in identifiers ${UNSAFE}` }]);
    });

    it('refuses it in a query parameter and in a path parameter', async () => {
      const query = await refused(await send('GET', '/v1/incidents?q=vpn%00down'));
      const path = await refused(await send('GET', '/v1/notifications/contacts/al%00ice'));

      expect([query.errors, path.errors]).toEqual([[{ field: 'q', message: `q ${UNSAFE}` }], [{ field: 'sub', message: `sub ${UNSAFE}` }]]);
    });

    it('takes text with emoji and other characters outside the basic plane', async () => {
      const response = await send('POST', `/v1/incidents/${id}/comments`, JSON.stringify({ body: 'Fixed 🎉 — 𝒳' }));

      expect(response.status).toBe(201);
      expect(responder.received.map((received) => received.data)).toEqual([{ id, comment: { body: 'Fixed 🎉 — 𝒳' } }]);
    });
  });

  describe('nesting', () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;

    it.each(CREATE_PATHS)('POST %s refuses JSON nested 5,000 levels deep', async (path) => {
      const problem = await refused(await send('POST', path, deep));

      expect(problem.errors).toEqual([{ field: '', message: 'body must not nest objects and arrays deeper than 32 levels' }]);
    });

    it('refuses a deep value inside a field that takes any JSON', async () => {
      const attributes = JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) as object;
      const body = JSON.stringify({ className: 'database', name: 'payroll-db', environment: 'prod', attributes });

      const problem = await refused(await send('POST', '/v1/cis', body));

      expect(problem.errors).toEqual([{ field: '', message: 'body must not nest objects and arrays deeper than 32 levels' }]);
    });
  });

  describe('required fields', () => {
    it.each([
      ['POST', '/v1/sla/calendars', 'weekly', { name: 'Berlin office hours', timeZone: 'Europe/Berlin' }],
      ['POST', '/v1/routing-rules', 'conditions', { name: 'VPN to network', position: 10, assignmentGroup: 'network-ops' }],
      ['PUT', `/v1/routing-rules/${id}`, 'conditions', { name: 'VPN to network', position: 10, assignmentGroup: 'network-ops' }],
    ] as const)('%s %s without %s answers that it is required', async (method, path, field, body) => {
      const problem = await refused(await send(method, path, JSON.stringify(body)));

      expect(problem.errors).toEqual([{ field, message: `${field} is required` }]);
    });

    it('passes a routing rule with its conditions on to the service', async () => {
      const body = { name: 'VPN to network', position: 10, conditions: {}, assignmentGroup: 'network-ops' };

      const response = await send('PUT', `/v1/routing-rules/${id}`, JSON.stringify(body));

      expect(response.status).toBe(200);
      expect(responder.received.map((received) => received.data)).toEqual([{ ...body, id }]);
    });
  });

  describe('null', () => {
    it.each([
      ['POST', '/v1/cis/impact', 'direction', { ciIds: [id], direction: null }],
      ['POST', `/v1/requests/${id}/comments`, 'visibility', { body: 'Check stock first', visibility: null }],
      ['POST', '/v1/sla/calendars', 'weekly.sunday', { name: 'Berlin office hours', timeZone: 'Europe/Berlin', weekly: { sunday: null } }],
      ['PUT', '/v1/notifications/contacts/alice', 'groups', { email: 'alice@example.com', groups: null }],
      ['POST', `/v1/requests/${id}/transitions`, 'reason', { to: 'canceled', reason: null }],
    ] as const)('%s %s refuses null in %s, which the document does not call nullable', async (method, path, field, body) => {
      const problem = await refused(await send(method, path, JSON.stringify(body)));

      expect(problem.errors?.map((error) => error.field)).toEqual([field]);
    });
  });
});
