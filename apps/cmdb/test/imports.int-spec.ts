/** Batch imports through ImportRpc over real PostgreSQL and NATS: identification, reconciliation, per-row errors, relationships, events. */
import { randomUUID } from 'node:crypto';
import { type CloudEvent, CmdbErrorCode, CmdbEvents, ErrorCode, type ImportCompletedV1, type ImportItem, type ImportResult, ImportRpc, MANUAL_SOURCE, RelationshipType, type RunImportRequest } from '@itsm/contracts';
import { ada, fieldsOf, readEvents, sam } from '@itsm/testing';
import { CiWriter } from '../src/cis/ci.writer';
import { CmdbHarness } from './support/cmdb-harness';

let serial = 0;
/** A server row with identifiers unique to the test. */
function server(overrides: Partial<ImportItem> = {}): ImportItem {
  serial += 1;
  return { className: 'server', name: `srv-${serial}`, environment: 'prod', identifiers: { hostname: `srv-${serial}.example.com` }, attributes: { os: 'Debian 12', cpuCount: 8 }, ...overrides };
}

/** The CI a result row names: a test failure, not a crash, when the row names none. */
function ciIdOf(row: { ciId?: string | null } | undefined): string {
  if (!row?.ciId) throw new Error(`expected an import row with a CI id, got ${JSON.stringify(row)}`);
  return row.ciId;
}

describe('imports', () => {
  let h: CmdbHarness;

  const run = (request: RunImportRequest): Promise<ImportResult> => h.rpc.call(ImportRpc.run, request, { actor: ada, timeoutMs: 60_000 });
  const ciRow = async (id: string): Promise<Record<string, unknown>> => h.row('cis', id);
  const eventCount = async (subject: string, type = CmdbEvents.ciUpdated.subject): Promise<number> => {
    await h.eventsNow(CmdbEvents.ciUpdated, subject);
    return (await readEvents(h.nc, type)).filter((m) => (m.body as CloudEvent<unknown>).subject === subject).length;
  };

  beforeAll(async () => {
    h = await CmdbHarness.start();
  });

  afterAll(() => h.stop());

  it('creates CIs and relationships, records the run, and publishes import_completed with the counts', async () => {
    const db = { key: 'db', className: 'database', name: 'orders-db', identifiers: { fqdn: 'orders-db.prod.example.com' }, attributes: { engine: 'postgresql', version: '15.4' } };
    const host = server({ key: 'host' });
    const result = await run({ source: 'discovery', items: [db, host], relationships: [{ type: RelationshipType.RunsOn, source: { key: 'db' }, target: { key: 'host' } }] });

    expect(result.counts).toEqual({ created: 2, updated: 0, unchanged: 0, conflicts: 0, errors: 0, retired: 0, relationshipsAdded: 1, relationshipsUnchanged: 0, relationshipsRemoved: 0, skipped: 0 });
    const [dbRow, hostRow] = result.rows;
    expect(dbRow).toMatchObject({ kind: 'item', index: 0, outcome: 'created' });
    await expect(ciRow(ciIdOf(dbRow))).resolves.toMatchObject({ name: 'orders-db', environment: 'prod', attributes: { engine: 'postgresql', version: '15.4' }, attribute_sources: expect.objectContaining({ 'attributes.version': 'discovery' }) });
    await expect(h.count('ci_relationships WHERE source_id = $1 AND target_id = $2 AND type = $3 AND data_source = $4', [ciIdOf(dbRow), ciIdOf(hostRow), 'runs_on', 'discovery'])).resolves.toBe(1);
    await expect(h.row('import_runs', result.importId)).resolves.toMatchObject({ source: 'discovery', kind: 'batch', actor_id: 'ada', counts: result.counts, finished_at: expect.any(Date) });
    const [completed] = await h.events<ImportCompletedV1>(CmdbEvents.importCompleted, result.importId);
    expect(completed?.data).toEqual({ importId: result.importId, source: 'discovery', counts: result.counts });
  });

  it('changes nothing when the same batch is imported again: all unchanged, no ci_updated', async () => {
    const items = [server({ key: 'a' }), server({ key: 'b' })];
    const request: RunImportRequest = { source: 'discovery', items, relationships: [] };
    const first = await run(request);
    const ids = first.rows.map((row) => ciIdOf(row));
    const versions = await Promise.all(ids.map(async (id) => (await ciRow(id))['version']));

    const second = await run(request);

    expect(second.counts).toMatchObject({ created: 0, updated: 0, unchanged: 2, errors: 0 });
    expect(second.rows).toEqual([]);
    await expect(Promise.all(ids.map(async (id) => (await ciRow(id))['version']))).resolves.toEqual(versions);
    for (const id of ids) await expect(eventCount(id)).resolves.toBe(0);
    const [completed] = await h.events<ImportCompletedV1>(CmdbEvents.importCompleted, second.importId);
    expect(completed?.data.counts).toMatchObject({ unchanged: 2, created: 0, updated: 0 });
  });

  it('updates only what changed, with the import source on each changed field', async () => {
    const row = server({ attributes: { os: 'Debian 12', cpuCount: 8 } });
    const [created] = (await run({ source: 'discovery', items: [row] })).rows;

    const result = await run({ source: 'discovery', items: [{ ...row, attributes: { os: 'Debian 12', cpuCount: 16 } }] });

    expect(result.rows).toEqual([{ kind: 'item', index: 0, outcome: 'updated', ciId: ciIdOf(created) }]);
    const [updated] = await h.events(CmdbEvents.ciUpdated, ciIdOf(created));
    expect(updated?.data).toMatchObject({ source: 'discovery', changes: [{ field: 'attributes.cpuCount', from: 8, to: 16, source: 'discovery' }] });
  });

  it('identifies by serial before hostname, as the server class orders its identifier sets', async () => {
    const bySerial = await run({ source: 'discovery', items: [server({ name: 'rack-a', identifiers: { serial: 'SN-77', hostname: 'old-name' } })] });
    const byHostname = await run({ source: 'discovery', items: [server({ name: 'other', identifiers: { hostname: 'web-77' } })] });

    const result = await run({ source: 'discovery', items: [server({ name: 'web-77', identifiers: { serial: 'SN-77', hostname: 'web-77' } })] });

    expect(result.rows[0]).toMatchObject({ outcome: 'updated', ciId: ciIdOf(bySerial.rows[0]) });
    expect(ciIdOf(result.rows[0])).not.toBe(ciIdOf(byHostname.rows[0]));
    await expect(ciRow(ciIdOf(bySerial.rows[0]))).resolves.toMatchObject({ name: 'web-77', identifiers: { serial: 'SN-77', hostname: 'web-77' } });
  });

  it('reports a conflict with the candidates when two CIs match, and writes nothing', async () => {
    const writer = h.get(CiWriter);
    const twins = await h.transaction(async (m) => [
      await writer.create(m, { className: 'server', name: 'twin-1', environment: 'prod', identifiers: { hostname: 'twin.example.com' }, attributes: {} }, { actorId: 'sam', source: MANUAL_SOURCE }),
      await writer.create(m, { className: 'server', name: 'twin-2', environment: 'prod', identifiers: { hostname: 'twin.example.com', ip: '10.9.9.9' }, attributes: {} }, { actorId: 'sam', source: MANUAL_SOURCE }),
    ]);
    const before = await h.count('cis');

    const result = await run({ source: 'discovery', items: [server({ name: 'twin', identifiers: { hostname: 'twin.example.com' } })] });

    expect(result.counts).toMatchObject({ conflicts: 1, created: 0, updated: 0 });
    expect(result.rows).toEqual([{ kind: 'item', index: 0, outcome: 'conflict', candidates: twins.map((ci) => ci.id).sort() }]);
    await expect(h.count('cis')).resolves.toBe(before);
  });

  it('keeps going after failing rows: a bad attribute names attributes.<name>, an unknown class names className', async () => {
    const good = server();
    const result = await run({
      source: 'discovery',
      items: [server({ attributes: { cpuCount: 'eight' } }), { ...server(), className: 'mainframe' }, server({ identifiers: {} }), good],
    });

    expect(result.counts).toMatchObject({ errors: 3, created: 1 });
    expect(result.rows.map((row) => [row.index, row.outcome, row.errors?.map((e) => e.field)])).toEqual([
      [0, 'error', ['attributes.cpuCount']],
      [1, 'error', ['className']],
      [2, 'error', ['identifiers']],
      [3, 'created', undefined],
    ]);
    await expect(h.count(`cis WHERE identifiers @> $1::jsonb`, [JSON.stringify(good.identifiers)])).resolves.toBe(1);
  });

  it('resolves relationship ends by batch key and by class and identifiers; an unknown reference is the row error', async () => {
    const app = { key: 'app', className: 'application', name: 'orders', identifiers: { cloudId: 'app/orders' }, attributes: { language: 'kotlin' } };
    await run({ source: 'discovery', items: [{ className: 'database', name: 'orders-ro', identifiers: { fqdn: 'orders-ro.example.com' }, attributes: { engine: 'postgresql' } }] });

    const result = await run({
      source: 'cmdb-sync',
      items: [app],
      relationships: [
        { type: RelationshipType.DependsOn, source: { key: 'app' }, target: { className: 'database', identifiers: { fqdn: 'orders-ro.example.com' } } },
        { type: RelationshipType.DependsOn, source: { key: 'app' }, target: { className: 'database', identifiers: { fqdn: 'missing.example.com' } } },
        { type: RelationshipType.DependsOn, source: { key: 'nope' }, target: { key: 'app' } },
        { type: RelationshipType.HostedOn, source: { key: 'app' }, target: { className: 'database', identifiers: { fqdn: 'orders-ro.example.com' } } },
      ],
    });

    expect(result.counts).toMatchObject({ created: 1, relationshipsAdded: 1, errors: 3 });
    expect(result.rows.filter((row) => row.kind === 'relationship').map((row) => [row.index, row.outcome, row.errors?.map((e) => e.field)])).toEqual([
      [0, 'created', undefined],
      [1, 'error', ['target.identifiers']],
      [2, 'error', ['source.key']],
      [3, 'error', ['type']],
    ]);
    const again = await run({ source: 'cmdb-sync', items: [app], relationships: [{ type: RelationshipType.DependsOn, source: { key: 'app' }, target: { className: 'database', identifiers: { fqdn: 'orders-ro.example.com' } } }] });
    expect(again.counts).toMatchObject({ unchanged: 1, relationshipsUnchanged: 1, relationshipsAdded: 0 });
  });

  describe('source precedence', () => {
    let ruleId: string;

    beforeAll(async () => {
      const rule = await h.rpc.call(ImportRpc.createRule, { position: 10, className: 'server', fields: ['attributes.os', 'name'], sources: ['manual', 'cmdb-sync', 'discovery'] }, { actor: ada });
      ruleId = rule.id;
    });

    afterAll(() => h.rpc.call(ImportRpc.deleteRule, { id: ruleId }, { actor: ada }));

    it('keeps the value of a higher source, lets a higher one overwrite, and lets a source overwrite its own', async () => {
      const row = server({ attributes: { os: 'Debian 12', cpuCount: 4 } });
      const [created] = (await run({ source: 'discovery', items: [row] })).rows;
      const id = ciIdOf(created);

      // cmdb-sync ranks above discovery: it overwrites.
      await run({ source: 'cmdb-sync', items: [{ ...row, attributes: { os: 'RHEL 9' } }] });
      await expect(ciRow(id)).resolves.toMatchObject({ attributes: { os: 'RHEL 9', cpuCount: 4 }, attribute_sources: expect.objectContaining({ 'attributes.os': 'cmdb-sync' }) });

      // discovery ranks lower: its os is kept out, cpuCount (no rule) still goes in.
      const lower = await run({ source: 'discovery', items: [{ ...row, attributes: { os: 'Debian 12', cpuCount: 6 } }] });
      expect(lower.rows[0]).toMatchObject({ outcome: 'updated' });
      await expect(ciRow(id)).resolves.toMatchObject({ attributes: { os: 'RHEL 9', cpuCount: 6 } });
      const [update] = (await h.events(CmdbEvents.ciUpdated, id, 2)).slice(-1);
      expect(update?.data.changes).toEqual([{ field: 'attributes.cpuCount', from: 4, to: 6, source: 'discovery' }]);

      // A source not listed ranks below all: unchanged.
      await expect(run({ source: 'spreadsheet', items: [{ ...row, attributes: { os: 'Windows' } }] }).then((r) => r.counts.unchanged)).resolves.toBe(1);

      // The same source may overwrite its own value.
      await run({ source: 'cmdb-sync', items: [{ ...row, attributes: { os: 'RHEL 9.4' } }] });
      await expect(ciRow(id)).resolves.toMatchObject({ attributes: { os: 'RHEL 9.4' } });
    });

    it('reads one rule back for admins, and answers another id with NOT_FOUND', async () => {
      const [rule] = (await h.rpc.call(ImportRpc.listRules, {}, { actor: ada })).items;
      await expect(h.rpc.call(ImportRpc.getRule, { id: ruleId }, { actor: ada })).resolves.toEqual(rule);
      await expect(h.rpc.call(ImportRpc.getRule, { id: randomUUID() }, { actor: ada })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.ReconciliationRuleNotFound });
      await expect(h.rpc.call(ImportRpc.getRule, { id: ruleId }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    });

    it('lists, replaces and removes rules for admins only', async () => {
      await expect(h.rpc.call(ImportRpc.listRules, {}, { actor: ada })).resolves.toMatchObject({ items: [{ id: ruleId, position: 10, className: 'server', sources: ['manual', 'cmdb-sync', 'discovery'] }] });
      const updated = await h.rpc.call(ImportRpc.updateRule, { id: ruleId, expectedVersion: 1, position: 5, className: 'server', fields: ['attributes.os', 'name'], sources: ['manual', 'cmdb-sync', 'discovery'] }, { actor: ada });
      expect(updated).toMatchObject({ position: 5, version: 2 });
      await expect(h.rpc.call(ImportRpc.updateRule, { id: ruleId, expectedVersion: 1, position: 5, sources: ['manual'] }, { actor: ada })).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED });
      await expect(h.rpc.call(ImportRpc.createRule, { position: 1, className: 'mainframe', sources: ['manual'] }, { actor: ada }).catch(fieldsOf)).resolves.toEqual(['className']);
      await expect(h.rpc.call(ImportRpc.createRule, { position: 1, className: 'mainframe', sources: ['manual'] }, { actor: ada })).rejects.toMatchObject({ reason: CmdbErrorCode.UnknownClass });
      await expect(h.rpc.call(ImportRpc.deleteRule, { id: randomUUID() }, { actor: ada })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.ReconciliationRuleNotFound });
      await expect(h.rpc.call(ImportRpc.createRule, { position: 1, fields: ['colour'], sources: ['manual'] }, { actor: ada }).catch(fieldsOf)).resolves.toEqual(['fields']);
      await expect(h.rpc.call(ImportRpc.listRules, {}, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(h.count('audit_log WHERE entity_id = $1', [ruleId])).resolves.toBe(2);
    });
  });

  it('creates each CI once when two imports of the same rows run at the same time', async () => {
    const items = Array.from({ length: 20 }, (_, i) => server({ name: `race-${i}`, identifiers: { hostname: `race-${i}.example.com` } }));

    const [a, b] = await Promise.all([run({ source: 'discovery', items }), run({ source: 'discovery', items })]);

    expect(a.counts.created + b.counts.created).toBe(20);
    expect(a.counts.unchanged + b.counts.unchanged).toBe(20);
    await expect(h.count(`cis WHERE name LIKE 'race-%'`)).resolves.toBe(20);
  });

  it('imports a batch of 2,000 rows in one request and answers every row', async () => {
    const items = Array.from({ length: 2_000 }, (_, i) => server({ name: `fleet-${i}`, identifiers: { hostname: `fleet-${i}.example.com` }, attributes: { os: 'Debian 12', cpuCount: 1 + (i % 64) } }));
    const result = await run({ source: 'fleet-scan', items });

    expect(result.counts).toMatchObject({ created: 2_000, errors: 0 });
    expect(result.rows).toHaveLength(2_000);
    expect(result.rowsLeftOut).toBeUndefined();
    await expect(h.count(`cis WHERE attribute_sources ->> 'name' = 'fleet-scan'`)).resolves.toBe(2_000);
  });

  it('refuses imports by anyone but admins, writing nothing', async () => {
    const before = await h.count('import_runs');
    await expect(h.rpc.call(ImportRpc.run, { source: 'discovery', items: [server()] }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(h.count('import_runs')).resolves.toBe(before);
  });
});
