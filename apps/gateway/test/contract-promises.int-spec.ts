/**
 * What the OpenAPI document promises, held against what the gateway answers, with a stand-in service on a real NATS:
 * every `Location` can be read, history values and import errors have the shape the document declares, a long path
 * id is refused like any other invalid id, and a route takes only the parameters it declares.
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { CatalogRpc, ChangeRpc, CmdbRpc, CommonErrorCode, ErrorCode, ImportRpc, IncidentRpc, KnowledgeRpc, NotificationRpc, ProblemRpc, RequestRpc, Role, type RpcDeclaration, SlaRpc } from '@itsm/contracts';
import { buildCatalogItem, buildSubmitRequest, mintToken, testNatsOptions } from '@itsm/testing';
import { type Gateway } from '../src/gateway';
import { RpcResponder } from './rpc-responder';
import { expectProblem, startGateway } from './support/listening-gateway';
import { ServedSchema } from './support/served-schema';


const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });

/** Every create route that answers a `Location`, with the RPC that reads the record back (`url` fills a path's parameters). */
const CREATES: ReadonlyArray<{ path: string; url?: string; create: RpcDeclaration; read: RpcDeclaration; body: object }> = [
  { path: '/v1/incidents', create: IncidentRpc.create, read: IncidentRpc.get, body: { title: 'VPN drops every 10 minutes', impact: 2, urgency: 1 } },
  {
    path: '/v1/routing-rules',
    create: IncidentRpc.createRoutingRule,
    read: IncidentRpc.getRoutingRule,
    body: { name: 'VPN to network operations', position: 10, conditions: { keywords: ['vpn'] }, assignmentGroup: 'network-ops' },
  },
  { path: '/v1/catalog/items', create: CatalogRpc.create, read: CatalogRpc.get, body: buildCatalogItem() },
  { path: '/v1/requests', create: RequestRpc.submit, read: RequestRpc.get, body: buildSubmitRequest(randomUUID()) },
  { path: '/v1/cis', create: CmdbRpc.createCi, read: CmdbRpc.getCi, body: { className: 'database', name: 'payroll-db', environment: 'prod', attributes: {} } },
  { path: '/v1/relationships', create: CmdbRpc.addRelationship, read: CmdbRpc.getRelationship, body: { type: 'depends_on', sourceId: randomUUID(), targetId: randomUUID() } },
  {
    path: '/v1/ci-classes',
    create: CmdbRpc.createClass,
    read: CmdbRpc.getClass,
    body: { name: 'message_queue', label: 'Message queue', attributeSchema: { type: 'object' }, identificationRules: [['fqdn']] },
  },
  { path: '/v1/cmdb/reconciliation-rules', create: ImportRpc.createRule, read: ImportRpc.getRule, body: { position: 10, sources: ['manual', 'discovery'] } },
  {
    path: '/v1/notifications/subscriptions',
    create: NotificationRpc.createSubscription,
    read: NotificationRpc.getSubscription,
    body: { name: 'P1 to the bot', eventTypes: ['incident.*'], channel: 'webhook', webhook: { url: 'https://93.184.215.14/itsm' } },
  },
  {
    path: '/v1/sla/policies',
    create: SlaRpc.createPolicy,
    read: SlaRpc.getPolicy,
    body: { name: 'Major incidents', kind: 'sla', conditions: { ticketTypes: ['incident'], major: true }, targets: [{ metric: 'resolution', duration: 'PT4H' }] },
  },
  {
    path: '/v1/sla/calendars',
    create: SlaRpc.createCalendar,
    read: SlaRpc.getCalendar,
    body: { name: 'Berlin office hours', timeZone: 'Europe/Berlin', weekly: { monday: [{ start: '09:00', end: '17:00' }] } },
  },
  { path: '/v1/problems', create: ProblemRpc.create, read: ProblemRpc.get, body: { title: 'VPN gateway drops tunnels under load', category: 'network', impact: 2, urgency: 2 } },
  {
    path: '/v1/problems/{id}/known-error',
    url: `/v1/problems/${randomUUID()}/known-error`,
    create: ProblemRpc.publishKnownError,
    read: ProblemRpc.getKnownError,
    body: { symptoms: 'The VPN client shows "tunnel reset" every few minutes.' },
  },
  {
    path: '/v1/problems/detection-rules',
    create: ProblemRpc.createDetectionRule,
    read: ProblemRpc.getDetectionRule,
    body: { name: '3 network incidents on one CI within 12 hours', scope: 'ci', category: 'network', threshold: 3, windowHours: 12 },
  },
  {
    path: '/v1/changes',
    create: ChangeRpc.create,
    read: ChangeRpc.get,
    body: { type: 'normal', title: 'Upgrade the VPN gateway firmware to 9.4', ciIds: [randomUUID()], plannedStart: '2026-11-02T09:30:00Z', plannedEnd: '2026-11-02T11:30:00Z' },
  },
  {
    path: '/v1/changes/templates',
    create: ChangeRpc.createTemplate,
    read: ChangeRpc.getTemplate,
    body: { name: 'Restart an application server', implementationPlan: 'Drain, restart, re-enable.', backoutPlan: 'Re-enable the node.', allowedCiClasses: ['application_server'], maxDurationMinutes: 60 },
  },
  {
    path: '/v1/changes/blackouts',
    create: ChangeRpc.createBlackout,
    read: ChangeRpc.getBlackout,
    body: { name: 'Friday freeze', scope: 'global', start: '2026-11-06T14:00:00+01:00', end: '2026-11-06T23:59:00+01:00', rrule: 'FREQ=WEEKLY;BYDAY=FR', timeZone: 'Europe/Berlin' },
  },
  {
    path: '/v1/changes/maintenance-windows',
    create: ChangeRpc.createMaintenanceWindow,
    read: ChangeRpc.getMaintenanceWindow,
    body: { name: 'Payroll database maintenance', ciIds: [randomUUID()], start: '2026-11-08T01:00:00+01:00', end: '2026-11-08T05:00:00+01:00', timeZone: 'Europe/Berlin' },
  },
  {
    path: '/v1/knowledge/articles',
    create: KnowledgeRpc.create,
    read: KnowledgeRpc.get,
    body: { title: 'Reset a forgotten VPN password', body: '1. Open https://vpn.example.com/reset' },
  },
  { path: '/v1/releases', create: ChangeRpc.createRelease, read: ChangeRpc.getRelease, body: { name: 'November network release', plannedStart: '2026-11-30T09:00:00Z', plannedEnd: '2026-11-30T18:00:00Z' } },
];

/** Create routes without a `Location`: a relationship rule, a comment, a vote on an article and a link of one are not read one by one. */
const CREATES_WITHOUT_LOCATION = [
  '/v1/cmdb/relationship-rules',
  '/v1/incidents/{id}/comments',
  '/v1/requests/{id}/comments',
  '/v1/problems/{id}/comments',
  '/v1/changes/{id}/comments',
  '/v1/knowledge/articles/{id}/feedback',
  '/v1/knowledge/articles/{id}/links',
];

/** Create routes the gateway answers itself, without a service: their Location read-back is tested where they live (api-keys.int-spec.ts). */
const CREATES_OUTSIDE_SERVICES = ['/v1/api-keys'];

const AT = '2026-11-02T09:30:00.000Z';

/** History values as the services write them: strings, numbers, booleans, arrays, objects and null. */
const INCIDENT_HISTORY = {
  items: [
    { at: AT, actorId: 'alice', action: 'created', changes: [] },
    {
      at: AT,
      actorId: 'sam',
      action: 'updated',
      changes: [
        { field: 'priority', from: 'P3', to: 'P1' },
        { field: 'impact', from: 2, to: 1 },
        { field: 'priorityOverridden', from: false, to: true },
        { field: 'ciIds', from: [], to: [randomUUID()] },
        { field: 'assignmentGroup', from: null, to: 'network-ops' },
        { field: 'resolution', from: null, to: { code: 'solved', notes: 'Replaced the VPN certificate' } },
      ],
    },
  ],
};

const CI_HISTORY = {
  items: [
    {
      at: AT,
      actorId: 'discovery-bot',
      action: 'updated',
      source: 'discovery',
      changes: [
        { field: 'attributes.cores', from: 4, to: 8, source: 'discovery' },
        { field: 'attributes.tags', from: ['db'], to: ['db', 'payroll'] },
        { field: 'attributes.disk', from: { sizeGb: 100 }, to: null },
        { field: 'name', from: 'payroll-db', to: 'payroll-db-01' },
      ],
    },
  ],
  nextCursor: null,
};

const IMPORT_RESULT = {
  importId: randomUUID(),
  source: 'discovery',
  counts: { created: 0, updated: 0, unchanged: 0, conflicts: 0, errors: 1, retired: 0, relationshipsAdded: 0, relationshipsUnchanged: 0, relationshipsRemoved: 0 },
  rows: [{ kind: 'item', index: 0, outcome: 'error', errors: [{ field: 'attributes.os', message: 'attributes.os must be a string' }] }],
};

describe('what the API document promises', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let responderConnection: NatsConnection;
  let responder: RpcResponder;
  let served: ServedSchema;

  function call(method: string, path: string, body?: object): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${ada}` };
    if (body) headers['content-type'] = 'application/json';
    return fetch(`${baseUrl}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  }

  const problem = expectProblem;

  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway({ RPC_TIMEOUT_MS: '2000' }));
    responderConnection = await connect(testNatsOptions('gateway-contract-promises-responder'));
    const subjects = [
      ...CREATES.flatMap((create) => [create.create.subject, create.read.subject]),
      IncidentRpc.get.subject,
      IncidentRpc.history.subject,
      IncidentRpc.counts.subject,
      ProblemRpc.history.subject,
      ChangeRpc.history.subject,
      ChangeRpc.calendarIcs.subject,
      CmdbRpc.ciHistory.subject,
      ImportRpc.run.subject,
      CmdbRpc.createRelationshipRule.subject,
      KnowledgeRpc.feedback.subject,
      KnowledgeRpc.link.subject,
    ];
    responder = new RpcResponder(responderConnection, [...new Set(subjects)]);
    await responder.start();
    served = await ServedSchema.load(baseUrl);
  });

  afterAll(async () => {
    await gateway?.close();
    await responderConnection?.drain();
  });

  beforeEach(() => responder.reset());

  describe('Location of a new record', () => {
    it.each(CREATES.map((create) => [create.path, create] as const))('POST %s answers a Location that GET reads back with the same record', async (_path, create) => {
      const record = { id: randomUUID(), name: 'message_queue', version: 1, title: 'the record' };
      responder.reset((received) => ({ ok: true, data: received.subject === create.create.subject || received.subject === create.read.subject ? record : null }));

      const posted = await call('POST', create.url ?? create.path, create.body);
      expect(posted.status).toBe(201);
      const location = posted.headers.get('location');
      expect(location).toEqual(expect.stringMatching(/^\/v1\//));

      const read = await call('GET', location ?? '');

      expect(read.status).toBe(200);
      await expect(read.json()).resolves.toEqual(await posted.json());
      expect(responder.received.map((received) => received.subject)).toEqual([create.create.subject, create.read.subject]);
    });

    it('answers a new relationship rule without a Location, as it cannot be read one by one', async () => {
      responder.reset(() => ({ ok: true, data: { id: randomUUID(), type: 'depends_on', sourceClass: 'application', targetClass: 'message_queue' } }));

      const response = await call('POST', '/v1/cmdb/relationship-rules', { type: 'depends_on', sourceClass: 'application', targetClass: 'message_queue' });

      expect([response.status, response.headers.get('location')]).toEqual([201, null]);
    });

    it.each([
      ['/feedback', KnowledgeRpc.feedback, { helpful: false, comment: 'The reset link is outdated.' }],
      ['/links', KnowledgeRpc.link, { ticketType: 'incident', ticketId: randomUUID() }],
    ] as const)('answers a new article %s with 201 and no Location, the article id from the path', async (route, rpc, body) => {
      const id = randomUUID();
      responder.reset(() => ({ ok: true, data: { articleId: id } }));

      const response = await call('POST', `/v1/knowledge/articles/${id}${route}`, body);

      expect([response.status, response.headers.get('location')]).toEqual([201, null]);
      expect(responder.received.map((received) => [received.subject, received.data])).toEqual([[rpc.subject, { ...body, id }]]);
    });

    it('answers the version of a routing rule and a reconciliation rule as ETag', async () => {
      responder.reset(() => ({ ok: true, data: { id: randomUUID(), version: 3 } }));

      const routing = await call('GET', `/v1/routing-rules/${randomUUID()}`);
      const reconciliation = await call('GET', `/v1/cmdb/reconciliation-rules/${randomUUID()}`);

      expect([routing.status, routing.headers.get('etag'), reconciliation.status, reconciliation.headers.get('etag')]).toEqual([200, '"3"', 200, '"3"']);
    });

    it('lists every create route of the document here', () => {
      const createRoutes = Object.entries(served.document.paths)
        .filter(([, operations]) => operations?.post?.responses['201'])
        .map(([path]) => path);

      expect(createRoutes.sort()).toEqual([...CREATES.map((create) => create.path), ...CREATES_WITHOUT_LOCATION, ...CREATES_OUTSIDE_SERVICES].sort());
    });
  });

  describe('history values', () => {
    it.each([
      ['FieldChange', 'from'],
      ['FieldChange', 'to'],
      ['CiFieldChange', 'from'],
      ['CiFieldChange', 'to'],
    ])('declares %s.%s as any JSON value, without a type', (schemaName, field) => {
      const property = served.document.components.schemas[schemaName]?.properties?.[field];

      expect(property).toEqual(expect.objectContaining({ description: expect.stringContaining('any JSON value') }));
      expect(property?.type).toBeUndefined();
    });

    it('answers an incident history that the document’s schema accepts', async () => {
      responder.reset(() => ({ ok: true, data: INCIDENT_HISTORY }));
      const response = await call('GET', `/v1/incidents/${randomUUID()}/history`);
      expect(response.status).toBe(200);

      expect(served.errorsOf(await response.json(), '/v1/incidents/{id}/history', 'get')).toEqual([]);
    });

    it('answers a problem history that the document’s schema accepts', async () => {
      responder.reset(() => ({ ok: true, data: INCIDENT_HISTORY }));
      const response = await call('GET', `/v1/problems/${randomUUID()}/history`);
      expect(response.status).toBe(200);

      expect(served.errorsOf(await response.json(), '/v1/problems/{id}/history', 'get')).toEqual([]);
    });

    it('answers a change history that the document’s schema accepts', async () => {
      responder.reset(() => ({ ok: true, data: INCIDENT_HISTORY }));
      const response = await call('GET', `/v1/changes/${randomUUID()}/history`);
      expect(response.status).toBe(200);

      expect(served.errorsOf(await response.json(), '/v1/changes/{id}/history', 'get')).toEqual([]);
    });

    it('answers a CI history that the document’s schema accepts', async () => {
      responder.reset(() => ({ ok: true, data: CI_HISTORY }));
      const response = await call('GET', `/v1/cis/${randomUUID()}/history`);
      expect(response.status).toBe(200);

      expect(served.errorsOf(await response.json(), '/v1/cis/{id}/history', 'get')).toEqual([]);
    });
  });

  describe('the change calendar as iCalendar', () => {
    it('answers the text of the calendar as the document declares it, text/calendar in UTF-8, byte for byte', async () => {
      const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ITSM suite//change calendar//EN\r\nBEGIN:VEVENT\r\nUID:a@change\r\nSUMMARY:Zürich firewall – rules\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
      responder.reset(() => ({ ok: true, data: { ics } }));

      const response = await call('GET', '/v1/changes/calendar.ics?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z');

      expect([response.status, response.headers.get('content-type')]).toEqual([200, 'text/calendar; charset=utf-8']);
      await expect(response.text()).resolves.toBe(ics);
      expect(Object.keys(served.document.paths['/v1/changes/calendar.ics']?.get?.responses['200']?.content ?? {})).toEqual(['text/calendar']);
      expect(responder.received.map((received) => [received.subject, received.data])).toEqual([
        [ChangeRpc.calendarIcs.subject, { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }],
      ]);
    });
  });

  describe('import errors', () => {
    it('answers the errors of an import row as field errors that the document’s schema accepts', async () => {
      responder.reset(() => ({ ok: true, data: IMPORT_RESULT }));
      const response = await call('POST', '/v1/cmdb/imports', { source: 'discovery', items: [{ className: 'server', name: 'db-01', identifiers: { serial: 'SN-1' }, attributes: { os: 12 } }] });
      expect(response.status).toBe(200);

      expect(served.errorsOf(await response.json(), '/v1/cmdb/imports', 'post')).toEqual([]);
    });
  });

  describe('long path ids', () => {
    it.each([101, 2_000])('refuses an id of %i characters with 400 naming it, without asking the service', async (length) => {
      const body = await problem(await call('GET', `/v1/incidents/${'a'.repeat(length)}`), 400);

      expect(body).toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidRequest });
      expect(body.errors?.map((error) => error.field)).toEqual(['id']);
      expect(responder.received).toHaveLength(0);
    });

    it('declares 400 on every operation with a path parameter', () => {
      const undeclared = Object.entries(served.document.paths).flatMap(([path, operations]) =>
        Object.entries(operations ?? {})
          .filter(([, operation]) => path.includes('{') && !operation.responses['400'])
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );

      expect(undeclared).toEqual([]);
    });
  });

  describe('incident counts', () => {
    it('refuses a cursor as a parameter the route does not take, without asking the service', async () => {
      const body = await problem(await call('GET', '/v1/incidents/counts?cursor=forged'), 400);

      expect(body.errors).toEqual([{ field: 'cursor', message: expect.stringMatching(/^cursor is not a parameter of this route/) }]);
      expect(responder.received).toHaveLength(0);
    });

    it('offers no paging or sort parameters in the document', () => {
      const names = served.document.paths['/v1/incidents/counts']?.get?.parameters?.map((parameter) => parameter.name) ?? [];

      expect(names).toEqual(expect.arrayContaining(['state', 'priority', 'createdFrom']));
      expect(names.filter((name) => ['limit', 'cursor', 'sort'].includes(name))).toEqual([]);
    });

    it('passes the filters on to the service', async () => {
      responder.reset(() => ({ ok: true, data: { total: 0, byState: {} } }));

      const response = await call('GET', '/v1/incidents/counts?priority=P1,P2&major=true');

      expect(response.status).toBe(200);
      expect(responder.received.map((received) => received.data)).toEqual([{ priority: ['P1', 'P2'], major: true }]);
    });
  });
});
