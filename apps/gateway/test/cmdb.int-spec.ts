/** The CMDB over HTTP: the gateway in-process, the built cmdb service as a process, real NATS and PostgreSQL. */
import { randomUUID } from 'node:crypto';
import { type CiAtView, type CiClassList, type CiClassView, type CiHistory, type CiPage, type CiRelationshipList, type CiView, ErrorCode, type RelationshipRuleView, type RelationshipView, Role } from '@itsm/contracts';
import { mintToken, readEvents, waitFor } from '@itsm/testing';
import { expectProblem, GatewayWithService, type ProblemBody, type Reply } from './support/gateway-with-service';
import { ServedSchema } from './support/served-schema';

const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });
const sam = mintToken({ sub: 'sam', roles: [Role.Agent] });
const carl = mintToken({ sub: 'carl', roles: [Role.Cab] });
const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });

describe('the CMDB through the gateway', () => {
  let h: GatewayWithService;

  beforeAll(async () => {
    h = await GatewayWithService.start('cmdb');
  }, 60_000);

  afterAll(async () => {
    await expect(h?.stop()).resolves.toBe(0);
  }, 30_000);

  const fields = (reply: Reply): string[] => [...new Set(((reply.body as ProblemBody).errors ?? []).map((e) => e.field))].sort();

  async function createCi(body: Record<string, unknown>): Promise<CiView> {
    const reply = await h.call<CiView>('POST', '/v1/cis', sam, { body: { environment: 'prod', name: `ci-${randomUUID().slice(0, 8)}`, ...body } });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  describe('CIs', () => {
    it('creates a CI: 201 with Location and ETag, then reads it with the same ETag', async () => {
      const reply = await h.call<CiView>('POST', '/v1/cis', sam, { body: { className: 'database', name: 'payroll-db', environment: 'prod', identifiers: { fqdn: 'db-01.prod.example.com' }, attributes: { engine: 'postgresql', port: 5432 } } });

      expect(reply.status).toBe(201);
      expect(reply.headers.get('location')).toBe(`/v1/cis/${reply.body.id}`);
      expect(reply.headers.get('etag')).toBe('"1"');
      const read = await h.call<CiView>('GET', `/v1/cis/${reply.body.id}`, carl);
      expect(read).toMatchObject({ status: 200, body: reply.body });
      expect(read.headers.get('etag')).toBe('"1"');
      await expect(waitFor(async () => (await readEvents(h.nc, 'itsm.events.cmdb.ci_created.v1')).find((m) => m.body.subject === reply.body.id))).resolves.toBeDefined();
    });

    it.each([
      ['an unknown class', { className: 'mainframe', attributes: {} }, ['className']],
      ['an attribute of the wrong type', { className: 'database', attributes: { engine: 'postgresql', port: 'five' } }, ['attributes.port']],
      ['a field that does not exist', { className: 'database', attributes: { engine: 'mysql' }, colour: 'red' }, ['colour']],
    ])('refuses %s with 400 naming the field', async (_label, body, expected) => {
      const reply = await h.call('POST', '/v1/cis', sam, { body: { name: 'bad', environment: 'prod', ...body } });
      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(fields(reply)).toEqual(expected);
    });

    it('patches with If-Match: attributes merged and null removes; a stale ETag is 412', async () => {
      const ci = await createCi({ className: 'database', attributes: { engine: 'postgresql', version: '15', sizeGb: 10 } });

      const patched = await h.call<CiView>('PATCH', `/v1/cis/${ci.id}`, sam, { body: { attributes: { version: '16', sizeGb: null } }, headers: { 'if-match': '"1"' } });
      expect(patched.status).toBe(200);
      expect(patched.body.attributes).toEqual({ engine: 'postgresql', version: '16' });
      expect(patched.headers.get('etag')).toBe('"2"');

      expectProblem(await h.call('PATCH', `/v1/cis/${ci.id}`, sam, { body: { criticality: 1 }, headers: { 'if-match': '"1"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      expect(fields(await h.call('PATCH', `/v1/cis/${ci.id}`, sam, { body: { attributes: { port: 'x' } } }))).toEqual(['attributes.port']);
    });

    it('answers a history whose changes of every kind of value the document’s schema accepts', async () => {
      const ci = await createCi({ className: 'load_balancer', attributes: { vendor: 'F5', ports: [80] } });
      await h.call('PATCH', `/v1/cis/${ci.id}`, sam, { body: { attributes: { ports: [80, 443], vendor: null }, criticality: 2 } });
      const served = await ServedSchema.load(h.baseUrl);

      const history = await h.call<CiHistory>('GET', `/v1/cis/${ci.id}/history`, carl);

      expect(history.status).toBe(200);
      const values = history.body.items.flatMap((entry) => entry.changes.flatMap((change) => [change.from, change.to]));
      expect(new Set(values.map((value) => (value === null ? 'null' : typeof value)))).toEqual(new Set(['null', 'string', 'number', 'object']));
      expect(served.errorsOf(history.body, '/v1/cis/{id}/history', 'get')).toEqual([]);
    });

    it('retires a CI with a reason, and keeps its history', async () => {
      const ci = await createCi({ className: 'server' });

      const retired = await h.call<CiView>('POST', `/v1/cis/${ci.id}/retire`, sam, { body: { reason: 'Decommissioned.' }, headers: { 'if-match': '"1"' } });
      expect(retired).toMatchObject({ status: 200, body: { status: 'retired', version: 2 } });
      expect(retired.headers.get('etag')).toBe('"2"');

      const history = await h.call<CiHistory>('GET', `/v1/cis/${ci.id}/history`, carl);
      expect(history.body.items.map((entry) => [entry.action, entry.actorId, entry.source])).toEqual([
        ['created', 'sam', 'manual'],
        ['retired', 'sam', 'manual'],
      ]);
      expect(history.body.items[1]).toMatchObject({ reason: 'Decommissioned.' });
    });

    it('lists with filters and cursor pages; a cursor of another sort is a 400 naming cursor', async () => {
      const environment = `env${randomUUID().slice(0, 6)}`;
      for (const [name, port] of [['alpha-db', 5432], ['beta-db', 3306], ['gamma-db', 5432]] as const) {
        await createCi({ className: 'database', name, environment, attributes: { engine: 'postgresql', port } });
      }

      const first = await h.call<CiPage>('GET', `/v1/cis?environment=${environment}&attr=port:5432&attr=engine:postgresql&limit=1`, carl);
      expect(first.body.items.map((ci) => ci.name)).toEqual(['alpha-db']);
      const second = await h.call<CiPage>('GET', `/v1/cis?environment=${environment}&attr=port:5432&attr=engine:postgresql&limit=1&cursor=${first.body.nextCursor}`, carl);
      expect(second.body).toEqual({ items: [expect.objectContaining({ name: 'gamma-db' })], nextCursor: null });
      await expect(h.call<CiPage>('GET', `/v1/cis?environment=${environment}&q=BETA`, carl)).resolves.toMatchObject({ body: { items: [{ name: 'beta-db' }] } });

      const foreign = await h.call('GET', `/v1/cis?environment=${environment}&sort=-createdAt&cursor=${first.body.nextCursor}`, carl);
      expectProblem(foreign, 400, ErrorCode.VALIDATION);
      expect(fields(foreign)).toEqual(['cursor']);
    });

    it('keeps requesters out of the CMDB and CAB members from changing it', async () => {
      expectProblem(await h.call('GET', '/v1/cis', alice), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('POST', '/v1/cis', carl, { body: { className: 'server', name: 'x', environment: 'prod' } }), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', `/v1/cis/${randomUUID()}`, sam), 404, ErrorCode.NOT_FOUND);
    });
  });

  describe('relationships', () => {
    it('adds an edge (201), refuses it again (409), a self edge and a disallowed pair (400); lists it from both ends; removes it', async () => {
      const app = await createCi({ className: 'application', name: 'payroll-app' });
      const db = await createCi({ className: 'database', name: 'payroll-db-2', attributes: { engine: 'mysql' } });

      const added = await h.call<RelationshipView>('POST', '/v1/relationships', sam, { body: { type: 'depends_on', sourceId: app.id, targetId: db.id } });
      expect(added).toMatchObject({ status: 201, body: { type: 'depends_on', sourceId: app.id, targetId: db.id, dataSource: 'manual' } });
      expect(added.headers.get('location')).toBe(`/v1/relationships/${added.body.id}`);
      await expect(h.call('GET', added.headers.get('location') ?? '', carl)).resolves.toMatchObject({ status: 200, body: added.body });
      expectProblem(await h.call('POST', '/v1/relationships', sam, { body: { type: 'depends_on', sourceId: app.id, targetId: db.id } }), 409, ErrorCode.CONFLICT);
      const self = await h.call('POST', '/v1/relationships', sam, { body: { type: 'depends_on', sourceId: app.id, targetId: app.id } });
      expectProblem(self, 400, ErrorCode.VALIDATION);
      expect(fields(self)).toEqual(['targetId']);
      const disallowed = await h.call('POST', '/v1/relationships', sam, { body: { type: 'depends_on', sourceId: db.id, targetId: app.id } });
      expectProblem(disallowed, 400, ErrorCode.VALIDATION);
      expect(fields(disallowed)).toEqual(['type']);

      const ofDb = await h.call<CiRelationshipList>('GET', `/v1/cis/${db.id}/relationships`, carl);
      expect(ofDb.body.items).toEqual([{ relationship: added.body, direction: 'incoming', ci: expect.objectContaining({ id: app.id, name: 'payroll-app', className: 'application' }) }]);

      await expect(h.call('DELETE', `/v1/relationships/${added.body.id}`, sam)).resolves.toMatchObject({ status: 200, body: added.body });
      await expect(h.call<CiRelationshipList>('GET', `/v1/cis/${db.id}/relationships`, carl)).resolves.toMatchObject({ body: { items: [] } });

      const past = await h.call<CiAtView>('GET', `/v1/cis/${db.id}/at?time=${encodeURIComponent(added.body.createdAt)}`, carl);
      expect(past.status).toBe(200);
      expectProblem(await h.call('GET', `/v1/cis/${db.id}/at?time=2001-01-01T00:00:00Z`, carl), 404, ErrorCode.NOT_FOUND);
      expect(fields(await h.call('GET', `/v1/cis/${db.id}/at?time=yesterday`, carl))).toEqual(['time']);
    });

    it('lets admins add and remove relationship rules, and nobody else', async () => {
      expectProblem(await h.call('POST', '/v1/cmdb/relationship-rules', sam, { body: { type: 'connects_to', sourceClass: 'network_device', targetClass: '*' } }), 403, ErrorCode.FORBIDDEN);
      const rule = await h.call<RelationshipRuleView>('POST', '/v1/cmdb/relationship-rules', ada, { body: { type: 'connects_to', sourceClass: 'network_device', targetClass: '*' } });
      expect(rule).toMatchObject({ status: 201, body: { type: 'connects_to', sourceClass: 'network_device', targetClass: '*' } });
      const listed = await h.call<{ items: RelationshipRuleView[] }>('GET', '/v1/cmdb/relationship-rules?type=connects_to&sourceClass=network_device', carl);
      expect(listed.body.items.map((r) => r.targetClass)).toEqual(['*', 'network_device']);
      await expect(h.call('DELETE', `/v1/cmdb/relationship-rules/${rule.body.id}`, ada)).resolves.toMatchObject({ status: 200, body: rule.body });
    });
  });

  it('documents the CMDB routes in the OpenAPI document, with examples', async () => {
    const document = (await (await fetch(`${h.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; schema?: { type?: string } }>; requestBody?: { content: Record<string, { examples?: object }> } }>> };

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/cis', '/v1/cis/{id}', '/v1/cis/{id}/retire', '/v1/cis/{id}/relationships', '/v1/cis/{id}/history', '/v1/cis/{id}/at', '/v1/ci-classes', '/v1/ci-classes/{name}', '/v1/relationships', '/v1/relationships/{id}', '/v1/cmdb/relationship-rules', '/v1/cmdb/relationship-rules/{id}']),
    );
    expect(document.paths['/v1/cis']?.['post']?.requestBody?.content['application/json']?.examples).toBeDefined();
    expect(document.paths['/v1/cis']?.['get']?.parameters?.find((parameter) => parameter.name === 'attr')?.schema?.type).toBe('array');
  });

  describe('classes', () => {
    it('lists and reads classes; admins add one (201, Location) and replace it with If-Match', async () => {
      const list = await h.call<CiClassList>('GET', '/v1/ci-classes', carl);
      expect(list.body.items.map((c) => c.name)).toContain('kubernetes_cluster');
      const database = await h.call<CiClassView>('GET', '/v1/ci-classes/database', sam);
      expect(database.headers.get('etag')).toBe('"1"');

      const definition = { label: 'Message queue', attributeSchema: { type: 'object', properties: { product: { enum: ['kafka', 'nats'] } }, required: ['product'] }, identificationRules: [['fqdn']] };
      const created = await h.call<CiClassView>('POST', '/v1/ci-classes', ada, { body: { name: 'message_queue', ...definition } });
      expect(created).toMatchObject({ status: 201, body: { name: 'message_queue', builtIn: false, version: 1 } });
      expect(created.headers.get('location')).toBe('/v1/ci-classes/message_queue');
      const wrong = await createCiReply({ className: 'message_queue', attributes: { product: 'rabbit' } });
      expect(fields(wrong)).toEqual(['attributes.product']);

      const replaced = await h.call<CiClassView>('PUT', '/v1/ci-classes/message_queue', ada, { body: { ...definition, attributeSchema: { type: 'object', properties: { product: { enum: ['kafka', 'nats', 'rabbit'] } } } }, headers: { 'if-match': '"1"' } });
      expect(replaced).toMatchObject({ status: 200, body: { version: 2 } });
      expect(replaced.headers.get('etag')).toBe('"2"');
      expect((await createCiReply({ className: 'message_queue', attributes: { product: 'rabbit' } })).status).toBe(201);
      expectProblem(await h.call('PUT', '/v1/ci-classes/message_queue', ada, { body: definition, headers: { 'if-match': '"1"' } }), 412, ErrorCode.PRECONDITION_FAILED);
    });

    it('refuses an attribute schema that is not valid JSON Schema with 400 naming attributeSchema, and class changes by non-admins with 403', async () => {
      const reply = await h.call('POST', '/v1/ci-classes', ada, { body: { name: 'storage_array', label: 'Storage array', attributeSchema: { type: 'object', properties: { size: { type: 'bigint' } } }, identificationRules: [['serial']] } });
      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(fields(reply).every((field) => field.startsWith('attributeSchema'))).toBe(true);
      expectProblem(await h.call('POST', '/v1/ci-classes', sam, { body: { name: 'storage_array', label: 'x', attributeSchema: { type: 'object' }, identificationRules: [] } }), 403, ErrorCode.FORBIDDEN);
    });
  });

  function createCiReply(body: Record<string, unknown>): Promise<Reply<CiView>> {
    return h.call<CiView>('POST', '/v1/cis', sam, { body: { environment: 'prod', name: `ci-${randomUUID().slice(0, 8)}`, ...body } });
  }
});
