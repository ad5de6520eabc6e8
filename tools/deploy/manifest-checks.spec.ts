// The checks behind manifests.spec.ts, fed with objects that are wrong on purpose: each must catch its fault.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import {
  allowedFlows,
  containerEnv,
  deniesAll,
  isPublicInternet,
  metricsPortOpenings,
  numericSetting,
  parseQuantity,
  portsOf,
  preStopSeconds,
  reachesOutsideNamespace,
  restrictedViolations,
  selectorMatches,
} from './manifest-queries';
import { validateAgainstModels } from './models';
import { unknownFields } from './strict-fields';
import { type K8sObject, parseObjects } from './render';

function deployment(overrides: { replicas?: unknown; containers?: unknown[] } = {}): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'incident' },
    spec: {
      ...(overrides.replicas === undefined ? {} : { replicas: overrides.replicas }),
      selector: { matchLabels: { 'app.kubernetes.io/name': 'incident' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'incident' } },
        spec: { containers: overrides.containers ?? [{ name: 'app', image: 'itsm-suite:local' }] },
      },
    },
  };
}

function restrictedPod(container: Partial<IContainer> = {}): IPodSpec {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        ...container,
      },
    ],
  };
}

function policy(spec: INetworkPolicy['spec']): INetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'under-test' }, spec };
}

describe('unknownFields', () => {
  it('names a misspelt field that the OpenAPI schema alone would let through', () => {
    const misspelt = deployment({ containers: [{ name: 'app', image: 'itsm-suite:local', readinesProbe: { httpGet: { path: '/health/ready', port: 3101 } }, ports: [{ containerPort: 3101, nmae: 'health' }] }] });
    expect(validateAgainstModels([misspelt])).toEqual([[]]);
    expect(unknownFields([misspelt])).toEqual([
      ['/spec/template/spec/containers/0/readinesProbe is not a field of IContainer', '/spec/template/spec/containers/0/ports/0/nmae is not a field of IContainerPort'],
    ]);
  });

  it('accepts any key in maps such as labels, and knows the fields of custom resources', () => {
    const labelled = { ...deployment(), metadata: { name: 'incident', labels: { 'any.example/key': 'value' }, annotations: { note: 'x' } } };
    const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'c' }, spec: { instancess: 3, postgresql: { parameters: { max_connections: '350' } } } };
    expect(unknownFields([labelled, cluster])).toEqual([[], ['/spec/instancess is not a field of IClusterSpec']]);
  });
});

describe('validateAgainstModels', () => {
  it('accepts a valid Deployment', () => {
    expect(validateAgainstModels([deployment()])).toEqual([[]]);
  });

  it('names the path of a field of the wrong type and of a missing required field', () => {
    const [errors] = validateAgainstModels([deployment({ replicas: 'two', containers: [{ image: 'itsm-suite:local' }] })]);
    expect(errors).toEqual(expect.arrayContaining(['/spec/replicas must be integer', '/spec/template/spec/containers/0 must have required property name']));
  });

  it('validates custom resources against their operator models', () => {
    const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'itsm-postgres' }, spec: { instances: 'three' } };
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'incident' }, spec: { endpoints: [{ interval: 30 }] } };
    const [clusterErrors, monitorErrors] = validateAgainstModels([cluster, monitor]);
    expect(clusterErrors).toContain('/spec/instances must be integer');
    expect(monitorErrors).toEqual(expect.arrayContaining([expect.stringMatching(/^\/spec\/endpoints\/0\/interval /)]));
  });

  it('fails an object whose kind has no model, so that nothing passes unvalidated', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    const typo = { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'd' } };
    const nested = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'ClusterSpec', metadata: { name: 'c' } };
    expect(validateAgainstModels([widget, typo, nested])).toEqual([
      ['no model for example.com/v1 Widget'],
      ['no model for apps/v1 Deploymnet'],
      ['no model for postgresql.cnpg.io/v1 ClusterSpec'],
    ]);
  });
});

describe('parseObjects', () => {
  it('skips empty documents and refuses one without a kind', () => {
    expect(parseObjects('---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n', 'test')).toHaveLength(1);
    expect(() => parseObjects('apiVersion: v1\nmetadata: {name: a}\n', 'test')).toThrow(/without apiVersion, kind/);
  });
});

describe('selectorMatches', () => {
  const labels = { 'app.kubernetes.io/name': 'incident', 'app.kubernetes.io/component': 'service' };

  it('requires every label and every expression', () => {
    expect(selectorMatches({ matchLabels: { 'app.kubernetes.io/name': 'incident' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { 'app.kubernetes.io/name': 'gateway' } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['service'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'NotIn', values: ['service'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(true);
  });

  it('selects everything with an empty selector and nothing without one', () => {
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches(undefined, labels)).toBe(false);
  });
});

describe('containerEnv', () => {
  const configMap: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'itsm-config' }, data: { SHUTDOWN_DELAY_MS: '6000', LOG_LEVEL: 'info' } };

  it('lets env override envFrom, as Kubernetes does', () => {
    const container: IContainer = { name: 'app', envFrom: [{ configMapRef: { name: 'itsm-config' } }], env: [{ name: 'SHUTDOWN_DELAY_MS', value: '1000' }] };
    const env = containerEnv(container, [configMap]);
    expect(numericSetting(env, 'SHUTDOWN_DELAY_MS', 0)).toBe(1000);
    expect(env.get('LOG_LEVEL')).toEqual({ from: 'configMap', name: 'itsm-config', key: 'LOG_LEVEL', value: 'info' });
    expect(numericSetting(env, 'SHUTDOWN_TIMEOUT_MS', 25_000)).toBe(25_000);
  });

  it('refuses to read a setting that comes from a Secret', () => {
    const container: IContainer = { name: 'app', env: [{ name: 'SHUTDOWN_DELAY_MS', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] };
    expect(() => numericSetting(containerEnv(container, []), 'SHUTDOWN_DELAY_MS', 0)).toThrow(/comes from a secret/);
  });
});

describe('preStopSeconds', () => {
  it('reads a sleep action and an exec of sleep, and nothing else', () => {
    expect(preStopSeconds({ name: 'a', lifecycle: { preStop: { sleep: { seconds: 10 } } } })).toBe(10);
    expect(preStopSeconds({ name: 'a', lifecycle: { preStop: { exec: { command: ['sleep', '7'] } } } })).toBe(7);
    expect(preStopSeconds({ name: 'a', lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } } })).toBe(5);
    expect(preStopSeconds({ name: 'a', lifecycle: { preStop: { exec: { command: ['nats-server', '--signal', 'ldm'] } } } })).toBeUndefined();
    expect(preStopSeconds({ name: 'a' })).toBeUndefined();
  });
});

describe('parseQuantity', () => {
  it('reads cpu and memory quantities and refuses anything else', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('1')).toBe(1);
    expect(parseQuantity('256Mi')).toBe(256 * 2 ** 20);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(() => parseQuantity('lots')).toThrow(/not a resource quantity/);
  });
});

describe('restrictedViolations', () => {
  it('passes a pod that meets the restricted standard', () => {
    expect(restrictedViolations(restrictedPod(), 1000)).toEqual([]);
  });

  it('names each container that breaks it, init containers included', () => {
    const pod = restrictedPod();
    pod.initContainers = [{ name: 'migrate', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }];
    expect(restrictedViolations(pod)).toEqual(['container migrate: capabilities do not drop ALL']);
  });

  it('catches root, a writable root filesystem, added capabilities, a missing seccomp profile and host paths', () => {
    const pod = restrictedPod({ securityContext: { runAsUser: 0, allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } } });
    pod.securityContext = { runAsNonRoot: true };
    pod.volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }];
    expect(restrictedViolations(pod, 1000)).toEqual([
      'volume docker is of type hostPath',
      'container app: runs as uid 0',
      'container app: runAsUser is 0, not 1000',
      'container app: seccompProfile is unset',
      'container app: allowPrivilegeEscalation is not false',
      'container app: readOnlyRootFilesystem is not true',
      'container app: adds capabilities NET_ADMIN',
    ]);
  });
});

describe('network policy evaluation', () => {
  const gateway = { ref: 'Deployment/gateway', labels: { 'app.kubernetes.io/name': 'gateway' }, containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 3000 }] }] };

  it('sees a policy without rules as a deny, and one with a rule as an allow', () => {
    expect(deniesAll(policy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }), 'Egress')).toBe(true);
    expect(deniesAll(policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] }), 'Ingress')).toBe(false);
    expect(deniesAll(policy({ podSelector: {}, policyTypes: ['Ingress'] }), 'Egress')).toBe(false);
  });

  it('resolves named ingress ports on the pod and reads a rule without ports or peers as "any"', () => {
    const named = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }, { port: 'health' }] }] });
    expect(portsOf(allowedFlows([named], gateway, 'Ingress'))).toEqual([3000]);
    const open = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
    const [flow] = allowedFlows([open], gateway, 'Ingress');
    expect(flow).toMatchObject({ ports: 'any', peers: 'any' });
    expect(reachesOutsideNamespace(flow?.peers ?? [])).toBe(true);
  });

  it('ignores policies that select other pods', () => {
    const other = policy({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'incident' } }, policyTypes: ['Egress'], egress: [{}] });
    expect(allowedFlows([other], gateway, 'Egress')).toEqual([]);
  });

  it('counts as "the internet" only a block that leaves out private and link-local ranges', () => {
    const except = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];
    expect(isPublicInternet({ ipBlock: { cidr: '0.0.0.0/0', except } })).toBe(true);
    expect(isPublicInternet({ ipBlock: { cidr: '0.0.0.0/0', except: except.filter((range) => range !== '169.254.0.0/16') } })).toBe(false);
    expect(isPublicInternet({ ipBlock: { cidr: '10.0.0.0/8' } })).toBe(false);
  });
});

describe('metricsPortOpenings', () => {
  const incident = {
    ref: 'Deployment/incident',
    labels: { 'app.kubernetes.io/name': 'incident', 'app.kubernetes.io/component': 'service' },
    containers: [{ name: 'app', ports: [{ name: 'health', containerPort: 3101 }] }],
  };
  const monitoring = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
  const scraping = policy({ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'service' } }, policyTypes: ['Ingress'], ingress: [{ from: [monitoring], ports: [{ port: 'health' }] }] });
  const deny = policy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

  it('finds nothing when the port is closed, or open to the monitoring namespace only', () => {
    expect(metricsPortOpenings([deny], incident, 3101, undefined)).toEqual([]);
    expect(metricsPortOpenings([deny, scraping], incident, 3101, 'monitoring')).toEqual([]);
  });

  it('names a rule that opens the port to every pod of the namespace, by name, by number or on any port', () => {
    for (const ports of [[{ port: 'health' }], [{ port: 3101 }], undefined]) {
      const wide = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ...(ports ? { ports } : {}) }] });
      expect(metricsPortOpenings([deny, scraping, wide], incident, 3101, 'monitoring')).toEqual(['Deployment/incident port 3101 to pods of its own namespace {} through under-test']);
    }
  });

  it('names a rule that opens the port to every namespace, an address range or anyone', () => {
    const everyNamespace = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 3101 }] }] });
    const range = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 3101 }] }] });
    const anyone = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 3101 }] }] });
    expect(metricsPortOpenings([everyNamespace], incident, 3101, 'monitoring')).toEqual(['Deployment/incident port 3101 to namespaces {} through under-test']);
    expect(metricsPortOpenings([range], incident, 3101, 'monitoring')).toEqual(['Deployment/incident port 3101 to addresses 10.0.0.0/8 through under-test']);
    expect(metricsPortOpenings([anyone], incident, 3101, 'monitoring')).toEqual(['Deployment/incident port 3101 to anyone through under-test']);
  });

  it('counts the monitoring namespace as wider where there is no monitoring, and ignores other ports and other pods', () => {
    expect(metricsPortOpenings([scraping], incident, 3101, undefined)).toHaveLength(1);
    const otherPort = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8080 }] }] });
    const otherPods = policy({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } }, policyTypes: ['Ingress'], ingress: [{}] });
    expect(metricsPortOpenings([otherPort, otherPods], incident, 3101, 'monitoring')).toEqual([]);
  });
});
