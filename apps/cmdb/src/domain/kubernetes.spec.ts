import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ImportItem } from '@itsm/contracts';
import { type KubernetesBatch, mapKubernetesList, memoryGb } from './kubernetes';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/kubernetes', name), 'utf8'));
const OPTIONS = { cluster: 'prod-eu-1', environment: 'prod' };

function mapped(list: unknown): KubernetesBatch {
  const result = mapKubernetesList(list, OPTIONS);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.batch;
}

function byName(batch: KubernetesBatch, className: string, name: string): ImportItem {
  const found = batch.items.find((item) => item.className === className && item.name === name);
  if (!found) throw new Error(`no ${className} ${name}`);
  return found;
}

/** Relationships as `type source-name target-name`. */
function edges(batch: KubernetesBatch): string[] {
  const names = new Map(batch.items.map((item) => [item.key, item.name]));
  return batch.relationships.map((edge) => `${edge.type} ${names.get(edge.source.key ?? '')} ${names.get(edge.target.key ?? '')}`).sort();
}

describe('kubernetes mapping', () => {
  const v1 = mapped(fixture('cluster-v1.json'));
  const v2 = mapped(fixture('cluster-v2.json'));

  it('maps the cluster, namespaces, nodes, workloads, services and pods to their classes, keyed by uid', () => {
    const counts = v1.items.reduce<Record<string, number>>((all, item) => ({ ...all, [item.className]: (all[item.className] ?? 0) + 1 }), {});
    expect(counts).toEqual({ kubernetes_cluster: 1, kubernetes_namespace: 2, server: 2, kubernetes_workload: 3, service_instance: 2, container: 6 });
    expect(byName(v1, 'kubernetes_cluster', 'prod-eu-1')).toMatchObject({ key: 'kubernetes/prod-eu-1', identifiers: { cloudId: 'kubernetes/prod-eu-1' } });
    for (const item of v1.items.filter((i) => i.className !== 'kubernetes_cluster')) {
      expect(item.key).toBe(item.identifiers.k8sUid);
      expect(item.attributes).toMatchObject({ cluster: 'prod-eu-1' });
    }
    expect(v1.uids).toHaveLength(15);
  });

  it('describes a node as a server with its hostname and capacity', () => {
    expect(byName(v1, 'server', 'ip-10-0-1-23.eu-west-1.compute.internal')).toMatchObject({
      identifiers: { k8sUid: 'c2f4e6a8-1b3d-4f5a-8e7c-9d0b1a2c3e41', hostname: 'ip-10-0-1-23.eu-west-1.compute.internal' },
      attributes: { os: 'Amazon Linux 2023.5.20241001', cpuCount: 4, memoryGb: 15.3 },
    });
  });

  it('describes a workload with kind, namespace, replicas, images, labels and selector', () => {
    expect(byName(v1, 'kubernetes_workload', 'checkout-api').attributes).toEqual({
      cluster: 'prod-eu-1',
      kind: 'Deployment',
      namespace: 'payments',
      replicas: 2,
      images: ['registry.example.com/payments/checkout-api:1.14.2'],
      labels: { app: 'checkout-api', 'app.kubernetes.io/part-of': 'webshop' },
      selector: { app: 'checkout-api' },
    });
    expect(byName(v2, 'kubernetes_workload', 'checkout-api').attributes).toMatchObject({ replicas: 3, images: ['registry.example.com/payments/checkout-api:1.15.0'] });
    expect(byName(v1, 'kubernetes_workload', 'redis').attributes).toMatchObject({ kind: 'StatefulSet', namespace: 'data', replicas: 2 });
  });

  it('relates namespaces and nodes to the cluster, workloads and services to namespaces, pods to nodes and workloads, services to the workloads they select', () => {
    expect(edges(v1)).toEqual(
      [
        'part_of payments prod-eu-1',
        'part_of data prod-eu-1',
        'part_of ip-10-0-1-23.eu-west-1.compute.internal prod-eu-1',
        'part_of ip-10-0-2-57.eu-west-1.compute.internal prod-eu-1',
        'part_of checkout-api payments',
        'part_of ledger-worker payments',
        'part_of redis data',
        'part_of checkout-api payments',
        'part_of redis data',
        'depends_on checkout-api checkout-api',
        'depends_on redis redis',
        'runs_on checkout-api-7d9f8b6c5d-x2x7k ip-10-0-1-23.eu-west-1.compute.internal',
        'part_of checkout-api-7d9f8b6c5d-x2x7k checkout-api',
        'runs_on checkout-api-7d9f8b6c5d-q9wzl ip-10-0-2-57.eu-west-1.compute.internal',
        'part_of checkout-api-7d9f8b6c5d-q9wzl checkout-api',
        'runs_on ledger-worker-5c6b7d8f9-hk2mn ip-10-0-2-57.eu-west-1.compute.internal',
        'part_of ledger-worker-5c6b7d8f9-hk2mn ledger-worker',
        'runs_on ledger-worker-5c6b7d8f9-wz8rd ip-10-0-1-23.eu-west-1.compute.internal',
        'part_of ledger-worker-5c6b7d8f9-wz8rd ledger-worker',
        'runs_on redis-0 ip-10-0-1-23.eu-west-1.compute.internal',
        'part_of redis-0 redis',
        'runs_on redis-1 ip-10-0-2-57.eu-west-1.compute.internal',
        'part_of redis-1 redis',
      ].sort(),
    );
  });

  it('finds the Deployment of a pod from its ReplicaSet name when the pod has no pod-template-hash label', () => {
    const list = fixture('cluster-v1.json') as { items: Array<{ kind: string; metadata: { name: string; labels: Record<string, string> } }> };
    for (const item of list.items) if (item.kind === 'Pod') item.metadata.labels = {};
    expect(edges(mapped(list)).filter((edge) => edge.startsWith('part_of checkout-api-7d9f8b6c5d'))).toEqual([
      'part_of checkout-api-7d9f8b6c5d-q9wzl checkout-api',
      'part_of checkout-api-7d9f8b6c5d-x2x7k checkout-api',
    ]);
  });

  it('falls back to the workload selector for a pod without owner references', () => {
    const list = fixture('cluster-v1.json') as { items: Array<{ kind: string; metadata: { ownerReferences?: unknown } }> };
    for (const item of list.items) delete item.metadata.ownerReferences;
    expect(edges(mapped(list)).filter((edge) => edge.startsWith('part_of redis-'))).toEqual(['part_of redis-0 redis', 'part_of redis-1 redis']);
  });

  it('skips and counts kinds it does not map', () => {
    const list = fixture('cluster-v1.json') as { items: unknown[] };
    list.items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'payments', uid: 'u-1' } }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'y', uid: 'u-2' } });
    const batch = mapped(list);
    expect(batch.skipped).toEqual({ ConfigMap: 1, ReplicaSet: 1 });
    expect(batch.items).toHaveLength(16);
  });

  it('refuses what is not a List, naming list', () => {
    expect(mapKubernetesList({ kind: 'PodList', items: [] }, OPTIONS)).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'list' })] });
    expect(mapKubernetesList({ kind: 'List', items: {} }, OPTIONS)).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'list' })] });
    expect(mapKubernetesList({ kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'p' } }] }, OPTIONS)).toEqual({ ok: false, errors: [{ field: 'list.items[0].metadata.uid', message: 'must be the uid of the object' }] });
  });

  it('reads memory quantities', () => {
    expect(memoryGb('16Gi')).toBe(16);
    expect(memoryGb('512Mi')).toBe(0.5);
    expect(memoryGb('lots')).toBeUndefined();
  });

  it('never fails on arbitrary items and only relates CIs of the batch', () => {
    const labels = fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('a', 'b'));
    const object = fc.record({
      kind: fc.constantFrom('Namespace', 'Node', 'Deployment', 'StatefulSet', 'Service', 'Pod', 'Secret'),
      metadata: fc.record({ name: fc.constantFrom('a', 'b', 'a-1f2e'), namespace: fc.constantFrom('x', 'a', 'b'), uid: fc.uuid(), labels, ownerReferences: fc.array(fc.record({ kind: fc.constantFrom('ReplicaSet', 'StatefulSet'), name: fc.constantFrom('a-1f2e', 'b') }), { maxLength: 1 }) }),
      spec: fc.record({ selector: fc.oneof(labels, fc.record({ matchLabels: labels })), nodeName: fc.constantFrom('a', 'b'), template: fc.record({ metadata: fc.record({ labels }) }) }, { requiredKeys: [] }),
    });
    fc.assert(
      fc.property(fc.array(object, { maxLength: 12 }), (items) => {
        const batch = mapped({ apiVersion: 'v1', kind: 'List', items });
        const keys = new Set(batch.items.map((item) => item.key));
        for (const edge of batch.relationships) {
          expect(keys.has(edge.source.key)).toBe(true);
          expect(keys.has(edge.target.key)).toBe(true);
          expect(edge.source.key).not.toBe(edge.target.key);
        }
      }),
    );
  });
});
