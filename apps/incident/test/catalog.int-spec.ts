import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { type Actor, ApprovalType, CatalogItemStatus, CatalogRpc, type CatalogItemView, CommonErrorCode, ErrorCode, RequestErrorCode, Role } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import type { RunningService } from '@itsm/runtime';
import { buildCatalogItem, createTestDatabase, fieldsOf, resetStreams, serviceTestEnv, startTestService, type TestDatabase, connectTestNats } from '@itsm/testing';
import { incidentApp } from '../src/service-definition';

const admin: Actor = { sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] };
const agent: Actor = { sub: 'sam', roles: [Role.Agent] };
const alice: Actor = { sub: 'alice', roles: [Role.Requester] };

describe('request catalog over RPC', () => {
  let database: TestDatabase;
  let nc: NatsConnection;
  let service: RunningService;
  let rpc: RpcClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    nc = await connectTestNats('catalog-test');
    await resetStreams(nc);
    service = await startTestService(incidentApp, serviceTestEnv(database));
    rpc = new RpcClient(nc, 5_000);
  });

  afterAll(async () => {
    await service.shutdown();
    await nc.drain();
    await database.drop();
  });

  async function counts(): Promise<{ items: number; audit: number }> {
    const [row] = await database.query<{ items: number; audit: number }>(
      `SELECT (SELECT count(*)::int FROM incident.catalog_items) AS items, (SELECT count(*)::int FROM incident.audit_log WHERE entity_type = 'catalog_item') AS audit`,
    );
    return row ?? { items: -1, audit: -1 };
  }

  it('lets an admin add an item: stored with its form and approval rules, version 1, and audited', async () => {
    const input = buildCatalogItem({ approval: { type: ApprovalType.NOfM, approvers: ['carol', 'dave', 'erin'], required: 2 } });

    const item = await rpc.call(CatalogRpc.create, input, { actor: admin });

    expect(item).toMatchObject({ name: input.name, status: CatalogItemStatus.Active, version: 1, formSchema: input.formSchema, approval: input.approval, expectedDeliveryHours: 72 });
    const [row] = await database.query(`SELECT name, form_schema, approval, fulfillment_group, status, version FROM incident.catalog_items WHERE id = $1`, [item.id]);
    expect(row).toEqual({ name: input.name, form_schema: input.formSchema, approval: input.approval, fulfillment_group: 'it-hardware', status: 'active', version: 1 });
    const audit = await database.query(`SELECT action, actor_id, before FROM incident.audit_log WHERE entity_id = $1`, [item.id]);
    expect(audit).toEqual([{ action: 'created', actor_id: 'ada', before: null }]);
  });

  it.each([
    ['an agent', agent],
    ['a requester', alice],
  ])('refuses %s managing the catalog with FORBIDDEN, and writes nothing', async (_label, actor) => {
    const before = await counts();

    await expect(rpc.call(CatalogRpc.create, buildCatalogItem(), { actor })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired });

    await expect(counts()).resolves.toEqual(before);
  });

  it.each([
    ['a form that is not an object', { type: 'array' }, 'formSchema.type'],
    ['a form with a type that does not exist', { type: 'object', properties: { laptopModel: { type: 'text' } } }, 'formSchema.properties.laptopModel.type'],
    ['a form requiring a field it does not define', { type: 'object', properties: {}, required: ['laptopModle'] }, 'formSchema'],
  ])('refuses %s naming formSchema, and writes nothing', async (_label, formSchema, field) => {
    const before = await counts();

    const error = await rpc.call(CatalogRpc.create, buildCatalogItem({ formSchema }), { actor: admin }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: RequestErrorCode.CatalogInvalidFormSchema });
    expect(fieldsOf(error)).toContain(field);
    await expect(counts()).resolves.toEqual(before);
  });

  it.each([
    ['n of m needing more approvals than approvers', { type: ApprovalType.NOfM, approvers: ['carol'], required: 2 }, ['approval.required'], RequestErrorCode.CatalogInvalidApprovalPolicy],
    ['a group approval without a group', { type: ApprovalType.Group }, ['approval.group'], CommonErrorCode.InvalidRequest],
    ['a manager approval naming approvers', { type: ApprovalType.Manager, approvers: ['carol'] }, ['approval.approvers'], RequestErrorCode.CatalogInvalidApprovalPolicy],
    ['an approval type that does not exist', { type: 'ceo' }, ['approval.type'], CommonErrorCode.InvalidRequest],
  ])('refuses %s naming the field, and writes nothing', async (_label, approval, fields, reason) => {
    const before = await counts();

    const error = await rpc.call(CatalogRpc.create, buildCatalogItem({ approval: approval as never }), { actor: admin }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason });
    expect(fieldsOf(error)).toEqual(fields);
    await expect(counts()).resolves.toEqual(before);
  });

  it('refuses unknown fields and malformed values naming each, and writes nothing', async () => {
    const before = await counts();

    const error = await rpc.call(CatalogRpc.create, { ...buildCatalogItem({ expectedDeliveryHours: 0 }), price: 1200 } as never, { actor: admin }).catch((e: unknown) => e);

    expect(fieldsOf(error)).toEqual(['expectedDeliveryHours', 'price']);
    await expect(counts()).resolves.toEqual(before);
  });

  it('updates the fields sent, moves the version on, and audits before and after', async () => {
    const item = await rpc.call(CatalogRpc.create, buildCatalogItem(), { actor: admin });

    const updated = await rpc.call(CatalogRpc.update, { id: item.id, expectedVersion: 1, expectedDeliveryHours: 24, approval: { type: ApprovalType.Group, group: 'it-procurement' } }, { actor: admin });

    expect(updated).toMatchObject({ name: item.name, expectedDeliveryHours: 24, approval: { type: ApprovalType.Group, group: 'it-procurement' }, version: 2 });
    const audit = await database.query<{ before: CatalogItemView; after: CatalogItemView }>(`SELECT before, after FROM incident.audit_log WHERE entity_id = $1 AND action = 'updated'`, [item.id]);
    expect(audit).toEqual([{ before: item, after: updated }]);
  });

  it('refuses an update based on a stale version with PRECONDITION_FAILED, and changes nothing', async () => {
    const item = await rpc.call(CatalogRpc.create, buildCatalogItem(), { actor: admin });
    await rpc.call(CatalogRpc.update, { id: item.id, name: 'Laptop, renamed' }, { actor: admin });

    await expect(rpc.call(CatalogRpc.update, { id: item.id, expectedVersion: 1, name: 'Lost update' }, { actor: admin })).rejects.toMatchObject({
      code: ErrorCode.PRECONDITION_FAILED,
    });

    await expect(database.query(`SELECT name, version FROM incident.catalog_items WHERE id = $1`, [item.id])).resolves.toEqual([{ name: 'Laptop, renamed', version: 2 }]);
  });

  it('refuses clearing a required field and an invalid new form', async () => {
    const item = await rpc.call(CatalogRpc.create, buildCatalogItem(), { actor: admin });

    const cleared = await rpc.call(CatalogRpc.update, { id: item.id, name: null } as never, { actor: admin }).catch((e: unknown) => e);
    expect(cleared).toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidRequest });
    expect(fieldsOf(cleared)).toEqual(['name']);
    await expect(rpc.call(CatalogRpc.update, { id: item.id, formSchema: { type: 'string' } }, { actor: admin }).catch(fieldsOf)).resolves.toEqual(['formSchema.type']);
    await expect(database.query(`SELECT version FROM incident.catalog_items WHERE id = $1`, [item.id])).resolves.toEqual([{ version: 1 }]);
  });

  it('answers NOT_FOUND for an unknown item', async () => {
    await expect(rpc.call(CatalogRpc.update, { id: randomUUID(), name: 'Nothing' }, { actor: admin })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      reason: RequestErrorCode.CatalogItemNotFound,
    });
    await expect(rpc.call(CatalogRpc.get, { id: randomUUID() }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('retires an item: hidden from everybody but admins, who list it among the retired', async () => {
    const category = `retire-${randomUUID()}`;
    const item = await rpc.call(CatalogRpc.create, buildCatalogItem({ category }), { actor: admin });

    const retired = await rpc.call(CatalogRpc.retire, { id: item.id, expectedVersion: 1 }, { actor: admin });

    expect(retired).toMatchObject({ status: CatalogItemStatus.Retired, version: 2 });
    await expect(rpc.call(CatalogRpc.get, { id: item.id }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(rpc.call(CatalogRpc.get, { id: item.id }, { actor: admin })).resolves.toEqual(retired);
    await expect(rpc.call(CatalogRpc.list, { category }, { actor: alice })).resolves.toEqual({ items: [], nextCursor: null });
    await expect(rpc.call(CatalogRpc.list, { category, status: CatalogItemStatus.Retired }, { actor: admin })).resolves.toEqual({ items: [retired], nextCursor: null });
    await expect(rpc.call(CatalogRpc.list, { category, status: CatalogItemStatus.Retired }, { actor: alice })).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      reason: RequestErrorCode.CatalogRetiredItemsAdminsOnly,
    });
    await expect(rpc.call(CatalogRpc.retire, { id: item.id }, { actor: admin })).resolves.toEqual(retired);
  });

  it('lists active items by name for every role, a page at a time', async () => {
    const category = `paging-${randomUUID()}`;
    for (const name of ['Monitor', 'Dock', 'Headset']) await rpc.call(CatalogRpc.create, buildCatalogItem({ name, category }), { actor: admin });

    const first = await rpc.call(CatalogRpc.list, { category, limit: 2 }, { actor: alice });
    expect(first.items.map((item) => item.name)).toEqual(['Dock', 'Headset']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await rpc.call(CatalogRpc.list, { category, limit: 2, cursor: first.nextCursor ?? '' }, { actor: agent });
    expect(second).toEqual({ items: [expect.objectContaining({ name: 'Monitor' })], nextCursor: null });
  });

  it('refuses a cursor it did not make, naming cursor', async () => {
    await expect(rpc.call(CatalogRpc.list, { cursor: 'bm90LWEtY3Vyc29y' }, { actor: alice }).catch(fieldsOf)).resolves.toEqual(['cursor']);
  });
});
