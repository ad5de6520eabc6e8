/** CI classes and CIs over RPC: the cmdb service on real Postgres and NATS. */
import { randomUUID } from 'node:crypto';
import { type CiView, CiStatus, CmdbErrorCode, CmdbEvents, CmdbRpc, CommonErrorCode, type CreateCiRequest, ErrorCode, MESSAGE_QUEUE_SCHEMA_EXAMPLE } from '@itsm/contracts';
import { ada, alice, carl, fieldsOf, maria, sam } from '@itsm/testing';
import { CmdbHarness } from './support/cmdb-harness';

function dbCi(overrides: Partial<CreateCiRequest> = {}): CreateCiRequest {
  return { className: 'database', name: `db-${randomUUID().slice(0, 8)}`, environment: 'prod', identifiers: { fqdn: `${randomUUID()}.example.com` }, attributes: { engine: 'postgresql', version: '15.4' }, ...overrides };
}

describe('CI classes and CIs over RPC', () => {
  let h: CmdbHarness;

  beforeAll(async () => {
    h = await CmdbHarness.start();
  });

  afterAll(() => h.stop());

  describe('classes', () => {
    it('lists the twelve built-in classes to every CMDB reader, and refuses requesters', async () => {
      const list = await h.rpc.call(CmdbRpc.listClasses, { builtIn: true }, { actor: carl });
      expect(list.items).toHaveLength(12);
      expect(list.items.map((c) => c.name)).toContain('kubernetes_workload');
      await expect(h.rpc.call(CmdbRpc.getClass, { name: 'database' }, { actor: sam })).resolves.toMatchObject({ name: 'database', builtIn: true, identificationRules: [['cloudId'], ['fqdn'], ['hostname']], version: 1 });
      await expect(h.rpc.call(CmdbRpc.listClasses, {}, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(h.rpc.call(CmdbRpc.getClass, { name: 'mainframe' }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.ClassNotFound });
    });

    it('lets an admin add a class whose schema then checks CIs of that class, audited under a stable id', async () => {
      const created = await h.rpc.call(
        CmdbRpc.createClass,
        { name: 'message_queue', label: 'Message queue', attributeSchema: MESSAGE_QUEUE_SCHEMA_EXAMPLE, identificationRules: [['cloudId'], ['fqdn']] },
        { actor: ada },
      );

      expect(created).toMatchObject({ name: 'message_queue', builtIn: false, version: 1, description: null });
      await expect(h.count(`audit_log WHERE entity_type = 'ci_class' AND action = 'created'`)).resolves.toBe(1);
      const ok = await h.rpc.call(CmdbRpc.createCi, { className: 'message_queue', name: 'orders-queue', environment: 'prod', attributes: { product: 'kafka', partitions: 12 } }, { actor: sam });
      expect(ok).toMatchObject({ className: 'message_queue', attributes: { product: 'kafka', partitions: 12 } });
      const wrong = await h.rpc.call(CmdbRpc.createCi, { className: 'message_queue', name: 'bad-queue', environment: 'prod', attributes: { product: 'kafka', partitions: 'many' } }, { actor: sam }).catch((e: unknown) => e);
      expect(wrong).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(wrong)).toEqual(['attributes.partitions']);
    });

    it.each([
      ['a schema that is not an object', { type: 'array' }, 'attributeSchema.type'],
      ['a schema with a type that does not exist', { type: 'object', properties: { size: { type: 'text' } } }, 'attributeSchema.properties.size.type'],
      ['a schema requiring what it does not define', { type: 'object', properties: {}, required: ['sise'] }, 'attributeSchema'],
    ])('refuses %s naming attributeSchema, and writes nothing', async (_label, attributeSchema, field) => {
      const error = await h.rpc.call(CmdbRpc.createClass, { name: 'storage_array', label: 'Storage array', attributeSchema, identificationRules: [['serial']] }, { actor: ada }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: CmdbErrorCode.ClassInvalid });
      expect(fieldsOf(error)).toContain(field);
      await expect(h.count(`ci_classes WHERE name = 'storage_array'`)).resolves.toBe(0);
    });

    it('refuses identification rules with unknown or repeated identifiers, naming each', async () => {
      const error = await h.rpc
        .call(CmdbRpc.createClass, { name: 'storage_array', label: 'Storage array', attributeSchema: { type: 'object' }, identificationRules: [['serial'], ['wwn'] as never, ['serial']] }, { actor: ada })
        .catch((e: unknown) => e);
      expect(fieldsOf(error)).toEqual(['identificationRules.1.0', 'identificationRules.2']);
    });

    it('refuses class changes by non-admins, a taken name, and a stale version', async () => {
      const definition = { label: 'Tape library', attributeSchema: { type: 'object' }, identificationRules: [['serial']] } as const;
      await expect(h.rpc.call(CmdbRpc.createClass, { name: 'tape_library', ...definition, identificationRules: [['serial']] }, { actor: maria })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await h.rpc.call(CmdbRpc.createClass, { name: 'tape_library', ...definition, identificationRules: [['serial']] }, { actor: ada });
      await expect(h.rpc.call(CmdbRpc.createClass, { name: 'tape_library', ...definition, identificationRules: [['serial']] }, { actor: ada })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: CmdbErrorCode.ClassExists });

      const updated = await h.rpc.call(
        CmdbRpc.updateClass,
        { name: 'tape_library', expectedVersion: 1, label: 'Tape library', attributeSchema: { type: 'object', properties: { slots: { type: 'integer' } } }, identificationRules: [['serial'], ['hostname']] },
        { actor: ada },
      );
      expect(updated).toMatchObject({ version: 2, identificationRules: [['serial'], ['hostname']] });
      await expect(
        h.rpc.call(CmdbRpc.updateClass, { name: 'tape_library', expectedVersion: 1, label: 'Lost', attributeSchema: { type: 'object' }, identificationRules: [] }, { actor: ada }),
      ).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED });
      await expect(h.rpc.call(CmdbRpc.createCi, { className: 'tape_library', name: 'tl-1', environment: 'prod', attributes: { slots: 'ten' } }, { actor: sam }).catch(fieldsOf)).resolves.toEqual(['attributes.slots']);
    });
  });

  describe('CIs', () => {
    it('creates a CI by hand: stored, sources manual, audited, ci_created on the stream', async () => {
      const input = dbCi({ criticality: 1, ownerGroup: 'dba-team' });

      const ci = await h.rpc.call(CmdbRpc.createCi, input, { actor: sam });

      expect(ci).toMatchObject({ name: input.name, className: 'database', status: CiStatus.Operational, criticality: 1, ownerGroup: 'dba-team', version: 1, retiredAt: null });
      expect(Object.values(ci.attributeSources)).toEqual(expect.arrayContaining(['manual']));
      expect(new Set(Object.values(ci.attributeSources))).toEqual(new Set(['manual']));
      await expect(h.row('cis', ci.id)).resolves.toMatchObject({ class_name: 'database', attributes: input.attributes, identifiers: input.identifiers, version: 1 });
      await expect(h.audit(ci.id)).resolves.toEqual([expect.objectContaining({ action: 'created', actor_id: 'sam' })]);
      const [event] = await h.events(CmdbEvents.ciCreated, ci.id);
      expect(event?.data).toEqual({ ci, source: 'manual' });
      await expect(h.rpc.call(CmdbRpc.getCi, { id: ci.id }, { actor: carl })).resolves.toEqual(ci);
    });

    it('creates one CI for retries with the same Idempotency-Key, and refuses the key with another body', async () => {
      const key = randomUUID();
      const input = dbCi();
      const first = await h.rpc.call(CmdbRpc.createCi, { ...input, idempotencyKey: key }, { actor: sam });
      const retry = await h.rpc.call(CmdbRpc.createCi, { ...input, idempotencyKey: key }, { actor: sam });
      expect(retry).toEqual(first);
      await expect(h.count(`cis WHERE name = $1`, [input.name])).resolves.toBe(1);
      await expect(h.rpc.call(CmdbRpc.createCi, { ...dbCi(), idempotencyKey: key }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE });
    });

    it.each([
      ['an unknown class', dbCi({ className: 'mainframe' }), ['className']],
      ['an attribute of the wrong type', dbCi({ attributes: { engine: 'postgresql', port: 'five' } }), ['attributes.port']],
      ['a missing required attribute', dbCi({ attributes: { version: '15' } }), ['attributes.engine']],
      ['a value outside the enum', dbCi({ attributes: { engine: 'db2' } }), ['attributes.engine']],
      ['a malformed environment and criticality', { ...dbCi(), environment: 'Prod EU', criticality: 7 }, ['criticality', 'environment']],
      ['a retired status', { ...dbCi(), status: CiStatus.Retired }, ['status']],
    ])('refuses %s naming the field, and writes nothing', async (_label, input, fields) => {
      const before = await h.count('cis');

      const error = await h.rpc.call(CmdbRpc.createCi, input, { actor: sam }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(fields);
      await expect(h.count('cis')).resolves.toBe(before);
    });

    it('refuses an unknown class as an invalid field of the CI', async () => {
      await expect(h.rpc.call(CmdbRpc.createCi, dbCi({ className: 'mainframe' }), { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION,
        reason: CmdbErrorCode.CiInvalidFields,
        details: { errors: [{ field: 'className', message: 'there is no CI class "mainframe"' }] },
      });
    });

    it.each([
      ['environment', 'environment is required'],
      ['name', 'name is required'],
      ['className', 'className is required'],
    ] as const)('tells a CI created without %s that it is required, and writes nothing', async (field, message) => {
      const before = await h.count('cis');
      const { [field]: _left, ...input } = dbCi();

      const error = await h.rpc.call(CmdbRpc.createCi, input as CreateCiRequest, { actor: sam }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, details: { errors: [{ field, message }] } });
      await expect(h.count('cis')).resolves.toBe(before);
    });

    it('lets agents, managers and admins change CIs but not CAB members or requesters', async () => {
      await expect(h.rpc.call(CmdbRpc.createCi, dbCi(), { actor: carl })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired });
      await expect(h.rpc.call(CmdbRpc.createCi, dbCi(), { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(h.rpc.call(CmdbRpc.createCi, dbCi(), { actor: maria })).resolves.toMatchObject({ version: 1 });
      await expect(h.rpc.call(CmdbRpc.getCi, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.CiNotFound });
    });

    it('refuses a second CI with the same Kubernetes uid with CONFLICT', async () => {
      const k8sUid = randomUUID();
      await h.rpc.call(CmdbRpc.createCi, { className: 'container', name: 'pod-a', environment: 'prod', identifiers: { k8sUid } }, { actor: sam });
      await expect(h.rpc.call(CmdbRpc.createCi, { className: 'container', name: 'pod-b', environment: 'prod', identifiers: { k8sUid } }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    });

    it('patches a CI: attributes merged, null removes a key, version and sources move, ci_updated lists the changes', async () => {
      const ci = await h.rpc.call(CmdbRpc.createCi, dbCi({ attributes: { engine: 'postgresql', version: '15.4', sizeGb: 100 } }), { actor: sam });

      const updated = await h.rpc.call(CmdbRpc.updateCi, { id: ci.id, expectedVersion: 1, changes: { attributes: { version: '16.1', sizeGb: null }, environment: 'staging', identifiers: { hostname: 'db-07' } } }, { actor: maria });

      expect(updated).toMatchObject({ version: 2, environment: 'staging', attributes: { engine: 'postgresql', version: '16.1' }, identifiers: { ...ci.identifiers, hostname: 'db-07' } });
      expect(updated.attributes).not.toHaveProperty('sizeGb');
      expect(updated.attributeSources).not.toHaveProperty(['attributes.sizeGb']);
      const [event] = await h.events(CmdbEvents.ciUpdated, ci.id);
      expect(event?.data.changes).toEqual([
        { field: 'environment', from: 'prod', to: 'staging', source: 'manual' },
        { field: 'identifiers.hostname', from: null, to: 'db-07', source: 'manual' },
        { field: 'attributes.sizeGb', from: 100, to: null, source: 'manual' },
        { field: 'attributes.version', from: '15.4', to: '16.1', source: 'manual' },
      ]);
      const [audit] = (await h.audit(ci.id)).filter((row) => row.action === 'updated');
      expect(audit?.before).toEqual(ci);
    });

    it('refuses a patch based on a stale version, or making the attributes invalid, and changes nothing', async () => {
      const ci = await h.rpc.call(CmdbRpc.createCi, dbCi(), { actor: sam });
      await h.rpc.call(CmdbRpc.updateCi, { id: ci.id, changes: { criticality: 2 } }, { actor: sam });

      await expect(h.rpc.call(CmdbRpc.updateCi, { id: ci.id, expectedVersion: 1, changes: { criticality: 1 } }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED, reason: CommonErrorCode.VersionMismatch, details: { currentVersion: 2 } });
      await expect(h.rpc.call(CmdbRpc.updateCi, { id: ci.id, changes: { attributes: { engine: null } } }, { actor: sam }).catch(fieldsOf)).resolves.toEqual(['attributes.engine']);
      await expect(h.rpc.call(CmdbRpc.updateCi, { id: ci.id, changes: { attributes: { port: 70000 } } }, { actor: sam }).catch(fieldsOf)).resolves.toEqual(['attributes.port']);
      await expect(h.row('cis', ci.id)).resolves.toMatchObject({ version: 2, criticality: 2 });
    });

    it('answers a patch that changes nothing with the CI as it is, without a new version or event', async () => {
      const ci = await h.rpc.call(CmdbRpc.createCi, dbCi(), { actor: sam });

      await expect(h.rpc.call(CmdbRpc.updateCi, { id: ci.id, changes: { name: ci.name, attributes: { engine: 'postgresql' } } }, { actor: sam })).resolves.toEqual(ci);
      await expect(h.eventsNow(CmdbEvents.ciUpdated, ci.id)).resolves.toEqual([]);
    });

    it('retires a CI with a reason; retiring again answers it unchanged; another status brings it back', async () => {
      const ci = await h.rpc.call(CmdbRpc.createCi, dbCi(), { actor: sam });

      const retired = await h.rpc.call(CmdbRpc.retireCi, { id: ci.id, expectedVersion: 1, reason: 'Decommissioned with CHG0001042.' }, { actor: sam });
      expect(retired).toMatchObject({ status: CiStatus.Retired, version: 2, retiredAt: expect.any(String) });
      await expect(h.rpc.call(CmdbRpc.retireCi, { id: ci.id }, { actor: sam })).resolves.toEqual(retired);
      const [event] = await h.events(CmdbEvents.ciRetired, ci.id);
      expect(event?.data).toEqual({ ci: retired, source: 'manual', reason: 'Decommissioned with CHG0001042.' });
      await expect(h.rpc.call(CmdbRpc.updateCi, { id: ci.id, changes: { status: CiStatus.Retired } }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });

      const back = await h.rpc.call(CmdbRpc.updateCi, { id: ci.id, changes: { status: CiStatus.Operational } }, { actor: sam });
      expect(back).toMatchObject({ status: CiStatus.Operational, retiredAt: null, version: 3 });
    });
  });

  describe('queries', () => {
    const env = 'qa';
    let cis: CiView[];

    beforeAll(async () => {
      const make = (input: CreateCiRequest): Promise<CiView> => h.rpc.call(CmdbRpc.createCi, input, { actor: sam });
      cis = [
        await make({ className: 'database', name: 'Payroll-DB', environment: env, criticality: 1, ownerGroup: 'dba-team', identifiers: { hostname: 'pay-db-1', fqdn: 'pay-db-1.qa.example.com', ip: '10.9.0.1' }, attributes: { engine: 'postgresql', port: 5432 } }),
        await make({ className: 'database', name: 'crm-db', environment: env, criticality: 2, ownerGroup: 'dba-team', identifiers: { serial: 'SN-QA-1', cloudId: 'arn:aws:rds:qa:crm' }, attributes: { engine: 'mysql', port: 3306 } }),
        await make({ className: 'server', name: 'payroll-host', environment: env, criticality: 3, identifiers: { k8sUid: randomUUID() }, attributes: { os: 'linux', labels: { app: 'payroll', tier: 'db' } } }),
        await make({ className: 'application', name: 'payroll 100% app', environment: env, criticality: 4, attributes: { version: '5432' } }),
        await make({ className: 'application', name: 'other-env-payroll', environment: 'qa2', attributes: {} }),
      ];
      await h.rpc.call(CmdbRpc.retireCi, { id: cis[1]?.id ?? '', reason: null }, { actor: sam });
    });

    const names = async (filters: Record<string, unknown>): Promise<string[]> => (await h.rpc.call(CmdbRpc.listCis, { environment: env, ...filters }, { actor: carl })).items.map((ci) => ci.name);

    it('filters by class, environment, status, owner group and name (any case, anywhere in it)', async () => {
      await expect(names({})).resolves.toEqual(['Payroll-DB', 'crm-db', 'payroll 100% app', 'payroll-host']);
      await expect(names({ className: 'database' })).resolves.toEqual(['Payroll-DB', 'crm-db']);
      await expect(names({ status: [CiStatus.Retired] })).resolves.toEqual(['crm-db']);
      await expect(names({ status: [CiStatus.Operational, CiStatus.Maintenance] })).resolves.toEqual(['Payroll-DB', 'payroll 100% app', 'payroll-host']);
      await expect(names({ ownerGroup: 'dba-team' })).resolves.toEqual(['Payroll-DB', 'crm-db']);
      await expect(names({ q: 'PAYROLL' })).resolves.toEqual(['Payroll-DB', 'payroll 100% app', 'payroll-host']);
      await expect(names({ q: '100%' })).resolves.toEqual(['payroll 100% app']);
      await expect(names({ q: 'll_' })).resolves.toEqual([]);
    });

    it('filters by each identifier exactly', async () => {
      await expect(names({ hostname: 'pay-db-1' })).resolves.toEqual(['Payroll-DB']);
      await expect(names({ hostname: 'pay-db' })).resolves.toEqual([]);
      await expect(names({ fqdn: 'pay-db-1.qa.example.com' })).resolves.toEqual(['Payroll-DB']);
      await expect(names({ ip: '10.9.0.1' })).resolves.toEqual(['Payroll-DB']);
      await expect(names({ serial: 'SN-QA-1' })).resolves.toEqual(['crm-db']);
      await expect(names({ cloudId: 'arn:aws:rds:qa:crm' })).resolves.toEqual(['crm-db']);
      await expect(names({ k8sUid: cis[2]?.identifiers.k8sUid })).resolves.toEqual(['payroll-host']);
      await expect(names({ hostname: 'pay-db-1', serial: 'SN-QA-1' })).resolves.toEqual([]);
    });

    it('filters by attribute values: text, numbers (as number or text), nested keys, several at once', async () => {
      await expect(names({ attr: ['engine:postgresql'] })).resolves.toEqual(['Payroll-DB']);
      await expect(names({ attr: ['port:5432'] })).resolves.toEqual(['Payroll-DB']);
      await expect(names({ attr: ['version:5432'] })).resolves.toEqual(['payroll 100% app']);
      await expect(names({ attr: ['labels.app:payroll'] })).resolves.toEqual(['payroll-host']);
      await expect(names({ attr: ['engine:mysql', 'port:3306'] })).resolves.toEqual(['crm-db']);
      await expect(names({ attr: ['engine:mysql', 'port:5432'] })).resolves.toEqual([]);
      await expect(h.rpc.call(CmdbRpc.listCis, { attr: ['no-colon'] }, { actor: carl }).catch(fieldsOf)).resolves.toEqual(['attr']);
    });

    it.each(['name', '-name', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'criticality', '-criticality'] as const)('pages through sort %s with cursors, each CI once', async (sort) => {
      const all = (await h.rpc.call(CmdbRpc.listCis, { environment: env, sort, limit: 100 }, { actor: carl })).items.map((ci) => ci.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof h.rpc.call<typeof CmdbRpc.listCis>>> = await h.rpc.call(CmdbRpc.listCis, { environment: env, sort, limit: 1, ...(cursor ? { cursor } : {}) }, { actor: carl });
        seen.push(...page.items.map((ci) => ci.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
      expect(all).toHaveLength(4);
    });

    it('refuses a cursor of another sort or one it did not make, naming cursor', async () => {
      const page = await h.rpc.call(CmdbRpc.listCis, { environment: env, sort: 'name', limit: 1 }, { actor: carl });
      await expect(h.rpc.call(CmdbRpc.listCis, { environment: env, sort: 'criticality', cursor: page.nextCursor ?? '' }, { actor: carl }).catch(fieldsOf)).resolves.toEqual(['cursor']);
      await expect(h.rpc.call(CmdbRpc.listCis, { cursor: 'bm90LWEtY3Vyc29y' }, { actor: carl }).catch(fieldsOf)).resolves.toEqual(['cursor']);
      const forged = Buffer.from(JSON.stringify(['createdAt', 'yesterday', randomUUID()])).toString('base64url');
      await expect(h.rpc.call(CmdbRpc.listCis, { sort: 'createdAt', cursor: forged }, { actor: carl }).catch(fieldsOf)).resolves.toEqual(['cursor']);
    });

    it('refuses the list to requesters', async () => {
      await expect(h.rpc.call(CmdbRpc.listCis, {}, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    });
  });
});
