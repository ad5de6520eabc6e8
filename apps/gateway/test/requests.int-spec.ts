/** Service requests and the catalog over HTTP: the gateway in-process, the built incident service as a process, real NATS and PostgreSQL. */
import { randomUUID } from 'node:crypto';
import {
  ApprovalType,
  type CatalogItemPage,
  type CatalogItemView,
  type CloudEvent,
  ErrorCode,
  type IncidentHistory,
  type IncidentView,
  type RequestCommentPage,
  RequestEvents,
  RequestState,
  Role,
  type RoutingRuleView,
  type ServiceRequestPage,
  type ServiceRequestView,
} from '@itsm/contracts';
import { buildCatalogItem, buildLaptopAnswers, buildSubmitRequest, mintToken, readEvents, waitFor } from '@itsm/testing';
import { expectProblem, GatewayWithService, type Reply } from './support/gateway-with-service';
import { ServedSchema } from './support/served-schema';

const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });
const alice = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester], manager: 'mallory' });
const bob = mintToken({ sub: 'bob', roles: [Role.Requester] });
const mallory = mintToken({ sub: 'mallory', roles: [Role.Requester] });
const sam = mintToken({ sub: 'sam', roles: [Role.Agent] });
const carol = mintToken({ sub: 'carol', roles: [Role.Requester] });
const dave = mintToken({ sub: 'dave', roles: [Role.Requester] });

describe('service requests and the catalog through the gateway', () => {
  let h: GatewayWithService;
  let laptop: CatalogItemView;

  beforeAll(async () => {
    h = await GatewayWithService.start('incident');
    laptop = (await h.call<CatalogItemView>('POST', '/v1/catalog/items', ada, { body: buildCatalogItem() })).body;
  }, 60_000);

  afterAll(async () => {
    await expect(h?.stop()).resolves.toBe(0);
  }, 30_000);

  async function written(): Promise<Record<string, number>> {
    const [row] = await h.database.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM incident.catalog_items) AS items, (SELECT count(*)::int FROM incident.requests) AS requests,
              (SELECT count(*)::int FROM incident.outbox) AS outbox, (SELECT count(*)::int FROM incident.audit_log) AS audit,
              (SELECT count(*)::int FROM incident.request_comments) AS comments`,
    );
    if (!row) throw new Error('no counts');
    return row;
  }

  async function eventsAbout(id: string, type: string): Promise<CloudEvent> {
    return waitFor(async () => (await readEvents(h.nc, 'itsm.events.incident.>')).map((message) => message.body).find((event) => event.subject === id && event.type === type), {
      what: `${type} about ${id}`,
    });
  }

  async function submit(token: string, itemId = laptop.id, headers: Record<string, string> = {}): Promise<Reply<ServiceRequestView>> {
    return h.call<ServiceRequestView>('POST', '/v1/requests', token, { body: buildSubmitRequest(itemId), headers });
  }

  describe('catalog', () => {
    it('lets an admin add an item: 201 with Location and ETag', async () => {
      const reply = await h.call<CatalogItemView>('POST', '/v1/catalog/items', ada, { body: buildCatalogItem({ name: 'Docking station' }) });

      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ name: 'Docking station', status: 'active', version: 1 });
      expect(reply.headers.get('location')).toBe(`/v1/catalog/items/${reply.body.id}`);
      expect(reply.headers.get('etag')).toBe('"1"');
    });

    it('refuses catalog changes to agents and requesters with 403, writing nothing', async () => {
      const before = await written();

      expectProblem(await h.call('POST', '/v1/catalog/items', sam, { body: buildCatalogItem() }), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('PATCH', `/v1/catalog/items/${laptop.id}`, alice, { body: { name: 'Mine' } }), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('POST', `/v1/catalog/items/${laptop.id}/retire`, sam), 403, ErrorCode.FORBIDDEN);

      await expect(written()).resolves.toEqual(before);
    });

    it('refuses an invalid form with 400 naming formSchema, and an approval type that does not exist naming approval.type', async () => {
      const before = await written();

      const badForm = expectProblem(await h.call('POST', '/v1/catalog/items', ada, { body: buildCatalogItem({ formSchema: { type: 'object', properties: { a: { type: 'text' } } } }) }), 400, ErrorCode.VALIDATION);
      expect(badForm.errors?.map((error) => error.field)).toContain('formSchema.properties.a.type');
      const badType = expectProblem(await h.call('POST', '/v1/catalog/items', ada, { body: { ...buildCatalogItem(), approval: { type: 'ceo' } } }), 400, ErrorCode.VALIDATION);
      expect(badType.errors?.map((error) => error.field)).toEqual(['approval.type']);

      await expect(written()).resolves.toEqual(before);
    });

    it('honours If-Match on updates: 412 for a stale version, 200 with the new ETag for the current one', async () => {
      const item = (await h.call<CatalogItemView>('POST', '/v1/catalog/items', ada, { body: buildCatalogItem() })).body;

      expectProblem(await h.call('PATCH', `/v1/catalog/items/${item.id}`, ada, { body: { expectedDeliveryHours: 8 }, headers: { 'if-match': '"7"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      const updated = await h.call<CatalogItemView>('PATCH', `/v1/catalog/items/${item.id}`, ada, { body: { expectedDeliveryHours: 8 }, headers: { 'if-match': '"1"' } });

      expect(updated.status).toBe(200);
      expect(updated.headers.get('etag')).toBe('"2"');
      await expect(h.database.query(`SELECT expected_delivery_hours, version FROM incident.catalog_items WHERE id = $1`, [item.id])).resolves.toEqual([{ expected_delivery_hours: 8, version: 2 }]);
    });

    it('lists active items to every role and hides retired ones from all but admins', async () => {
      const category = `gateway-${randomUUID()}`;
      const item = (await h.call<CatalogItemView>('POST', '/v1/catalog/items', ada, { body: buildCatalogItem({ category }) })).body;
      await expect(h.call<CatalogItemPage>('GET', `/v1/catalog/items?category=${category}`, bob)).resolves.toMatchObject({ status: 200, body: { items: [{ id: item.id }], nextCursor: null } });

      expect((await h.call('POST', `/v1/catalog/items/${item.id}/retire`, ada, { headers: { 'if-match': '"1"' } })).status).toBe(200);

      await expect(h.call<CatalogItemPage>('GET', `/v1/catalog/items?category=${category}`, bob)).resolves.toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
      expectProblem(await h.call('GET', `/v1/catalog/items/${item.id}`, bob), 404, ErrorCode.NOT_FOUND);
      await expect(h.call('GET', `/v1/catalog/items?category=${category}&status=retired`, ada)).resolves.toMatchObject({ status: 200, body: { items: [{ id: item.id, status: 'retired' }] } });
      expectProblem(await h.call('GET', '/v1/catalog/items?limit=0', bob), 400, ErrorCode.VALIDATION);
    });
  });

  describe('requests', () => {
    it('submits a request: 201 with Location and ETag, stored, and request_submitted on the stream', async () => {
      const reply = await submit(bob);

      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ state: RequestState.Approved, requesterId: 'bob', version: 2 });
      expect(reply.headers.get('location')).toBe(`/v1/requests/${reply.body.id}`);
      expect(reply.headers.get('etag')).toBe('"2"');
      await expect(h.database.query(`SELECT state, answers FROM incident.requests WHERE id = $1`, [reply.body.id])).resolves.toEqual([{ state: 'approved', answers: buildLaptopAnswers() }]);
      await expect(eventsAbout(reply.body.id, RequestEvents.submitted.type)).resolves.toMatchObject({ data: { id: reply.body.id, state: 'submitted' } });
    });

    it.each([
      ['answers failing the form', { itemId: 'ITEM', answers: { laptopModel: 'gaming-17' } }, ['answers.laptopModel']],
      ['an unknown field', { itemId: 'ITEM', answers: buildLaptopAnswers(), urgent: true }, ['urgent']],
      ['an item id that is not a UUID', { itemId: 'laptop', answers: buildLaptopAnswers() }, ['itemId']],
    ])('refuses %s with 400 naming the field, writing nothing', async (_label, body, fields) => {
      const before = await written();

      const problem = expectProblem(await h.call('POST', '/v1/requests', bob, { body: { ...body, itemId: body.itemId === 'ITEM' ? laptop.id : body.itemId } }), 400, ErrorCode.VALIDATION);

      expect([...new Set(problem.errors?.map((error) => error.field))]).toEqual(fields);
      await expect(written()).resolves.toEqual(before);
    });

    it('answers a retry with the same Idempotency-Key with the same request, and refuses a malformed key', async () => {
      const key = randomUUID();
      const first = await submit(bob, laptop.id, { 'idempotency-key': key });
      const before = await written();

      const again = await submit(bob, laptop.id, { 'idempotency-key': key });

      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      await expect(written()).resolves.toEqual(before);
      expectProblem(await submit(bob, laptop.id, { 'idempotency-key': 'spaces are not allowed' }), 400, ErrorCode.VALIDATION);
    });

    it('sends a manager approval to the manager of the token, who approves with If-Match; 422 without a manager claim', async () => {
      const item = (await h.call<CatalogItemView>('POST', '/v1/catalog/items', ada, { body: buildCatalogItem({ approval: { type: ApprovalType.Manager } }) })).body;
      expectProblem(await submit(bob, item.id), 422, ErrorCode.UNPROCESSABLE);

      const submitted = await submit(alice, item.id);
      expect(submitted.body).toMatchObject({ state: RequestState.AwaitingApproval, managerId: 'mallory' });
      await expect(eventsAbout(submitted.body.id, RequestEvents.approvalRequested.type)).resolves.toMatchObject({ data: { approverId: 'mallory' } });

      expectProblem(await h.call('POST', `/v1/requests/${submitted.body.id}/approve`, sam, { body: {} }), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('POST', `/v1/requests/${submitted.body.id}/approve`, mallory, { body: {}, headers: { 'if-match': '"1"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      const approved = await h.call<ServiceRequestView>('POST', `/v1/requests/${submitted.body.id}/approve`, mallory, { body: { comment: 'OK' }, headers: { 'if-match': '"2"' } });

      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ state: RequestState.Approved, version: 3 });
      expect(approved.headers.get('etag')).toBe('"3"');
      expectProblem(await h.call('POST', `/v1/requests/${submitted.body.id}/reject`, mallory, { body: {} }), 409, ErrorCode.CONFLICT);
      await expect(eventsAbout(submitted.body.id, RequestEvents.approved.type)).resolves.toMatchObject({ data: { approvedBy: ['mallory'], approvalType: 'manager' } });
    });

    it('rejects a 2-of-2 request on the first rejection', async () => {
      const item = (await h.call<CatalogItemView>('POST', '/v1/catalog/items', ada, { body: buildCatalogItem({ approval: { type: ApprovalType.NOfM, approvers: ['carol', 'dave'], required: 2 } }) })).body;
      const submitted = await submit(bob, item.id);

      const rejected = await h.call<ServiceRequestView>('POST', `/v1/requests/${submitted.body.id}/reject`, dave, { body: { comment: 'No' } });

      expect(rejected.body).toMatchObject({ state: RequestState.Rejected });
      expectProblem(await h.call('POST', `/v1/requests/${submitted.body.id}/approve`, carol, { body: {} }), 409, ErrorCode.CONFLICT);
      await expect(eventsAbout(submitted.body.id, RequestEvents.rejected.type)).resolves.toMatchObject({ data: { rejectedBy: 'dave', comment: 'No', rejections: 1, required: 2 } });
    });

    it('lets an agent fulfil a request through tasks and close it, each answer carrying the new ETag', async () => {
      const request = (await submit(alice)).body;
      const path = `/v1/requests/${request.id}`;

      const started = await h.call<ServiceRequestView>('POST', `${path}/transitions`, sam, { body: { to: 'in_fulfillment' }, headers: { 'if-match': '"2"' } });
      expect(started).toMatchObject({ status: 200, body: { state: 'in_fulfillment', tasks: [{ assignmentGroup: 'it-hardware', state: 'open' }] } });
      expect(started.headers.get('etag')).toBe('"3"');
      const refused = expectProblem(await h.call('POST', `${path}/transitions`, sam, { body: { to: 'fulfilled' } }), 409, ErrorCode.CONFLICT);
      expect(refused.detail).toContain('open tasks');
      expectProblem(await h.call('POST', `${path}/tasks`, alice, { body: { title: 'Order it', assignmentGroup: 'purchasing' } }), 403, ErrorCode.FORBIDDEN);
      const withTask = await h.call<ServiceRequestView>('POST', `${path}/tasks`, sam, { body: { title: 'Order it', assignmentGroup: 'purchasing' } });
      expect(withTask.body.tasks).toHaveLength(2);
      for (const task of withTask.body.tasks) expect((await h.call('POST', `${path}/tasks/${task.id}/complete`, sam)).status).toBe(200);

      const fulfilled = await h.call<ServiceRequestView>('POST', `${path}/transitions`, sam, { body: { to: 'fulfilled' } });
      expect(fulfilled.body.state).toBe('fulfilled');
      const closed = await h.call<ServiceRequestView>('POST', `${path}/transitions`, sam, { body: { to: 'closed' } });

      expect(closed).toMatchObject({ status: 200, body: { state: 'closed', version: 8 } });
      await expect(h.database.query(`SELECT state, version FROM incident.requests WHERE id = $1`, [request.id])).resolves.toEqual([{ state: 'closed', version: 8 }]);
      await expect(eventsAbout(request.id, RequestEvents.fulfilled.type)).resolves.toMatchObject({ data: { fulfilledBy: 'sam', tasksCompleted: 2 } });
    });

    it('refuses a move that is not allowed with 409 INVALID_TRANSITION naming the allowed states, and a target that does not exist with 400', async () => {
      const request = (await submit(alice)).body;

      const problem = expectProblem(await h.call('POST', `/v1/requests/${request.id}/transitions`, alice, { body: { to: 'in_fulfillment' } }), 409, ErrorCode.INVALID_TRANSITION);
      expect(problem.detail).toContain('allowed: canceled');
      const unknown = expectProblem(await h.call('POST', `/v1/requests/${request.id}/transitions`, sam, { body: { to: 'done' } }), 400, ErrorCode.VALIDATION);
      expect(unknown.errors?.map((error) => error.field)).toEqual(['to']);
      await expect(h.database.query(`SELECT state, version FROM incident.requests WHERE id = $1`, [request.id])).resolves.toEqual([{ state: 'approved', version: 2 }]);
    });

    it('lets the requester cancel their approved request', async () => {
      const request = (await submit(alice)).body;

      const canceled = await h.call<ServiceRequestView>('POST', `/v1/requests/${request.id}/transitions`, alice, { body: { to: 'canceled', reason: 'Found a spare one' } });

      expect(canceled.body.state).toBe('canceled');
      await expect(eventsAbout(request.id, RequestEvents.stateChanged.type)).resolves.toBeDefined();
    });

    it('hides a request from another requester (404), and lists only their own', async () => {
      const request = (await submit(alice)).body;
      const before = await written();

      expectProblem(await h.call('GET', `/v1/requests/${request.id}`, bob), 404, ErrorCode.NOT_FOUND);
      expectProblem(await h.call('POST', `/v1/requests/${request.id}/comments`, bob, { body: { body: 'Hello' } }), 404, ErrorCode.NOT_FOUND);
      expectProblem(await h.call('POST', `/v1/requests/${request.id}/transitions`, bob, { body: { to: 'canceled' } }), 404, ErrorCode.NOT_FOUND);
      await expect(written()).resolves.toEqual(before);

      const own = await h.call<ServiceRequestPage>('GET', '/v1/requests?limit=200', bob);
      expect(own.status).toBe(200);
      expect(own.body.items.length).toBeGreaterThan(0);
      expect(own.body.items.every((item) => item.requesterId === 'bob')).toBe(true);
      const read = await h.call<ServiceRequestView>('GET', `/v1/requests/${request.id}`, alice);
      expect(read.headers.get('etag')).toBe(`"${request.version}"`);
      expectProblem(await h.call('GET', '/v1/requests?state=done', sam), 400, ErrorCode.VALIDATION);
    });

    it('keeps internal comments from the requester', async () => {
      const request = (await submit(alice)).body;
      const path = `/v1/requests/${request.id}/comments`;

      expect((await h.call('POST', path, alice, { body: { body: 'Any news?' } })).status).toBe(201);
      expect((await h.call('POST', path, sam, { body: { body: 'Waiting for stock', visibility: 'internal' } })).status).toBe(201);
      expectProblem(await h.call('POST', path, alice, { body: { body: 'Secret', visibility: 'internal' } }), 403, ErrorCode.FORBIDDEN);

      await expect(h.call<RequestCommentPage>('GET', path, alice)).resolves.toMatchObject({ body: { items: [{ body: 'Any news?' }], nextCursor: null } });
      const agentView = await h.call<RequestCommentPage>('GET', path, sam);
      expect(agentView.body.items.map((comment) => comment.visibility)).toEqual(['public', 'internal']);
    });
  });

  it('documents the request and catalog routes in the OpenAPI document', async () => {
    const response = await fetch(`${h.baseUrl}/openapi.json`);
    const document = (await response.json()) as { paths: Record<string, unknown> };

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/requests',
        '/v1/requests/{id}',
        '/v1/requests/{id}/transitions',
        '/v1/requests/{id}/approve',
        '/v1/requests/{id}/reject',
        '/v1/requests/{id}/tasks',
        '/v1/requests/{id}/tasks/{taskId}/complete',
        '/v1/requests/{id}/comments',
        '/v1/catalog/items',
        '/v1/catalog/items/{id}',
        '/v1/catalog/items/{id}/retire',
      ]),
    );
  });

  describe('incidents of the same service', () => {
    it('reads a new routing rule back by its Location, with its ETag', async () => {
      const created = await h.call<RoutingRuleView>('POST', '/v1/routing-rules', ada, { body: { name: 'Printers', position: 50, conditions: { categories: ['printer'] }, assignmentGroup: 'desktop-support' } });
      expect(created.status).toBe(201);

      const read = await h.call<RoutingRuleView>('GET', created.headers.get('location') ?? '', sam);

      expect(read).toMatchObject({ status: 200, body: created.body });
      expect(read.headers.get('etag')).toBe(`"${created.body.version}"`);
      expectProblem(await h.call('GET', `/v1/routing-rules/${randomUUID()}`, sam), 404, ErrorCode.NOT_FOUND);
    });

    it('answers an incident history that the document’s schema accepts', async () => {
      const incident = await h.call<IncidentView>('POST', '/v1/incidents', sam, { body: { title: 'Printer on floor 3 jams', impact: 3, urgency: 3, category: 'printer' } });
      await h.call('PATCH', `/v1/incidents/${incident.body.id}`, sam, { body: { priority: 'P1', priorityReason: 'Board meeting', assigneeId: 'sam' } });
      const served = await ServedSchema.load(h.baseUrl);

      const history = await h.call<IncidentHistory>('GET', `/v1/incidents/${incident.body.id}/history`, sam);

      expect(history.status).toBe(200);
      const values = history.body.items.flatMap((entry) => entry.changes.flatMap((change) => [change.from, change.to]));
      expect(values).toEqual(expect.arrayContaining([null, 'P1', true]));
      expect(served.errorsOf(history.body, '/v1/incidents/{id}/history', 'get')).toEqual([]);
    });
  });
});
