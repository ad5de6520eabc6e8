import { type FieldError, type ImportItem, type ImportRelationship, RelationshipType } from '@itsm/contracts';

/**
 * Maps a Kubernetes `List` (what `kubectl get namespaces,nodes,deployments,statefulsets,services,pods -A -o json`
 * prints) to an import batch. Every object is keyed in the batch by its `metadata.uid` and identified by it
 * (`k8sUid`); the cluster is keyed and identified by `cloudId` `kubernetes/<cluster>`. Every CI carries the
 * cluster's name in the attribute `cluster`, which is how a full snapshot finds the CIs it no longer lists.
 */

export const KUBERNETES_SOURCE = 'kubernetes';

export function clusterCloudId(cluster: string): string {
  return `kubernetes/${cluster}`;
}

type Labels = Record<string, string>;

interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  labels: Labels;
  ownerReferences: Array<{ kind?: string; name?: string; uid?: string }>;
}

/** A Kubernetes object of the list, reduced to what the mapping reads. */
interface KubeObject {
  kind: string;
  metadata: ObjectMeta;
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}

export interface KubernetesBatch {
  items: ImportItem[];
  relationships: ImportRelationship[];
  /** `metadata.uid` of every object the batch has (the cluster has none). */
  uids: string[];
  /** Objects of kinds that are not mapped, by kind. */
  skipped: Record<string, number>;
}

export type KubernetesMapping = { ok: true; batch: KubernetesBatch } | { ok: false; errors: FieldError[] };

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const MAPPED_KINDS = new Set(['Namespace', 'Node', 'Service', 'Pod', ...WORKLOAD_KINDS]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function labels(value: unknown): Labels {
  return Object.fromEntries(Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Every pair of `selector` is in `labels`; an empty selector selects nothing here (it would select everything). */
function selects(selector: Labels, target: Labels): boolean {
  const pairs = Object.entries(selector);
  return pairs.length > 0 && pairs.every(([key, value]) => target[key] === value);
}

function parseObject(raw: unknown, index: number, errors: FieldError[]): KubeObject | undefined {
  const field = `list.items[${index}]`;
  if (!isRecord(raw)) {
    errors.push({ field, message: 'must be a Kubernetes object' });
    return undefined;
  }
  const kind = text(raw['kind']);
  if (!kind) {
    errors.push({ field: `${field}.kind`, message: 'must be the kind of the object' });
    return undefined;
  }
  const metadata = record(raw['metadata']);
  const name = text(metadata['name']);
  const uid = text(metadata['uid']);
  if (MAPPED_KINDS.has(kind)) {
    if (!name) errors.push({ field: `${field}.metadata.name`, message: 'must be the name of the object' });
    if (!uid) errors.push({ field: `${field}.metadata.uid`, message: 'must be the uid of the object' });
  }
  if (!name || !uid) return MAPPED_KINDS.has(kind) ? undefined : { kind, metadata: { name: '', uid: '', labels: {}, ownerReferences: [] }, spec: {}, status: {} };
  const owners = Array.isArray(metadata['ownerReferences']) ? metadata['ownerReferences'].filter(isRecord) : [];
  return {
    kind,
    metadata: {
      name,
      uid,
      ...(text(metadata['namespace']) ? { namespace: text(metadata['namespace']) } : {}),
      labels: labels(metadata['labels']),
      ownerReferences: owners.map((owner) => ({ kind: text(owner['kind']), name: text(owner['name']), uid: text(owner['uid']) })),
    },
    spec: record(raw['spec']),
    status: record(raw['status']),
  };
}

/** `16393220Ki` → 15.6 (GiB, one decimal); undefined for what is not a memory quantity. */
export function memoryGb(quantity: unknown): number | undefined {
  const match = typeof quantity === 'string' ? /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity) : null;
  if (!match) return undefined;
  const factor: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  const bytes = Number(match[1]) * (match[2] ? (factor[match[2]] ?? 1) : 1);
  return Math.round((bytes / 2 ** 30) * 10) / 10;
}

function containersOf(podSpec: Record<string, unknown>): Array<Record<string, unknown>> {
  return Array.isArray(podSpec['containers']) ? podSpec['containers'].filter(isRecord) : [];
}

function imagesOf(podSpec: Record<string, unknown>): string[] {
  return [...new Set(containersOf(podSpec).map((container) => text(container['image'])).filter((image): image is string => image !== undefined))].sort();
}

function templateOf(workload: KubeObject): { labels: Labels; spec: Record<string, unknown> } {
  const template = record(workload.spec['template']);
  return { labels: labels(record(template['metadata'])['labels']), spec: record(template['spec']) };
}

function selectorOf(workload: KubeObject): Labels {
  return labels(record(workload.spec['selector'])['matchLabels']);
}

/** The workload of a pod: its owner (a StatefulSet or DaemonSet directly; a Deployment through its ReplicaSet's name), else the one workload whose selector matches its labels. */
function workloadOfPod(pod: KubeObject, workloads: KubeObject[]): KubeObject | undefined {
  const sameNamespace = workloads.filter((workload) => workload.metadata.namespace === pod.metadata.namespace);
  for (const owner of pod.metadata.ownerReferences) {
    if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') {
      const direct = sameNamespace.find((workload) => workload.kind === owner.kind && (workload.metadata.uid === owner.uid || workload.metadata.name === owner.name));
      if (direct) return direct;
    }
    if (owner.kind === 'ReplicaSet' && owner.name) {
      const replicaSet = owner.name;
      const hash = pod.metadata.labels['pod-template-hash'];
      const deployments = sameNamespace
        .filter((workload) => workload.kind === 'Deployment')
        .filter((deployment) => (hash ? replicaSet === `${deployment.metadata.name}-${hash}` : new RegExp(`^${escape(deployment.metadata.name)}-[a-z0-9]+$`).test(replicaSet)))
        .sort((a, b) => b.metadata.name.length - a.metadata.name.length);
      if (deployments[0]) return deployments[0];
    }
  }
  const selecting = sameNamespace.filter((workload) => selects(selectorOf(workload), pod.metadata.labels));
  return selecting.length === 1 ? selecting[0] : undefined;
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function mapKubernetesList(list: unknown, options: { cluster: string; environment: string }): KubernetesMapping {
  if (!isRecord(list) || list['kind'] !== 'List') return { ok: false, errors: [{ field: 'list', message: 'must be a Kubernetes List (kind: List), as kubectl get -o json prints it' }] };
  const rawItems = list['items'];
  if (!Array.isArray(rawItems)) return { ok: false, errors: [{ field: 'list', message: 'must have an items array' }] };

  const errors: FieldError[] = [];
  const objects: KubeObject[] = [];
  const skipped: Record<string, number> = {};
  const seen = new Set<string>();
  rawItems.forEach((raw, index) => {
    const object = parseObject(raw, index, errors);
    if (!object) return;
    if (!MAPPED_KINDS.has(object.kind)) {
      skipped[object.kind] = (skipped[object.kind] ?? 0) + 1;
      return;
    }
    if (seen.has(object.metadata.uid)) return;
    seen.add(object.metadata.uid);
    objects.push(object);
  });
  if (errors.length > 0) return { ok: false, errors };

  const { cluster, environment } = options;
  const clusterKey = clusterCloudId(cluster);
  const items: ImportItem[] = [{ key: clusterKey, className: 'kubernetes_cluster', name: cluster, environment, identifiers: { cloudId: clusterKey }, attributes: {} }];
  const relationships: ImportRelationship[] = [];
  const relate = (type: RelationshipType, source: string, target: string): void => {
    relationships.push({ type, source: { key: source }, target: { key: target } });
  };
  const of = (kind: string): KubeObject[] => objects.filter((object) => object.kind === kind);
  const namespaces = new Map(of('Namespace').map((namespace) => [namespace.metadata.name, namespace]));
  const nodes = new Map(of('Node').map((node) => [node.metadata.name, node]));
  const workloads = objects.filter((object) => WORKLOAD_KINDS.has(object.kind));
  const item = (object: KubeObject, className: string, attributes: Record<string, unknown>, identifiers: ImportItem['identifiers'] = {}): void => {
    items.push({ key: object.metadata.uid, className, name: object.metadata.name, environment, identifiers: { k8sUid: object.metadata.uid, ...identifiers }, attributes: { cluster, ...attributes } });
  };
  const inNamespace = (object: KubeObject): void => {
    const namespace = object.metadata.namespace ? namespaces.get(object.metadata.namespace) : undefined;
    if (namespace) relate(RelationshipType.PartOf, object.metadata.uid, namespace.metadata.uid);
  };

  for (const namespace of namespaces.values()) {
    item(namespace, 'kubernetes_namespace', { labels: namespace.metadata.labels });
    relate(RelationshipType.PartOf, namespace.metadata.uid, clusterKey);
  }
  for (const node of nodes.values()) {
    const info = record(node.status['nodeInfo']);
    const capacity = record(node.status['capacity']);
    const addresses = Array.isArray(node.status['addresses']) ? node.status['addresses'].filter(isRecord) : [];
    const hostname = text(addresses.find((address) => address['type'] === 'Hostname')?.['address']) ?? node.metadata.name;
    const cpuCount = Number(capacity['cpu']);
    item(
      node,
      'server',
      {
        labels: node.metadata.labels,
        ...(text(info['osImage']) ? { os: text(info['osImage']) } : {}),
        ...(text(info['kernelVersion']) ? { osVersion: text(info['kernelVersion']) } : {}),
        ...(Number.isInteger(cpuCount) && cpuCount > 0 ? { cpuCount } : {}),
        ...(memoryGb(capacity['memory']) !== undefined ? { memoryGb: memoryGb(capacity['memory']) } : {}),
      },
      { hostname },
    );
    relate(RelationshipType.PartOf, node.metadata.uid, clusterKey);
  }
  for (const workload of workloads) {
    const replicas = workload.spec['replicas'];
    item(workload, 'kubernetes_workload', {
      kind: workload.kind,
      namespace: workload.metadata.namespace,
      ...(workload.kind !== 'DaemonSet' ? { replicas: typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0 ? replicas : 1 } : {}),
      images: imagesOf(templateOf(workload).spec),
      labels: workload.metadata.labels,
      selector: selectorOf(workload),
    });
    inNamespace(workload);
  }
  for (const service of of('Service')) {
    const selector = labels(service.spec['selector']);
    const ports = Array.isArray(service.spec['ports']) ? service.spec['ports'].filter(isRecord).map((port) => port['port']).filter((port): port is number => typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535) : [];
    item(service, 'service_instance', {
      namespace: service.metadata.namespace,
      ...(text(service.spec['type']) ? { type: text(service.spec['type']) } : {}),
      ...(text(service.spec['clusterIP']) ? { clusterIp: text(service.spec['clusterIP']) } : {}),
      ports,
      selector,
    });
    inNamespace(service);
    for (const workload of workloads) {
      if (workload.metadata.namespace === service.metadata.namespace && selects(selector, templateOf(workload).labels)) relate(RelationshipType.DependsOn, service.metadata.uid, workload.metadata.uid);
    }
  }
  for (const pod of of('Pod')) {
    const nodeName = text(pod.spec['nodeName']);
    const image = text(containersOf(pod.spec)[0]?.['image']);
    item(pod, 'container', {
      namespace: pod.metadata.namespace,
      labels: pod.metadata.labels,
      ...(image ? { image } : {}),
      ...(text(pod.status['phase']) ? { phase: text(pod.status['phase']) } : {}),
      ...(nodeName ? { nodeName } : {}),
    });
    const node = nodeName ? nodes.get(nodeName) : undefined;
    if (node) relate(RelationshipType.RunsOn, pod.metadata.uid, node.metadata.uid);
    const workload = workloadOfPod(pod, workloads);
    if (workload) relate(RelationshipType.PartOf, pod.metadata.uid, workload.metadata.uid);
  }
  return { ok: true, batch: { items, relationships, uids: objects.map((object) => object.metadata.uid), skipped } };
}
