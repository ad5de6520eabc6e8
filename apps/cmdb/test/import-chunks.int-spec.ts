/** Imports of batches larger than one chunk: per-row results, duplicates within a batch and concurrent imports, over real PostgreSQL and NATS. */
import { type ImportItem, type ImportResult, ImportRpc, RelationshipType, type RunImportRequest } from '@itsm/contracts';
import { ada } from '@itsm/testing';
import { IMPORT_CHUNK_ROWS } from '../src/imports/import-engine';
import { CmdbHarness } from './support/cmdb-harness';

let serial = 0;
/** A server row with identifiers unique to the test. */
function server(prefix: string, overrides: Partial<ImportItem> = {}): ImportItem {
  serial += 1;
  return { className: 'server', name: `${prefix}-${serial}`, environment: 'prod', identifiers: { hostname: `${prefix}-${serial}.example.com` }, attributes: { os: 'Debian 12', cpuCount: 8 }, ...overrides };
}

describe('imports in chunks', () => {
  let h: CmdbHarness;

  const run = (request: RunImportRequest): Promise<ImportResult> => h.rpc.call(ImportRpc.run, request, { actor: ada, timeoutMs: 120_000 });
  const auditRows = (prefix: string, action: string): Promise<number> =>
    h.count(`audit_log WHERE entity_type = 'ci' AND action = $1 AND entity_id IN (SELECT id FROM cmdb.cis WHERE name LIKE $2)`, [action, `${prefix}-%`]);

  beforeAll(async () => {
    h = await CmdbHarness.start();
  });

  afterAll(() => h.stop());

  it('reports only the bad rows of a chunk as failed and imports every other row of it, with its audit row', async () => {
    const items = Array.from({ length: IMPORT_CHUNK_ROWS + 50 }, () => server('mixed'));
    const badAttribute = 120;
    const unknownClass = IMPORT_CHUNK_ROWS + 10;
    items[badAttribute] = server('mixed', { attributes: { cpuCount: 'eight' } });
    items[unknownClass] = { ...server('mixed'), className: 'mainframe' };

    const result = await run({ source: 'discovery', items });

    expect(result.counts).toMatchObject({ created: items.length - 2, errors: 2 });
    expect(result.rows.filter((row) => row.outcome !== 'created').map((row) => [row.index, row.outcome, row.errors?.map((e) => e.field)])).toEqual([
      [badAttribute, 'error', ['attributes.cpuCount']],
      [unknownClass, 'error', ['className']],
    ]);
    expect(result.rows.map((row) => row.index)).toEqual(items.map((_, i) => i));
    await expect(h.count(`cis WHERE name LIKE 'mixed-%'`)).resolves.toBe(items.length - 2);
    await expect(auditRows('mixed', 'created')).resolves.toBe(items.length - 2);
  });

  it('reports a failing relationship of a chunk on its own and adds the others', async () => {
    const items = Array.from({ length: 30 }, (_, i) => server('edge', { key: `s${i}` }));
    const app = { key: 'app', className: 'application', name: 'edge-app', identifiers: { cloudId: 'app/edge' } };
    const relationships = items.map((_, i) => ({ type: RelationshipType.RunsOn, source: { key: 'app' }, target: { key: `s${i}` } }));
    relationships[7] = { type: RelationshipType.RunsOn, source: { key: 's1' }, target: { key: 'app' } };

    const result = await run({ source: 'discovery', items: [...items, app], relationships });

    expect(result.counts).toMatchObject({ created: 31, relationshipsAdded: 29, errors: 1 });
    expect(result.rows.filter((row) => row.kind === 'relationship' && row.outcome !== 'created').map((row) => [row.index, row.outcome, row.errors?.map((e) => e.field)])).toEqual([[7, 'error', ['type']]]);
    const again = await run({ source: 'discovery', items: [...items, app], relationships });
    expect(again.counts).toMatchObject({ unchanged: 31, relationshipsUnchanged: 29, relationshipsAdded: 0, errors: 1 });
  });

  it('treats a CI or an edge that repeats within a batch as the same one: the repeat updates it or leaves it unchanged', async () => {
    const first = server('twice', { key: 'a' });
    const same = { ...first, key: 'b' };
    const changed = { ...first, key: 'c', attributes: { os: 'Debian 12', cpuCount: 16 } };
    const other = server('twice', { key: 'd' });
    const repeatedKey = server('twice', { key: 'a' });
    const app = { key: 'app', className: 'application', name: 'twice-app', identifiers: { cloudId: 'app/twice' } };
    const edge = { type: RelationshipType.RunsOn, source: { key: 'app' }, target: { key: 'a' } };

    const result = await run({ source: 'discovery', items: [first, same, changed, other, repeatedKey, app], relationships: [edge, edge, { ...edge, target: { key: 'b' } }] });

    const [created, unchanged, updated] = [result.rows.find((row) => row.index === 0), result.rows.find((row) => row.index === 1), result.rows.find((row) => row.index === 2)];
    expect(created).toMatchObject({ kind: 'item', outcome: 'created' });
    expect(unchanged).toBeUndefined();
    expect(updated).toMatchObject({ kind: 'item', outcome: 'updated', ciId: created?.ciId });
    expect(result.rows.filter((row) => row.kind === 'item' && row.index === 4)).toEqual([{ kind: 'item', index: 4, outcome: 'error', errors: [{ field: 'key', message: 'is the key of an earlier row of the batch' }] }]);
    expect(result.counts).toMatchObject({ created: 3, updated: 1, unchanged: 1, errors: 1, relationshipsAdded: 1, relationshipsUnchanged: 2 });
    await expect(h.count(`cis WHERE name LIKE 'twice-%'`)).resolves.toBe(3);
    await expect(h.count(`cis WHERE identifiers @> $1::jsonb`, [JSON.stringify(first.identifiers)])).resolves.toBe(1);
  });

  it('identifies a row by identifiers an earlier row of the same chunk has just changed', async () => {
    const stored = server('moved', { identifiers: { serial: 'SN-MOVED-1', hostname: 'moved-old.example.com' } });
    const [created] = (await run({ source: 'discovery', items: [stored] })).rows;

    const result = await run({
      source: 'discovery',
      items: [
        { ...stored, identifiers: { serial: 'SN-MOVED-1', hostname: 'moved-new.example.com' } },
        server('moved', { identifiers: { hostname: 'moved-old.example.com' } }),
        { ...stored, identifiers: { hostname: 'moved-new.example.com' }, attributes: { os: 'Debian 13' } },
      ],
    });

    expect(result.rows.map((row) => [row.index, row.outcome, row.ciId === created?.ciId])).toEqual([
      [0, 'updated', true],
      [1, 'created', false],
      [2, 'updated', true],
    ]);
    await expect(h.row('cis', created?.ciId as string)).resolves.toMatchObject({ identifiers: { serial: 'SN-MOVED-1', hostname: 'moved-new.example.com' }, attributes: { os: 'Debian 13', cpuCount: 8 }, version: 3 });
  });

  it('creates each CI once when two imports of overlapping rows spanning several chunks run at the same time', async () => {
    const items = Array.from({ length: IMPORT_CHUNK_ROWS * 3 }, () => server('overlap'));
    const a = items.slice(0, IMPORT_CHUNK_ROWS * 2);
    const b = [...items.slice(IMPORT_CHUNK_ROWS)].reverse();

    const [first, second] = await Promise.all([run({ source: 'discovery', items: a }), run({ source: 'discovery', items: b })]);

    expect(first.counts.errors + second.counts.errors).toBe(0);
    expect(first.counts.created + second.counts.created).toBe(items.length);
    expect(first.counts.unchanged + second.counts.unchanged).toBe(a.length + b.length - items.length);
    await expect(h.count(`cis WHERE name LIKE 'overlap-%'`)).resolves.toBe(items.length);
    await expect(auditRows('overlap', 'created')).resolves.toBe(items.length);
  });

  it('adds each edge once, with one audit row, when two imports assert the same edges at the same time', async () => {
    const hosts = (await run({ source: 'discovery', items: Array.from({ length: IMPORT_CHUNK_ROWS + 20 }, () => server('shared')) })).rows.map((row) => row.ciId as string);
    const [app] = (await run({ source: 'discovery', items: [{ className: 'application', name: 'shared-app', identifiers: { cloudId: 'app/shared' } }] })).rows;
    const relationships = hosts.map((id) => ({ type: RelationshipType.RunsOn, source: { ciId: app?.ciId as string }, target: { ciId: id } }));

    const [first, second] = await Promise.all([run({ source: 'discovery', items: [], relationships }), run({ source: 'discovery', items: [], relationships: [...relationships].reverse() })]);

    expect(first.counts.errors + second.counts.errors).toBe(0);
    expect(first.counts.relationshipsAdded + second.counts.relationshipsAdded).toBe(hosts.length);
    expect(first.counts.relationshipsUnchanged + second.counts.relationshipsUnchanged).toBe(hosts.length);
    await expect(h.count(`ci_relationships WHERE source_id = $1`, [app?.ciId])).resolves.toBe(hosts.length);
    await expect(h.count(`audit_log WHERE entity_type = 'relationship' AND action = 'added' AND after ->> 'sourceId' = $1`, [app?.ciId])).resolves.toBe(hosts.length);
  });
});
