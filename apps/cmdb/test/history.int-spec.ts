/** A CI's history and its state at an instant: the cmdb service on real Postgres and NATS. */
import { randomUUID } from 'node:crypto';
import { type CiHistory, CmdbErrorCode, CmdbRpc, ErrorCode, RelationshipType } from '@itsm/contracts';
import { CiWriter } from '../src/cis/ci.writer';
import { alice, carl, fieldsOf, maria, sam } from '@itsm/testing';
import { CmdbHarness } from './support/cmdb-harness';

describe('CI history', () => {
  let h: CmdbHarness;

  beforeAll(async () => {
    h = await CmdbHarness.start();
  });

  afterAll(() => h.stop());

  /** Moves every audit row of these entities to `at` (the instants a test needs in the past). */
  async function backdate(entityIds: string[], at: string, action?: string): Promise<void> {
    await h.database.query(`UPDATE cmdb.audit_log SET at = $2 WHERE entity_id = ANY($1::uuid[]) ${action ? 'AND action = $3' : ''}`, action ? [entityIds, at, action] : [entityIds, at]);
  }

  it('lists creation, changes with their source, relationships and retirement, each with actor and time', async () => {
    const app = await h.rpc.call(CmdbRpc.createCi, { className: 'application', name: 'payroll', environment: 'prod', attributes: { version: '1.0' } }, { actor: sam });
    const db = await h.rpc.call(CmdbRpc.createCi, { className: 'database', name: 'payroll-db', environment: 'prod', attributes: { engine: 'postgresql' } }, { actor: sam });
    await h.transaction(async (m) => h.get(CiWriter).update(m, await h.get(CiWriter).lock(m, app.id), { attributes: { version: '1.1', vendor: 'acme' } }, { actorId: 'importer', source: 'discovery' }));
    const edge = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: app.id, targetId: db.id }, { actor: maria });
    await h.rpc.call(CmdbRpc.removeRelationship, { id: edge.id }, { actor: maria });
    await h.rpc.call(CmdbRpc.retireCi, { id: app.id, reason: 'replaced by payroll-ng' }, { actor: sam });

    const history = await h.rpc.call(CmdbRpc.ciHistory, { id: app.id }, { actor: carl });

    expect(history.items.map((entry) => [entry.action, entry.actorId, entry.source])).toEqual([
      ['created', 'sam', 'manual'],
      ['updated', 'importer', 'discovery'],
      ['relationship_added', 'maria', 'manual'],
      ['relationship_removed', 'maria', 'manual'],
      ['retired', 'sam', 'manual'],
    ]);
    const [created, updated, added, removed, retired] = history.items;
    expect(created?.changes).toEqual(expect.arrayContaining([{ field: 'name', from: null, to: 'payroll', source: 'manual' }, { field: 'attributes.version', from: null, to: '1.0', source: 'manual' }]));
    expect(updated?.changes).toEqual([
      { field: 'attributes.vendor', from: null, to: 'acme', source: 'discovery' },
      { field: 'attributes.version', from: '1.0', to: '1.1', source: 'discovery' },
    ]);
    expect(added?.relationship).toEqual(edge);
    expect(removed?.relationship).toEqual(edge);
    expect(retired).toMatchObject({ reason: 'replaced by payroll-ng', changes: expect.arrayContaining([expect.objectContaining({ field: 'status', from: 'operational', to: 'retired' })]) });
    for (const entry of history.items) expect(Date.parse(entry.at)).not.toBeNaN();

    const dbHistory = await h.rpc.call(CmdbRpc.ciHistory, { id: db.id }, { actor: carl });
    expect(dbHistory.items.map((entry) => entry.action)).toEqual(['created', 'relationship_added', 'relationship_removed']);
  });

  it('pages through a long history in the order it was recorded', async () => {
    const ci = await h.rpc.call(CmdbRpc.createCi, { className: 'server', name: 'busy-host', environment: 'prod' }, { actor: sam });
    for (const criticality of [1, 2, 3, 4]) await h.rpc.call(CmdbRpc.updateCi, { id: ci.id, changes: { criticality } }, { actor: sam });

    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: CiHistory = await h.rpc.call(CmdbRpc.ciHistory, { id: ci.id, limit: 2, ...(cursor ? { cursor } : {}) }, { actor: carl });
      seen.push(...page.items.map((entry) => entry.changes.find((change) => change.field === 'criticality')?.to));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([3, 1, 2, 3, 4]);
    await expect(h.rpc.call(CmdbRpc.ciHistory, { id: ci.id, cursor: Buffer.from('["x"]').toString('base64url') }, { actor: carl }).catch(fieldsOf)).resolves.toEqual(['cursor']);
  });

  it('keeps the history of a retired CI readable', async () => {
    const ci = await h.rpc.call(CmdbRpc.createCi, { className: 'server', name: 'old-host', environment: 'prod' }, { actor: sam });
    await h.rpc.call(CmdbRpc.retireCi, { id: ci.id }, { actor: sam });

    await expect(h.rpc.call(CmdbRpc.ciHistory, { id: ci.id }, { actor: sam })).resolves.toMatchObject({ items: [{ action: 'created' }, { action: 'retired', reason: null }] });
    await expect(h.rpc.call(CmdbRpc.getCi, { id: ci.id }, { actor: sam })).resolves.toMatchObject({ status: 'retired' });
  });

  it('answers the CI and its relationships as they were at an instant, and 404 before it existed', async () => {
    const app = await h.rpc.call(CmdbRpc.createCi, { className: 'application', name: 'crm', environment: 'prod', attributes: { version: '1' } }, { actor: sam });
    const vm = await h.rpc.call(CmdbRpc.createCi, { className: 'virtual_machine', name: 'crm-vm', environment: 'prod' }, { actor: sam });
    const server = await h.rpc.call(CmdbRpc.createCi, { className: 'server', name: 'crm-host', environment: 'prod' }, { actor: sam });
    const onVm = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.HostedOn, sourceId: app.id, targetId: vm.id }, { actor: sam });
    const v2 = await h.rpc.call(CmdbRpc.updateCi, { id: app.id, changes: { attributes: { version: '2' } } }, { actor: sam });
    await h.rpc.call(CmdbRpc.removeRelationship, { id: onVm.id }, { actor: sam });
    const onServer = await h.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.RunsOn, sourceId: app.id, targetId: server.id }, { actor: sam });
    // Spread the trail over a day: created 08:00, hosted on the VM 09:00, version 2 at 10:00, moved to the server 11:00.
    await backdate([app.id, vm.id, server.id], '2026-03-01T08:00:00Z', 'created');
    await backdate([onVm.id], '2026-03-01T09:00:00Z', 'added');
    await backdate([app.id], '2026-03-01T10:00:00Z', 'updated');
    await backdate([onVm.id], '2026-03-01T11:00:00Z', 'removed');
    await backdate([onServer.id], '2026-03-01T11:00:00Z', 'added');

    await expect(h.rpc.call(CmdbRpc.ciAt, { id: app.id, time: '2026-03-01T07:59:59Z' }, { actor: carl })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.CiNotFoundAtTime });
    const at0830 = await h.rpc.call(CmdbRpc.ciAt, { id: app.id, time: '2026-03-01T08:30:00Z' }, { actor: carl });
    expect(at0830).toEqual({ at: '2026-03-01T08:30:00.000Z', ci: app, relationships: [] });
    const at0930 = await h.rpc.call(CmdbRpc.ciAt, { id: app.id, time: '2026-03-01T09:30:00Z' }, { actor: carl });
    expect(at0930).toMatchObject({ ci: { attributes: { version: '1' }, version: 1 }, relationships: [onVm] });
    const at1030 = await h.rpc.call(CmdbRpc.ciAt, { id: app.id, time: '2026-03-01T10:30:00Z' }, { actor: carl });
    expect(at1030).toEqual({ at: '2026-03-01T10:30:00.000Z', ci: v2, relationships: [onVm] });
    const at1100 = await h.rpc.call(CmdbRpc.ciAt, { id: app.id, time: '2026-03-01T11:00:00Z' }, { actor: carl });
    expect(at1100.relationships).toEqual([onServer]);
    const vmAt1100 = await h.rpc.call(CmdbRpc.ciAt, { id: vm.id, time: '2026-03-01T11:00:00Z' }, { actor: carl });
    expect(vmAt1100.relationships).toEqual([]);
  });

  it('refuses unknown CIs, malformed instants and requesters', async () => {
    await expect(h.rpc.call(CmdbRpc.ciHistory, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.CiNotFound });
    await expect(h.rpc.call(CmdbRpc.ciAt, { id: randomUUID(), time: new Date().toISOString() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(h.rpc.call(CmdbRpc.ciAt, { id: randomUUID(), time: 'yesterday' }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    await expect(h.rpc.call(CmdbRpc.ciHistory, { id: randomUUID() }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });
});
