/** Kubernetes discovery through ImportRpc.kubernetes over real PostgreSQL and NATS: a cluster imported, then imported again later. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CloudEvent, CmdbErrorCode, CmdbEvents, ErrorCode, type ImportCompletedV1, type ImportResult, ImportRpc } from '@itsm/contracts';
import { ada, fieldsOf, readEvents, sam } from '@itsm/testing';
import { CmdbHarness } from './support/cmdb-harness';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(__dirname, 'fixtures/kubernetes', name), 'utf8')) as Record<string, unknown>;

const UID = {
  nsPayments: '6f1d3c2a-8b4e-4f6a-9c1d-2e3f4a5b6c71',
  nsData: '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c62',
  nodeA: 'c2f4e6a8-1b3d-4f5a-8e7c-9d0b1a2c3e41',
  nodeB: 'd3a5b7c9-2c4e-4a6b-9f8d-0e1c2b3d4f52',
  checkout: '7b2e9f41-3c5d-4e6f-8a9b-0c1d2e3f4a81',
  ledger: '8c3f0a52-4d6e-4f7a-9b0c-1d2e3f4a5b92',
  redis: '9d4a1b63-5e7f-4a8b-8c1d-2e3f4a5b6ca3',
  svcCheckout: 'ae5b2c74-6f8a-4b9c-9d2e-3f4a5b6c7db4',
  svcRedis: 'bf6c3d85-7a9b-4cad-8e3f-4a5b6c7d8ec5',
  podCheckoutNew: '6fc29deb-d0f1-4c23-8e9f-a0b1c2d3e42b',
  podLedgerGone: '81e4bf0d-f213-4e45-8ab1-c2d3e4f5a64d',
  redis0: '92f5c01e-0324-4f56-9bc2-d3e4f5a6b75e',
};

describe('kubernetes import', () => {
  let h: CmdbHarness;
  let first: ImportResult;
  let second: ImportResult;

  const importList = (list: Record<string, unknown>, options: { cluster?: string; fullSnapshot?: boolean } = {}): Promise<ImportResult> =>
    h.rpc.call(ImportRpc.kubernetes, { cluster: options.cluster ?? 'prod-eu-1', list, ...(options.fullSnapshot !== undefined ? { fullSnapshot: options.fullSnapshot } : {}) }, { actor: ada, timeoutMs: 60_000 });

  const ciOf = async (uid: string): Promise<Record<string, unknown>> => {
    const [row] = await h.database.query<Record<string, unknown>>(`SELECT * FROM cmdb.cis WHERE identifiers ->> 'k8sUid' = $1`, [uid]);
    if (!row) throw new Error(`no CI for uid ${uid}`);
    return row;
  };

  /** Edges between CIs as `type source-name target-name`, for CIs of the cluster. */
  const edges = async (): Promise<string[]> => {
    const rows = await h.database.query<{ edge: string }>(
      `SELECT r.type || ' ' || s.name || ' ' || t.name AS edge FROM cmdb.ci_relationships r JOIN cmdb.cis s ON s.id = r.source_id JOIN cmdb.cis t ON t.id = r.target_id WHERE r.data_source = 'kubernetes'`,
    );
    return rows.map((row) => row.edge).sort();
  };

  beforeAll(async () => {
    h = await CmdbHarness.start();
    first = await importList(fixture('cluster-v1.json'));
    second = await importList(fixture('cluster-v2.json'));
  });

  afterAll(() => h.stop());

  it('creates the cluster and a CI per object, with relationships', async () => {
    expect(first.counts).toEqual({ created: 16, updated: 0, unchanged: 0, conflicts: 0, errors: 0, retired: 0, relationshipsAdded: 23, relationshipsUnchanged: 0, relationshipsRemoved: 0, skipped: 0 });
    await expect(h.count(`cis WHERE class_name = 'kubernetes_cluster' AND identifiers @> '{"cloudId":"kubernetes/prod-eu-1"}'`)).resolves.toBe(1);
    await expect(ciOf(UID.nodeA)).resolves.toMatchObject({ class_name: 'server', identifiers: { k8sUid: UID.nodeA, hostname: 'ip-10-0-1-23.eu-west-1.compute.internal' } });
    await expect(h.row('import_runs', first.importId)).resolves.toMatchObject({ kind: 'kubernetes', scope: 'prod-eu-1', source: 'kubernetes' });
  });

  it('updates the scaled Deployment with its new image on the second import', async () => {
    const checkout = await ciOf(UID.checkout);
    expect(checkout).toMatchObject({ class_name: 'kubernetes_workload', attributes: { replicas: 3, images: ['registry.example.com/payments/checkout-api:1.15.0'], kind: 'Deployment', namespace: 'payments' } });
    expect(second.rows).toContainEqual({ kind: 'item', index: expect.any(Number), outcome: 'updated', ciId: checkout['id'] });
    const [updated] = await h.events(CmdbEvents.ciUpdated, checkout['id'] as string);
    expect(updated?.data.changes.map((change) => change.field).sort()).toEqual(['attributes.images', 'attributes.replicas']);
  });

  it('creates the new pod and retires the pod and the Service the snapshot no longer has', async () => {
    await expect(ciOf(UID.podCheckoutNew)).resolves.toMatchObject({ class_name: 'container', status: 'operational' });
    await expect(ciOf(UID.podLedgerGone)).resolves.toMatchObject({ status: 'retired', retired_at: expect.any(Date) });
    await expect(ciOf(UID.svcRedis)).resolves.toMatchObject({ class_name: 'service_instance', status: 'retired' });
    expect(second.counts).toMatchObject({ created: 1, retired: 2, errors: 0, conflicts: 0 });
    const retired = second.rows.filter((row) => row.outcome === 'retired');
    expect(retired.map((row) => row.kind)).toEqual(['snapshot', 'snapshot']);
    const [event] = await h.events(CmdbEvents.ciRetired, (await ciOf(UID.podLedgerGone))['id'] as string);
    expect(event?.data).toMatchObject({ source: 'kubernetes', reason: 'gone from the Kubernetes snapshot of prod-eu-1' });
  });

  it('keeps the relationships right: pods run on nodes, workloads are part of namespaces, services depend on the workloads they select', async () => {
    const all = await edges();
    expect(all).toContain('runs_on checkout-api-6b8c9d7f4a-m4tnp ip-10-0-1-23.eu-west-1.compute.internal');
    expect(all).toContain('part_of checkout-api-6b8c9d7f4a-m4tnp checkout-api');
    expect(all).toContain('part_of checkout-api payments');
    expect(all).toContain('part_of redis data');
    expect(all).toContain('depends_on checkout-api checkout-api');
    expect(all).toContain('part_of payments prod-eu-1');
    expect(all).toContain('part_of ip-10-0-2-57.eu-west-1.compute.internal prod-eu-1');
    // The edges of the pod and the Service that are gone were removed.
    expect(all.filter((edge) => edge.includes('ledger-worker-5c6b7d8f9-wz8rd'))).toEqual([]);
    expect(all).not.toContain('depends_on redis redis');
    expect(all.filter((edge) => edge === 'part_of redis data')).toHaveLength(1); // the StatefulSet's; the Service's is gone
    expect(second.counts).toMatchObject({ relationshipsAdded: 2, relationshipsRemoved: 4 });
    expect(all).toHaveLength(23 + 2 - 4);
  });

  it('publishes import_completed with the counts of each run', async () => {
    const runs = (await readEvents(h.nc, CmdbEvents.importCompleted.subject)).map((m) => (m.body as CloudEvent<ImportCompletedV1>).data);
    expect(runs).toEqual(expect.arrayContaining([
      { importId: first.importId, source: 'kubernetes', counts: first.counts },
      { importId: second.importId, source: 'kubernetes', counts: second.counts },
    ]));
  });

  it('changes nothing when the same snapshot is imported again', async () => {
    const before = (await readEvents(h.nc, CmdbEvents.ciUpdated.subject)).length;
    const again = await importList(fixture('cluster-v2.json'));
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 15, conflicts: 0, errors: 0, retired: 0, relationshipsAdded: 0, relationshipsUnchanged: 21, relationshipsRemoved: 0, skipped: 0 });
    expect(again.rows).toEqual([]);
    await h.events(CmdbEvents.importCompleted, again.importId);
    await expect(readEvents(h.nc, CmdbEvents.ciUpdated.subject).then((all) => all.length)).resolves.toBe(before);
  });

  it('retires nothing without a full snapshot, and brings back a CI that reappears', async () => {
    const partial = await importList({ apiVersion: 'v1', kind: 'List', items: [] }, { fullSnapshot: false });
    expect(partial.counts).toMatchObject({ retired: 0, relationshipsRemoved: 0 });

    const back = await importList(fixture('cluster-v1.json'));
    expect(back.counts).toMatchObject({ retired: 1, errors: 0 });
    await expect(ciOf(UID.svcRedis)).resolves.toMatchObject({ status: 'operational', retired_at: null });
    await expect(ciOf(UID.podLedgerGone)).resolves.toMatchObject({ status: 'operational' });
    await expect(ciOf(UID.podCheckoutNew)).resolves.toMatchObject({ status: 'retired' });
    expect(await edges()).toContain('depends_on redis redis');
  });

  it('counts objects of kinds it does not import', async () => {
    const list = fixture('cluster-v1.json') as { items: unknown[] };
    list.items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'payments', uid: '11111111-2222-4333-8444-555555555555' } });
    await expect(importList(list).then((result) => result.counts.skipped)).resolves.toBe(1);
  });

  it('refuses a list that is not a Kubernetes List, naming list, and anyone but admins', async () => {
    const before = await h.count('import_runs');
    await expect(importList({ kind: 'PodList', items: [] }).catch(fieldsOf)).resolves.toEqual(['list']);
    await expect(importList({ kind: 'PodList', items: [] })).rejects.toMatchObject({ code: ErrorCode.VALIDATION, reason: CmdbErrorCode.ImportNotKubernetesList });
    await expect(importList({ kind: 'List', items: 'none' }).catch(fieldsOf)).resolves.toEqual(['list']);
    await expect(h.rpc.call(ImportRpc.kubernetes, { cluster: 'prod-eu-1', list: fixture('cluster-v1.json') }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(h.count('import_runs')).resolves.toBe(before);
  });
});
