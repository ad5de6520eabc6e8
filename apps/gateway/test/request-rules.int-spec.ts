/**
 * What the gateway answers before any service is asked (bodies, media types, fields, dates) and the headers of every
 * create route, against a stand-in service on a real NATS.
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import {
  CatalogRpc,
  CmdbRpc,
  CommonErrorCode,
  ErrorCode,
  ImportRpc,
  IncidentRpc,
  NotificationRpc,
  RequestRpc,
  Role,
  type RpcDeclaration,
  SlaRpc,
} from '@itsm/contracts';
import { buildCatalogItem, buildSubmitRequest, mintToken, testNatsOptions } from '@itsm/testing';
import { type Gateway } from '../src/gateway';
import { RpcResponder } from './rpc-responder';
import { expectProblem, startGateway } from './support/listening-gateway';


const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });

const CREATES: ReadonlyArray<{ path: string; rpc: RpcDeclaration; body: object; location: (record: { id: string; name: string }) => string; etag: boolean }> = [
  { path: '/v1/incidents', rpc: IncidentRpc.create, body: { title: 'VPN drops every 10 minutes', impact: 2, urgency: 1 }, location: (r) => `/v1/incidents/${r.id}`, etag: true },
  {
    path: '/v1/routing-rules',
    rpc: IncidentRpc.createRoutingRule,
    body: { name: 'VPN to network operations', position: 10, conditions: { keywords: ['vpn'] }, assignmentGroup: 'network-ops' },
    location: (r) => `/v1/routing-rules/${r.id}`,
    etag: true,
  },
  { path: '/v1/catalog/items', rpc: CatalogRpc.create, body: buildCatalogItem(), location: (r) => `/v1/catalog/items/${r.id}`, etag: true },
  { path: '/v1/requests', rpc: RequestRpc.submit, body: buildSubmitRequest(randomUUID()), location: (r) => `/v1/requests/${r.id}`, etag: true },
  { path: '/v1/cis', rpc: CmdbRpc.createCi, body: { className: 'database', name: 'payroll-db', environment: 'prod', attributes: {} }, location: (r) => `/v1/cis/${r.id}`, etag: true },
  { path: '/v1/relationships', rpc: CmdbRpc.addRelationship, body: { type: 'depends_on', sourceId: randomUUID(), targetId: randomUUID() }, location: (r) => `/v1/relationships/${r.id}`, etag: false },
  {
    path: '/v1/ci-classes',
    rpc: CmdbRpc.createClass,
    body: { name: 'message_queue', label: 'Message queue', attributeSchema: { type: 'object' }, identificationRules: [['fqdn']] },
    location: (r) => `/v1/ci-classes/${r.name}`,
    etag: true,
  },
  { path: '/v1/cmdb/reconciliation-rules', rpc: ImportRpc.createRule, body: { position: 10, sources: ['manual', 'discovery'] }, location: (r) => `/v1/cmdb/reconciliation-rules/${r.id}`, etag: true },
  {
    path: '/v1/notifications/subscriptions',
    rpc: NotificationRpc.createSubscription,
    body: { name: 'P1 to the bot', eventTypes: ['incident.*'], channel: 'webhook', webhook: { url: 'https://93.184.215.14/itsm' } },
    location: (r) => `/v1/notifications/subscriptions/${r.id}`,
    etag: true,
  },
  {
    path: '/v1/sla/policies',
    rpc: SlaRpc.createPolicy,
    body: { name: 'Major incidents', kind: 'sla', conditions: { ticketTypes: ['incident'], major: true }, targets: [{ metric: 'resolution', duration: 'PT4H' }] },
    location: (r) => `/v1/sla/policies/${r.id}`,
    etag: true,
  },
  {
    path: '/v1/sla/calendars',
    rpc: SlaRpc.createCalendar,
    body: { name: 'Berlin office hours', timeZone: 'Europe/Berlin', weekly: { monday: [{ start: '09:00', end: '17:00' }] } },
    location: (r) => `/v1/sla/calendars/${r.id}`,
    etag: true,
  },
];

const DATE_FILTERS: ReadonlyArray<[route: string, field: string, query: string]> = [
  ['/v1/incidents', 'createdFrom', 'createdFrom=2026-02-30T00:00:00Z'],
  ['/v1/incidents', 'createdTo', 'createdTo=2026-02-30T00:00:00Z'],
  ['/v1/incidents', 'updatedFrom', 'updatedFrom=2026-02-30T00:00:00Z'],
  ['/v1/incidents', 'updatedTo', 'updatedTo=2026-02-30T00:00:00Z'],
  ['/v1/incidents/counts', 'createdFrom', 'createdFrom=2026-02-30T00:00:00Z'],
  ['/v1/incidents/counts', 'updatedTo', 'updatedTo=2026-02-30T00:00:00Z'],
  [`/v1/cis/${randomUUID()}/at`, 'time', 'time=2026-02-30T00:00:00Z'],
  ['/v1/reports/sla/compliance', 'from', 'from=2026-02-30T00:00:00Z&to=2026-03-31T00:00:00Z'],
  ['/v1/reports/sla/response-times', 'to', 'from=2026-02-01T00:00:00Z&to=2026-02-30T00:00:00Z'],
  ['/v1/reports/sla/breaches', 'from', 'from=2026-02-30T00:00:00Z&to=2026-03-31T00:00:00Z'],
];

describe('request rules of the gateway', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let responderConnection: NatsConnection;
  let responder: RpcResponder;

  function call(method: string, path: string, init: { body?: string; contentType?: string; token?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${init.token ?? ada}` };
    if (init.contentType) headers['content-type'] = init.contentType;
    return fetch(`${baseUrl}${path}`, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  }

  const problem = expectProblem;

  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway({ RPC_TIMEOUT_MS: '2000' }));
    responderConnection = await connect(testNatsOptions('gateway-request-rules-responder'));
    const subjects = [...CREATES.map((create) => create.rpc.subject), IncidentRpc.list.subject, IncidentRpc.counts.subject, CmdbRpc.ciAt.subject, SlaRpc.importHolidays.subject];
    responder = new RpcResponder(responderConnection, [...new Set(subjects)]);
    await responder.start();
  });

  afterAll(async () => {
    await gateway?.close();
    await responderConnection?.drain();
  });

  beforeEach(() => {
    responder.reset((received) => {
      if (received.subject === IncidentRpc.list.subject) return { ok: true, data: { items: [], nextCursor: null } };
      // A relationship has no version; every other record starts at 1.
      const version = received.subject === CmdbRpc.addRelationship.subject ? {} : { version: 1 };
      return { ok: true, data: { id: randomUUID(), name: 'message_queue', ...version } };
    });
  });

  describe('create routes', () => {
    it.each(CREATES.map((create) => [create.path, create] as const))('POST %s answers 201 with the Location of the new record and its ETag', async (_path, create) => {
      const response = await call('POST', create.path, { body: JSON.stringify(create.body), contentType: 'application/json' });

      expect(response.status).toBe(201);
      const record = (await response.json()) as { id: string; name: string };
      expect(response.headers.get('location')).toBe(create.location(record));
      expect(response.headers.get('etag')).toBe(create.etag ? '"1"' : null);
      expect(responder.received.map((received) => received.subject)).toEqual([create.rpc.subject]);
    });

    it('keeps the webhook secret of a new subscription out of caches', async () => {
      const subscription = CREATES.find((create) => create.rpc === NotificationRpc.createSubscription);

      const response = await call('POST', '/v1/notifications/subscriptions', { body: JSON.stringify(subscription?.body), contentType: 'application/json' });

      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('date filters', () => {
    it.each(DATE_FILTERS)('GET %s refuses 30 February in %s with 400 naming it, without asking the service', async (route, field, query) => {
      const body = await problem(await call('GET', `${route}?${query}`), 400);

      expect(body).toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidRequest });
      expect(body.errors).toEqual([{ field, message: `${field} must be a date and time that exists (2026-02-30T00:00:00Z does not)` }]);
      expect(responder.received).toHaveLength(0);
    });

    it('passes an instant with an offset from UTC on to the service', async () => {
      const response = await call('GET', `/v1/incidents?createdFrom=${encodeURIComponent('2026-02-28T23:00:00+01:00')}`);

      expect(response.status).toBe(200);
      expect(responder.received.map((received) => received.data)).toEqual([{ createdFrom: '2026-02-28T23:00:00+01:00' }]);
    });

    it('refuses a date without a time with 400 saying what an instant looks like', async () => {
      const body = await problem(await call('GET', '/v1/incidents?createdFrom=2026-02-01'), 400);

      expect(body.errors).toEqual([{ field: 'createdFrom', message: 'createdFrom must be an ISO 8601 instant with its offset from UTC, such as 2026-11-02T09:30:00Z' }]);
    });
  });

  describe('one message per field', () => {
    it('says what is wrong with limit=abc once', async () => {
      const body = await problem(await call('GET', '/v1/incidents?limit=abc'), 400);

      expect(body.errors).toEqual([{ field: 'limit', message: 'limit must be an integer from 1 to 200' }]);
    });

    it('says a CI without environment is missing it, not how to write it', async () => {
      const body = await problem(await call('POST', '/v1/cis', { body: JSON.stringify({ className: 'database', name: 'payroll-db', attributes: {} }), contentType: 'application/json' }), 400);

      expect(body.errors).toEqual([{ field: 'environment', message: 'environment is required' }]);
      expect(responder.received).toHaveLength(0);
    });
  });

  describe('unknown fields', () => {
    it('names the query parameter an unknown one most likely meant', async () => {
      const body = await problem(await call('GET', '/v1/incidents?assignee=sam'), 400);

      expect(body.errors).toEqual([{ field: 'assignee', message: 'assignee is not a parameter of this route; did you mean assigneeId?' }]);
      expect(body.detail).toBe('request has invalid fields: assignee');
    });

    it('names the body field an unknown one most likely meant, and none when nothing is close', async () => {
      const incident = { title: 'VPN drops every 10 minutes', impact: 2, urgency: 1 };
      const body = await problem(await call('POST', '/v1/incidents', { body: JSON.stringify({ ...incident, urgncy: 1, colour: 'red' }), contentType: 'application/json' }), 400);

      expect(body.errors).toEqual([
        { field: 'urgncy', message: 'urgncy is not a field of this body; did you mean urgency?' },
        { field: 'colour', message: 'colour is not a field of this body' },
      ]);
    });
  });

  describe('media types', () => {
    it('refuses a text/plain body to a JSON route with 415 naming application/json, without asking the service', async () => {
      const body = await problem(await call('POST', '/v1/incidents', { body: 'VPN is down', contentType: 'text/plain' }), 415);

      expect(body).toMatchObject({ code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, reason: CommonErrorCode.UnsupportedMediaType, detail: 'this route takes a body of type application/json, not text/plain' });
      expect(responder.received).toHaveLength(0);
    });

    it.each([
      ['a form', 'application/x-www-form-urlencoded', 'title=VPN'],
      ['an iCalendar file', 'text/calendar', 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'],
      ['XML', 'application/xml', '<incident/>'],
    ])('refuses %s on a JSON route with 415 too', async (_label, contentType, text) => {
      const body = await problem(await call('POST', '/v1/sla/calendars', { body: text, contentType }), 415);

      expect(body.detail).toBe(`this route takes a body of type application/json, not ${contentType}`);
    });

    it('takes text/calendar where the route says so', async () => {
      const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';

      const response = await call('POST', `/v1/sla/calendars/${randomUUID()}/holidays/import?fromYear=2026`, { body: ics, contentType: 'text/calendar; charset=utf-8' });

      expect(response.status).toBe(200);
      expect(responder.received.map((received) => received.data)).toEqual([expect.objectContaining({ ics, fromYear: 2026 })]);
    });

    it('still answers 400 to a JSON body that is not an object', async () => {
      const body = await problem(await call('POST', '/v1/incidents', { body: '"VPN is down"', contentType: 'application/json' }), 400);

      expect(body.errors).toEqual([{ field: '', message: 'body must be a JSON object' }]);
    });

    it('declares 415 on every route that takes a body in the OpenAPI document', async () => {
      const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

      const withBody = Object.entries(document.paths).flatMap(([path, item]) => ['post', 'put', 'patch'].filter((method) => item[method]).map((method) => ({ path, method, declared: '415' in (item[method]?.responses ?? {}) })));
      expect(withBody.length).toBeGreaterThan(20);
      expect(withBody.filter((operation) => !operation.declared)).toEqual([]);
    });
  });
});
