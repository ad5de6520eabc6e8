/** Relationships and relationship rules over RPC: the cmdb service on real Postgres and NATS. */
import { randomUUID } from 'node:crypto';
import { type CiRelationshipList, type CiView, CmdbErrorCode, CmdbEvents, CmdbRpc, type CreateCiRequest, ErrorCode, RelationshipType } from '@itsm/contracts';
import { ada, alice, carl, fieldsOf, maria, sam } from '@itsm/testing';
import { CmdbHarness } from './support/cmdb-harness';

describe('relationships over RPC', () => {
  let h: CmdbHarness;
  const make = (input: Partial<CreateCiRequest> & { className: string }): Promise<CiView> =>
    h.rpc.call(CmdbRpc.createCi, { name: `${input.className}-${randomUUID().slice(0, 6)}`, environment: 'prod', ...input }, { actor: sam });

  beforeAll(async () => {
    h = await CmdbHarness.start();
  });

  afterAll(() => h.stop());

  it('adds an allowed edge: stored with source manual, audited, relationship_added; listed from both ends with the other CI', async () => {
    const app = await make({ className: 'application', name: 'payroll-app' });
    const db = await make({ className: 'database', name: 'payroll-db', attributes: { engine: 'postgresql' }, criticality: 1 });

    const edge = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: db.id }, { actor: maria });

    expect(edge).toMatchObject({ type: 'depends_on', sourceId: app.id, targetId: db.id, dataSource: 'manual' });
    await expect(h.row('ci_relationships', edge.id)).resolves.toMatchObject({ type: 'depends_on', source_id: app.id, target_id: db.id, data_source: 'manual' });
    await expect(h.audit(edge.id)).resolves.toEqual([
      expect.objectContaining({ entity_type: 'relationship', action: 'added', actor_id: 'maria', after: expect.objectContaining({ sourceId: app.id, targetId: db.id, type: 'depends_on', dataSource: 'manual' }) }),
    ]);
    const [event] = await h.events(CmdbEvents.relationshipAdded, edge.id);
    expect(event?.data).toEqual({ relationship: edge });

    const fromApp = await h.rpc.call(CmdbRpc.ciRelationships, { id: app.id }, { actor: carl });
    expect(fromApp.items).toEqual([{ relationship: edge, direction: 'outgoing', ci: { id: db.id, name: 'payroll-db', className: 'database', environment: 'prod', status: 'operational', criticality: 1 } }]);
    const fromDb = await h.rpc.call(CmdbRpc.ciRelationships, { id: db.id }, { actor: carl });
    expect(fromDb.items).toEqual([expect.objectContaining({ direction: 'incoming', ci: expect.objectContaining({ id: app.id, name: 'payroll-app' }) })]);
  });

  it('refuses the same edge again with CONFLICT, and writes nothing', async () => {
    const app = await make({ className: 'application' });
    const vm = await make({ className: 'virtual_machine' });
    await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.RunsOn, sourceId: app.id, targetId: vm.id }, { actor: sam });
    const audits = await h.count(`audit_log WHERE entity_type = 'relationship'`);

    await expect(h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.RunsOn, sourceId: app.id, targetId: vm.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: CmdbErrorCode.RelationshipExists });

    await expect(h.count(`ci_relationships WHERE source_id = $1`, [app.id])).resolves.toBe(1);
    await expect(h.count(`audit_log WHERE entity_type = 'relationship'`)).resolves.toBe(audits);
  });

  it('refuses a self edge naming targetId, and unknown CIs naming each', async () => {
    const app = await make({ className: 'application' });

    const self = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: app.id }, { actor: sam }).catch((e: unknown) => e);
    expect(self).toMatchObject({ code: ErrorCode.VALIDATION, reason: CmdbErrorCode.RelationshipSelfLoop });
    expect(fieldsOf(self)).toEqual(['targetId']);

    const unknown = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: randomUUID(), targetId: randomUUID() }, { actor: sam }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: CmdbErrorCode.RelationshipCiNotFound });
    expect(fieldsOf(unknown)).toEqual(['sourceId', 'targetId']);
  });

  it('refuses a class pair no rule allows naming type, with the allowed target classes in the message', async () => {
    const db = await make({ className: 'database', attributes: { engine: 'redis' } });
    const app = await make({ className: 'application' });

    const error = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: db.id, targetId: app.id }, { actor: sam }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: CmdbErrorCode.RelationshipNotAllowed, message: 'a database cannot depends_on a application; no depends_on relationship may start at a database' });
    expect(fieldsOf(error)).toEqual(['type']);

    const partOf = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.PartOf, sourceId: app.id, targetId: db.id }, { actor: sam }).catch((e: unknown) => e);
    expect(partOf).toMatchObject({ code: ErrorCode.VALIDATION, message: expect.stringContaining('allowed target classes: business_service'), details: { allowedTargetClasses: ['business_service'] } });
  });

  it('refuses an edge to a retired CI with CONFLICT; the retired CI keeps its edges', async () => {
    const app = await make({ className: 'application' });
    const db = await make({ className: 'database', attributes: { engine: 'mysql' } });
    const kept = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: db.id }, { actor: sam });
    await h.rpc.call(CmdbRpc.retireCi, { id: db.id }, { actor: sam });
    const other = await make({ className: 'application' });

    await expect(h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: other.id, targetId: db.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: CmdbErrorCode.RelationshipCiRetired });
    await expect(h.rpc.call(CmdbRpc.ciRelationships, { id: db.id }, { actor: sam })).resolves.toEqual({ items: [expect.objectContaining({ relationship: kept })], nextCursor: null });
  });

  it('reads an edge back, and removes it: row gone, audited with what it was, relationship_removed; a second remove is NOT_FOUND', async () => {
    const app = await make({ className: 'application' });
    const lb = await make({ className: 'load_balancer' });
    const edge = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: lb.id }, { actor: sam });

    await expect(h.rpc.call(CmdbRpc.getRelationship, { id: edge.id }, { actor: sam })).resolves.toEqual(edge);
    await expect(h.rpc.call(CmdbRpc.removeRelationship, { id: edge.id }, { actor: sam })).resolves.toEqual(edge);

    await expect(h.count('ci_relationships WHERE id = $1', [edge.id])).resolves.toBe(0);
    await expect(h.audit(edge.id)).resolves.toEqual([expect.objectContaining({ action: 'added' }), expect.objectContaining({ action: 'removed', after: null, before: expect.objectContaining({ id: edge.id }) })]);
    await expect(h.events(CmdbEvents.relationshipRemoved, edge.id)).resolves.toEqual([expect.objectContaining({ data: { relationship: edge } })]);
    await expect(h.rpc.call(CmdbRpc.removeRelationship, { id: edge.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.RelationshipNotFound });
    await expect(h.rpc.call(CmdbRpc.getRelationship, { id: edge.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.RelationshipNotFound });
  });

  it('pages through the relationships of a busy CI, outgoing first, narrowed by direction and type', async () => {
    const namespace = await make({ className: 'kubernetes_namespace', name: 'payments' });
    const cluster = await make({ className: 'kubernetes_cluster', name: 'prod-eu-1' });
    await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.PartOf, sourceId: namespace.id, targetId: cluster.id }, { actor: sam });
    for (const name of ['web', 'api', 'worker', 'cron']) {
      const workload = await make({ className: 'kubernetes_workload', name, attributes: { kind: 'Deployment' } });
      await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.PartOf, sourceId: workload.id, targetId: namespace.id }, { actor: sam });
    }
    const service = await make({ className: 'service_instance', name: 'payments-svc' });
    await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.PartOf, sourceId: service.id, targetId: namespace.id }, { actor: sam });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: CiRelationshipList = await h.rpc.call(CmdbRpc.ciRelationships, { id: namespace.id, limit: 2, ...(cursor ? { cursor } : {}) }, { actor: carl });
      seen.push(...page.items.map((item) => `${item.direction}:${item.ci.name}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['outgoing:prod-eu-1', 'incoming:api', 'incoming:cron', 'incoming:payments-svc', 'incoming:web', 'incoming:worker']);

    const incoming = await h.rpc.call(CmdbRpc.ciRelationships, { id: namespace.id, direction: 'incoming', type: RelationshipType.PartOf, limit: 10 }, { actor: carl });
    expect(incoming.items).toHaveLength(5);
    await expect(h.rpc.call(CmdbRpc.ciRelationships, { id: namespace.id, direction: 'outgoing', type: RelationshipType.DependsOn }, { actor: carl })).resolves.toEqual({ items: [], nextCursor: null });
    await expect(h.rpc.call(CmdbRpc.ciRelationships, { id: namespace.id, cursor: 'bm90LWEtY3Vyc29y' }, { actor: carl }).catch(fieldsOf)).resolves.toEqual(['cursor']);
  });

  it('lets only agents, managers and admins change relationships', async () => {
    const app = await make({ className: 'application' });
    const server = await make({ className: 'server' });
    await expect(h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.RunsOn, sourceId: app.id, targetId: server.id }, { actor: carl })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(h.rpc.call(CmdbRpc.ciRelationships, { id: app.id }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });

  describe('relationship rules', () => {
    it('lists the built-in rules by type, narrowed by type and source class', async () => {
      const all = await h.rpc.call(CmdbRpc.listRelationshipRules, {}, { actor: carl });
      expect(all.items.length).toBeGreaterThanOrEqual(39);
      const fromDb = await h.rpc.call(CmdbRpc.listRelationshipRules, { type: RelationshipType.RunsOn, sourceClass: 'database' }, { actor: carl });
      expect(fromDb.items.map((rule) => rule.targetClass)).toEqual(['container', 'server', 'virtual_machine']);
    });

    it('lets an admin allow a new pair, with * for any class, and remove it again; existing edges stay', async () => {
      const netA = await make({ className: 'network_device' });
      const lb = await make({ className: 'load_balancer' });
      await expect(h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.ConnectsTo, sourceId: netA.id, targetId: lb.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });

      const rule = await h.rpc.call(CmdbRpc.createRelationshipRule, { type: RelationshipType.ConnectsTo, sourceClass: 'network_device', targetClass: '*' }, { actor: ada });
      expect(rule).toMatchObject({ type: 'connects_to', sourceClass: 'network_device', targetClass: '*' });
      const edge = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.ConnectsTo, sourceId: netA.id, targetId: lb.id }, { actor: sam });
      await expect(h.rpc.call(CmdbRpc.createRelationshipRule, { type: RelationshipType.ConnectsTo, sourceClass: 'network_device', targetClass: '*' }, { actor: ada })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: CmdbErrorCode.RelationshipRuleExists });

      await expect(h.rpc.call(CmdbRpc.deleteRelationshipRule, { id: rule.id }, { actor: ada })).resolves.toEqual(rule);
      await expect(h.count('ci_relationships WHERE id = $1', [edge.id])).resolves.toBe(1);
      const server = await make({ className: 'server' });
      await expect(h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.ConnectsTo, sourceId: netA.id, targetId: server.id }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
      await expect(h.count(`audit_log WHERE entity_type = 'relationship_rule' AND entity_id = $1`, [rule.id])).resolves.toBe(2);
    });

    it('lets a rule name a class an admin added', async () => {
      await h.rpc.call(CmdbRpc.createClass, { name: 'message_queue', label: 'Message queue', attributeSchema: { type: 'object' }, identificationRules: [['fqdn']] }, { actor: ada });
      await h.rpc.call(CmdbRpc.createRelationshipRule, { type: RelationshipType.DependsOn, sourceClass: 'application', targetClass: 'message_queue' }, { actor: ada });
      const app = await make({ className: 'application' });
      const queue = await make({ className: 'message_queue' });

      await expect(h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: queue.id }, { actor: sam })).resolves.toMatchObject({ targetId: queue.id });
    });

    it('refuses rules naming unknown classes, and rule changes by non-admins', async () => {
      const error = await h.rpc.call(CmdbRpc.createRelationshipRule, { type: RelationshipType.DependsOn, sourceClass: 'mainframe', targetClass: 'tape' }, { actor: ada }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: CmdbErrorCode.UnknownClass });
      expect(fieldsOf(error)).toEqual(['sourceClass', 'targetClass']);
      await expect(h.rpc.call(CmdbRpc.createRelationshipRule, { type: RelationshipType.DependsOn, sourceClass: '*', targetClass: '*' }, { actor: maria })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(h.rpc.call(CmdbRpc.deleteRelationshipRule, { id: randomUUID() }, { actor: ada })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.RelationshipRuleNotFound });
    });
  });
});
