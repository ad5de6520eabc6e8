// Questions the manifest tests ask of rendered objects: which pods a selector picks, what value a container's
// variable ends up with, whether a pod meets the restricted standard, which traffic the network policies allow.
import { isDeepStrictEqual } from 'node:util';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { ICluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import type { K8sObject } from './render';

export type Labels = Record<string, string>;
export type LabelSelector = NonNullable<INetworkPolicy['spec']>['podSelector'];

export function ofKind<T>(objects: readonly K8sObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as unknown as T[];
}

export function named<T>(objects: readonly K8sObject[], kind: string, name: string): T | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name) as unknown as T | undefined;
}

/** Label selector semantics: every matchLabels pair and every expression must hold; `{}` selects everything. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const value = labels[key];
    const ok =
      operator === 'In' ? value !== undefined && values.includes(value)
      : operator === 'NotIn' ? value === undefined || !values.includes(value)
      : operator === 'Exists' ? value !== undefined
      : operator === 'DoesNotExist' ? value === undefined
      : unknownOperator(operator);
    if (!ok) return false;
  }
  return true;
}

function unknownOperator(operator: string): never {
  throw new Error(`unknown label selector operator ${operator}`);
}

/** A pod as the network policies see it: its labels and the ports its containers name. */
export interface Pod {
  ref: string;
  labels: Labels;
  containers: IContainer[];
}

/** The pods of every Deployment and StatefulSet. */
export function workloadPods(objects: readonly K8sObject[]): (Pod & { spec: IPodSpec })[] {
  const owners = [...ofKind<IDeployment>(objects, 'Deployment'), ...ofKind<IStatefulSet>(objects, 'StatefulSet')];
  return owners.map((owner) => {
    const spec = owner.spec?.template.spec;
    if (!spec) throw new Error(`${owner.kind}/${owner.metadata?.name} has no pod template`);
    return { ref: `${owner.kind}/${owner.metadata?.name}`, labels: owner.spec?.template.metadata?.labels ?? {}, containers: spec.containers, spec };
  });
}

/** The instance pods CloudNativePG creates for each Cluster, with the labels the operator gives them. */
export function postgresPods(objects: readonly K8sObject[]): Pod[] {
  return ofKind<ICluster>(objects, 'Cluster').map((cluster) => ({
    ref: `Cluster/${cluster.metadata?.name}`,
    labels: { 'cnpg.io/cluster': cluster.metadata?.name ?? '', 'cnpg.io/podRole': 'instance' },
    containers: [{ name: 'postgres', ports: [{ name: 'postgresql', containerPort: 5432 }, { name: 'metrics', containerPort: 9187 }, { name: 'status', containerPort: 8000 }] }],
  }));
}

/** Where a container's variable comes from, after envFrom and env are applied in Kubernetes' order. */
export type EnvSource =
  | { from: 'literal'; value: string }
  | { from: 'configMap'; name: string; key: string; value: string | undefined }
  | { from: 'secret'; name: string; key: string }
  | { from: 'field' };

/** Variables of a container: envFrom in order (a later source wins), then env (wins over envFrom). */
export function containerEnv(container: IContainer, objects: readonly K8sObject[]): Map<string, EnvSource> {
  const env = new Map<string, EnvSource>();
  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    if (source.configMapRef) {
      const name = source.configMapRef.name ?? '';
      const data = named<IConfigMap>(objects, 'ConfigMap', name)?.data ?? {};
      for (const [key, value] of Object.entries(data)) env.set(prefix + key, { from: 'configMap', name, key, value });
    }
    if (source.secretRef) {
      const name = source.secretRef.name ?? '';
      const secret = named<ISecret>(objects, 'Secret', name);
      for (const key of Object.keys({ ...secret?.data, ...secret?.stringData })) env.set(prefix + key, { from: 'secret', name, key });
    }
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom;
    if (!ref) env.set(variable.name, { from: 'literal', value: variable.value ?? '' });
    else if (ref.secretKeyRef) env.set(variable.name, { from: 'secret', name: ref.secretKeyRef.name ?? '', key: ref.secretKeyRef.key });
    else if (ref.configMapKeyRef) {
      const { name = '', key } = ref.configMapKeyRef;
      env.set(variable.name, { from: 'configMap', name, key, value: named<IConfigMap>(objects, 'ConfigMap', name)?.data?.[key] });
    } else env.set(variable.name, { from: 'field' });
  }
  return env;
}

/** The value a plain setting ends up with, or undefined when nothing sets it (the app's default applies). */
export function settingValue(env: Map<string, EnvSource>, name: string): string | undefined {
  const source = env.get(name);
  if (!source) return undefined;
  if (source.from === 'literal' || source.from === 'configMap') return source.value;
  throw new Error(`${name} comes from a ${source.from}, not from a literal or a ConfigMap`);
}

/** A numeric setting, or the app's default when nothing sets it. */
export function numericSetting(env: Map<string, EnvSource>, name: string, defaultValue: number): number {
  const value = settingValue(env, name);
  if (value === undefined) return defaultValue;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`${name}=${value} is not a number`);
  return number;
}

/** The number behind a container port given by number or by name. */
export function containerPort(container: IContainer, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

/** Seconds the preStop hook holds the container before SIGTERM: a sleep action or an exec of `sleep N`. */
export function preStopSeconds(container: IContainer): number | undefined {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const command = preStop?.exec?.command ?? [];
  const shell = command.length === 3 && /(^|\/)(ba)?sh$/.test(command[0] ?? '') && command[1] === '-c' ? command[2]?.split(/\s+/) ?? [] : command;
  if (shell.length === 2 && /(^|\/)sleep$/.test(shell[0] ?? '') && /^\d+(\.\d+)?$/.test(shell[1] ?? '')) return Number(shell[1]);
  return undefined;
}

/** A resource quantity as a number of base units (cores, bytes): `500m` → 0.5, `256Mi` → 268435456. */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(quantity);
  if (!match) throw new Error(`not a resource quantity: ${quantity}`);
  const factors: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
  return Number(match[1]) * (match[2] ? (factors[match[2]] ?? Number.NaN) : 1);
}

const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * What keeps a pod from the `restricted` Pod Security Standard, plus the suite's own rule of a read-only root
 * filesystem; empty when it meets them. Container settings override the pod's where Kubernetes lets them.
 */
export function restrictedViolations(spec: IPodSpec, expectedUser?: number): string[] {
  const problems: string[] = [];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push('pod shares a host namespace');
  for (const volume of spec.volumes ?? []) {
    const types = Object.keys(volume).filter((key) => key !== 'name');
    if (!types.every((type) => RESTRICTED_VOLUME_TYPES.includes(type))) problems.push(`volume ${volume.name} is of type ${types.join(', ')}`);
  }
  const pod = spec.securityContext ?? {};
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    const own = container.securityContext ?? {};
    const where = `container ${container.name}`;
    const runAsNonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
    const runAsUser = own.runAsUser ?? pod.runAsUser;
    const seccomp = own.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
    if (runAsUser === 0) problems.push(`${where}: runs as uid 0`);
    if (expectedUser !== undefined && runAsUser !== expectedUser) problems.push(`${where}: runAsUser is ${runAsUser}, not ${expectedUser}`);
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${where}: seccompProfile is ${seccomp ?? 'unset'}`);
    if (own.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
    if (own.privileged) problems.push(`${where}: privileged`);
    if (own.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
    if (!own.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
    if ((own.capabilities?.add ?? []).length > 0) problems.push(`${where}: adds capabilities ${own.capabilities?.add?.join(', ')}`);
    if (container.ports?.some((port) => port.hostPort)) problems.push(`${where}: uses a host port`);
  }
  return problems;
}

export type Direction = 'Ingress' | 'Egress';

/** Directions a policy governs; without policyTypes, Ingress always and Egress when it has egress rules. */
export function policyTypes(policy: INetworkPolicy): Direction[] {
  const declared = policy.spec?.policyTypes;
  if (declared && declared.length > 0) return declared as Direction[];
  return policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

export function policiesSelecting(policies: readonly INetworkPolicy[], labels: Labels, direction: Direction): INetworkPolicy[] {
  return policies.filter((policy) => policyTypes(policy).includes(direction) && selectorMatches(policy.spec?.podSelector, labels));
}

/** A policy that governs the direction and allows nothing in it. */
export function deniesAll(policy: INetworkPolicy, direction: Direction): boolean {
  const rules = direction === 'Ingress' ? policy.spec?.ingress : policy.spec?.egress;
  return policyTypes(policy).includes(direction) && (rules ?? []).length === 0;
}

/** Traffic one rule of one policy allows: to these ports (or any), from/to these peers (or anyone). */
export interface Flow {
  policy: string;
  ports: number[] | 'any';
  peers: INetworkPolicyPeer[] | 'any';
}

/** Every flow the policies allow a pod in one direction; ingress ports given by name are resolved on the pod. */
export function allowedFlows(policies: readonly INetworkPolicy[], pod: Pod, direction: Direction): Flow[] {
  const flows: Flow[] = [];
  for (const policy of policiesSelecting(policies, pod.labels, direction)) {
    const rules =
      direction === 'Ingress'
        ? (policy.spec?.ingress ?? []).map((rule) => ({ ports: rule.ports, peers: rule.from ?? [] }))
        : (policy.spec?.egress ?? []).map((rule) => ({ ports: rule.ports, peers: rule.to ?? [] }));
    for (const { ports, peers } of rules) {
      flows.push({ policy: policy.metadata?.name ?? '', ports: rulePorts(ports, pod, direction), peers: peers.length > 0 ? peers : 'any' });
    }
  }
  return flows;
}

type RulePorts = NonNullable<NonNullable<NonNullable<INetworkPolicy['spec']>['ingress']>[number]['ports']>;

function rulePorts(ports: RulePorts | undefined, pod: Pod, direction: Direction): number[] | 'any' {
  if (!ports || ports.length === 0) return 'any';
  const numbers: number[] = [];
  for (const { port, endPort } of ports) {
    if (port === undefined) return 'any';
    let number = typeof port === 'number' ? port : undefined;
    if (typeof port === 'string') {
      if (direction === 'Egress') throw new Error(`egress to a named port (${port}) cannot be checked: use the number`);
      number = pod.containers.map((container) => containerPort(container, port)).find((found) => found !== undefined);
      if (number === undefined) continue; // a name the pod does not have opens nothing on it
    }
    if (number === undefined) continue;
    for (let each = number; each <= (endPort ?? number); each++) numbers.push(each);
  }
  return numbers;
}

/** The ports of a set of flows together, or 'any' if one of them allows any port. */
export function portsOf(flows: readonly Flow[]): number[] | 'any' {
  const ports = new Set<number>();
  for (const flow of flows) {
    if (flow.ports === 'any') return 'any';
    for (const port of flow.ports) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

/** A peer outside the pod's own namespace: an IP block, another namespace, or anyone at all. */
export function reachesOutsideNamespace(peers: Flow['peers']): boolean {
  return peers === 'any' || peers.some((peer) => peer.ipBlock !== undefined || peer.namespaceSelector !== undefined);
}

/** Whether a peer names pods of the same namespace that carry these labels. */
export function peerSelectsPod(peer: INetworkPolicyPeer, labels: Labels): boolean {
  return peer.ipBlock === undefined && peer.namespaceSelector === undefined && selectorMatches(peer.podSelector, labels);
}

/** Ranges that are the cluster's own or the cloud's metadata, never the public internet. */
export const NON_PUBLIC_IPV4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];
export const NON_PUBLIC_IPV6 = ['fc00::/7', 'fe80::/10'];

/** An IP block that is "the internet": everything except the private, shared and link-local ranges. */
export function isPublicInternet(peer: INetworkPolicyPeer): boolean {
  const block = peer.ipBlock;
  if (!block || peer.podSelector || peer.namespaceSelector) return false;
  const except = block.except ?? [];
  if (block.cidr === '0.0.0.0/0') return NON_PUBLIC_IPV4.every((range) => except.includes(range));
  if (block.cidr === '::/0') return NON_PUBLIC_IPV6.every((range) => except.includes(range));
  return false;
}

/** A peer that is the pods of one namespace (all of them, or some of them by a podSelector), named by its name label. */
function isNamespace(peer: INetworkPolicyPeer, namespace: string): boolean {
  const selector = peer.namespaceSelector;
  return (
    peer.ipBlock === undefined &&
    selector !== undefined &&
    (selector.matchExpressions ?? []).length === 0 &&
    isDeepStrictEqual(selector.matchLabels ?? {}, { 'kubernetes.io/metadata.name': namespace })
  );
}

function describePeer(peer: INetworkPolicyPeer): string {
  if (peer.ipBlock) return `addresses ${peer.ipBlock.cidr}`;
  if (peer.namespaceSelector) return `namespaces ${JSON.stringify(peer.namespaceSelector)}${peer.podSelector ? ` (pods ${JSON.stringify(peer.podSelector)})` : ''}`;
  return `pods of its own namespace ${JSON.stringify(peer.podSelector ?? {})}`;
}

/**
 * Who the policies let reach a pod's health and metrics port besides the pods of `scraper` (the namespace
 * Prometheus runs in; undefined: nobody may). Empty when the port stays closed to everyone else. The kubelet's
 * probes come from the node, which policies do not govern, so they need no rule.
 */
export function metricsPortOpenings(policies: readonly INetworkPolicy[], pod: Pod, port: number, scraper: string | undefined): string[] {
  const openings: string[] = [];
  for (const flow of allowedFlows(policies, pod, 'Ingress')) {
    if (flow.ports !== 'any' && !flow.ports.includes(port)) continue;
    const wider = flow.peers === 'any' ? ['anyone'] : flow.peers.filter((peer) => scraper === undefined || !isNamespace(peer, scraper)).map(describePeer);
    for (const peer of wider) openings.push(`${pod.ref} port ${port} to ${peer} through ${flow.policy}`);
  }
  return openings;
}
