/** The writers every CI change goes through (the API and the import engine), driven directly in a transaction. */
import { CiStatus, CmdbErrorCode, CmdbEvents, ErrorCode, MANUAL_SOURCE, RelationshipType } from '@itsm/contracts';
import { ClassRegistry } from '../src/classes/class-registry';
import { CiWriter, type NewCi } from '../src/cis/ci.writer';
import { RelationshipWriter } from '../src/relationships/relationship.writer';
import { fieldsOf } from '@itsm/testing';
import { CmdbHarness } from './support/cmdb-harness';

const manual = { actorId: 'sam', source: MANUAL_SOURCE };
const discovery = { actorId: 'importer', source: 'discovery' };

function database(overrides: Partial<NewCi> = {}): NewCi {
  return { className: 'database', name: 'payroll-db', environment: 'prod', identifiers: { fqdn: 'db-01.prod.example.com' }, attributes: { engine: 'postgresql', version: '15.4' }, ...overrides };
}

describe('CiWriter and RelationshipWriter', () => {
  let h: CmdbHarness;
  let cis: CiWriter;
  let edges: RelationshipWriter;

  beforeAll(async () => {
    h = await CmdbHarness.start();
    cis = h.get(CiWriter);
    edges = h.get(RelationshipWriter);
  });

  afterAll(() => h.stop());

  it('creates a CI with defaults, the source of every given field, an audit row and ci_created', async () => {
    const ci = await h.transaction((m) => cis.create(m, database(), discovery));

    expect(ci).toMatchObject({ status: CiStatus.Operational, criticality: 3, ownerGroup: null, version: 1 });
    expect(ci.attributeSources).toEqual({ name: 'discovery', environment: 'discovery', 'identifiers.fqdn': 'discovery', 'attributes.engine': 'discovery', 'attributes.version': 'discovery' });
    await expect(h.audit(ci.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'ci', action: 'created', actor_id: 'importer', before: null })]);
    const [event] = await h.events(CmdbEvents.ciCreated, ci.id);
    expect(event?.data).toMatchObject({ source: 'discovery', ci: { id: ci.id, name: 'payroll-db' } });
  });

  it('refuses an unknown class naming className, and attributes of the wrong type naming attributes.<name>', async () => {
    const before = await h.count('cis');

    await expect(h.transaction((m) => cis.create(m, database({ className: 'mainframe' }), manual)).catch(fieldsOf)).resolves.toEqual(['className']);
    await expect(h.transaction((m) => cis.create(m, database({ attributes: { engine: 'postgresql', port: 'five' } }), manual)).catch(fieldsOf)).resolves.toEqual(['attributes.port']);
    await expect(h.transaction((m) => cis.create(m, database({ attributes: { version: '1' } }), manual)).catch(fieldsOf)).resolves.toEqual(['attributes.engine']);

    await expect(h.count('cis')).resolves.toBe(before);
  });

  it('tells an import row without an environment, a name or a class that each is required, and writes nothing', async () => {
    const before = await h.count('cis');
    const row = { identifiers: { fqdn: 'db-09.prod.example.com' }, attributes: { engine: 'postgresql' } } as unknown as NewCi;

    await expect(h.transaction((m) => cis.create(m, row, discovery))).rejects.toMatchObject({
      code: ErrorCode.VALIDATION,
      reason: CmdbErrorCode.CiInvalidFields,
      details: {
        errors: [
          { field: 'className', message: 'is required' },
          { field: 'name', message: 'is required' },
          { field: 'environment', message: 'is required' },
        ],
      },
    });
    await expect(h.count('cis')).resolves.toBe(before);
  });

  it('updates only what changed: merged attributes, null deletes, sources per field, ci_updated with each change', async () => {
    const created = await h.transaction((m) => cis.create(m, database({ name: 'crm-db' }), discovery));

    const result = await h.transaction(async (m) => cis.update(m, await cis.lock(m, created.id), { attributes: { version: '16.1', port: 5432 }, criticality: 1 }, manual));

    expect(result.changes).toEqual([
      { field: 'criticality', from: 3, to: 1, source: 'manual' },
      { field: 'attributes.port', from: null, to: 5432, source: 'manual' },
      { field: 'attributes.version', from: '15.4', to: '16.1', source: 'manual' },
    ]);
    expect(result.ci).toMatchObject({ version: 2, attributes: { engine: 'postgresql', version: '16.1', port: 5432 } });
    expect(result.ci.attributeSources).toMatchObject({ 'attributes.engine': 'discovery', 'attributes.version': 'manual', 'attributes.port': 'manual', criticality: 'manual' });

    const removed = await h.transaction(async (m) => cis.update(m, await cis.lock(m, created.id), { attributes: { port: null } }, discovery));
    expect(removed.changes).toEqual([{ field: 'attributes.port', from: 5432, to: null, source: 'discovery' }]);
    expect(removed.ci.attributes).toEqual({ engine: 'postgresql', version: '16.1' });
    expect(removed.ci.attributeSources['attributes.port']).toBeUndefined();
    const events = await h.events(CmdbEvents.ciUpdated, created.id, 2);
    expect(events.map((e) => e.data.changes.map((c) => c.field))).toEqual([['criticality', 'attributes.port', 'attributes.version'], ['attributes.port']]);
  });

  it('writes nothing and publishes nothing when no value changes', async () => {
    const created = await h.transaction((m) => cis.create(m, database({ name: 'same-db' }), discovery));

    const result = await h.transaction(async (m) => cis.update(m, await cis.lock(m, created.id), { name: 'same-db', attributes: { engine: 'postgresql' }, identifiers: { fqdn: 'db-01.prod.example.com' } }, discovery));

    expect(result.changes).toEqual([]);
    await expect(h.row('cis', created.id)).resolves.toMatchObject({ version: 1 });
    await expect(h.eventsNow(CmdbEvents.ciUpdated, created.id)).resolves.toEqual([]);
  });

  it('retires once: status, retiredAt, audit and ci_retired; a second retire is a no-op', async () => {
    const created = await h.transaction((m) => cis.create(m, database({ name: 'old-db' }), discovery));

    const retired = await h.transaction(async (m) => cis.retire(m, await cis.lock(m, created.id), { ...discovery, reason: 'gone from the scan' }));
    const again = await h.transaction(async (m) => cis.retire(m, await cis.lock(m, created.id), { ...discovery, reason: 'again' }));

    expect(retired).toMatchObject({ status: CiStatus.Retired, version: 2 });
    expect(retired.retiredAt).toBeInstanceOf(Date);
    expect(again.version).toBe(2);
    await expect(h.eventsNow(CmdbEvents.ciRetired, created.id)).resolves.toEqual([expect.objectContaining({ data: expect.objectContaining({ reason: 'gone from the scan' }) })]);
  });

  it('adds an allowed edge once, refuses self edges, unknown and retired CIs and pairs no rule allows', async () => {
    const app = await h.transaction((m) => cis.create(m, { className: 'application', name: 'payroll', environment: 'prod', identifiers: {}, attributes: {} }, manual));
    const db = await h.transaction((m) => cis.create(m, database({ name: 'payroll-db-2' }), manual));

    const first = await h.transaction((m) => edges.add(m, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: db.id }, discovery));
    const second = await h.transaction((m) => edges.add(m, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: db.id }, manual));

    expect(first.created).toBe(true);
    expect(second).toEqual({ relationship: expect.objectContaining({ id: first.relationship.id, dataSource: 'discovery' }), created: false });
    await expect(h.audit(first.relationship.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'relationship', action: 'added', after: expect.objectContaining({ sourceId: app.id, targetId: db.id, type: 'depends_on', dataSource: 'discovery' }) })]);
    await expect(h.events(CmdbEvents.relationshipAdded, first.relationship.id)).resolves.toHaveLength(1);

    const self = await h.transaction((m) => edges.add(m, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: app.id }, manual)).catch((e: unknown) => e);
    expect(self).toMatchObject({ code: ErrorCode.VALIDATION, reason: CmdbErrorCode.RelationshipSelfLoop });
    expect(fieldsOf(self)).toEqual(['targetId']);
    const backwards = await h.transaction((m) => edges.add(m, { type: RelationshipType.DependsOn, sourceId: db.id, targetId: app.id }, manual)).catch((e: unknown) => e);
    expect(backwards).toMatchObject({ code: ErrorCode.VALIDATION, message: expect.stringContaining('database cannot depends_on') });
    expect(fieldsOf(backwards)).toEqual(['type']);
    const unknown = await h.transaction((m) => edges.add(m, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: '00000000-0000-4000-8000-000000000000' }, manual)).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: ErrorCode.UNPROCESSABLE });
    expect(fieldsOf(unknown)).toEqual(['targetId']);

    await h.transaction(async (m) => cis.retire(m, await cis.lock(m, db.id), { ...manual, reason: null }));
    const other = await h.transaction((m) => cis.create(m, { className: 'application', name: 'crm', environment: 'prod', identifiers: {}, attributes: {} }, manual));
    await expect(h.transaction((m) => edges.add(m, { type: RelationshipType.DependsOn, sourceId: other.id, targetId: db.id }, manual))).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
  });

  it('adds one edge when two writers add the same edge at once: the other learns it exists', async () => {
    const app = await h.transaction((m) => cis.create(m, { className: 'application', name: 'race-app', environment: 'prod', identifiers: {}, attributes: {} }, manual));
    const vm = await h.transaction((m) => cis.create(m, { className: 'virtual_machine', name: 'race-vm', environment: 'prod', identifiers: {}, attributes: {} }, manual));
    const edge = { type: RelationshipType.HostedOn, sourceId: app.id, targetId: vm.id };

    const results = await Promise.all([discovery, manual].map((ctx) => h.transaction(async (m) => {
      const result = await edges.add(m, edge, ctx);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return result;
    })));

    expect(results.map((result) => result.created).sort()).toEqual([false, true]);
    expect(new Set(results.map((result) => result.relationship.id)).size).toBe(1);
    await expect(h.count('ci_relationships WHERE source_id = $1', [app.id])).resolves.toBe(1);
    await expect(h.count(`audit_log WHERE entity_type = 'relationship' AND action = 'added' AND entity_id = $1`, [results[0]?.relationship.id])).resolves.toBe(1);
  });

  it('holds built-in classes whose schemas pass the same strict check as an admin-added one', async () => {
    const registry = h.get(ClassRegistry);
    const rows = await h.database.query<{ name: string; attribute_schema: Record<string, unknown> }>(`SELECT name, attribute_schema FROM cmdb.ci_classes WHERE built_in`);
    expect(rows).toHaveLength(12);
    for (const row of rows) expect({ name: row.name, errors: registry.schemas.checkSchema(row.attribute_schema) }).toEqual({ name: row.name, errors: [] });
  });

  it('checks attributes through the registry', async () => {
    const registry = h.get(ClassRegistry);
    await expect(registry.validateAttributes('database', { engine: 'db2' })).resolves.toEqual([{ field: 'attributes.engine', message: expect.stringContaining('must be one of') }]);
    await expect(registry.validateAttributes('nothing_here', {})).resolves.toEqual([{ field: 'className', message: expect.any(String) }]);
  });
});
