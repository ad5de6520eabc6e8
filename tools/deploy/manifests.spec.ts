// Renders every overlay under k8s/overlays with kustomize, validates each object against the Kubernetes (and
// CloudNativePG, Prometheus operator) models, and holds the manifests to the suite's conventions: probes,
// resources, shutdown budget, restricted pods, network policies, NATS durability, database sizing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { ICluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import type { IScheduledBackup } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/ScheduledBackup';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import {
  allowedFlows,
  containerEnv,
  containerPort,
  deniesAll,
  type EnvSource,
  isPublicInternet,
  type Labels,
  metricsPortOpenings,
  named,
  numericSetting,
  ofKind,
  parseQuantity,
  peerSelectsPod,
  type Pod,
  portsOf,
  postgresPods,
  preStopSeconds,
  reachesOutsideNamespace,
  restrictedViolations,
  selectorMatches,
  settingValue,
  workloadPods,
} from './manifest-queries';
import { ServiceConfig } from '@itsm/runtime';
import { provisioningSql, serviceRoleName } from '@itsm/persistence';
import { validateAgainstModels } from './models';
import { unknownFields } from './strict-fields';
import { type K8sObject, listOverlays, OVERLAYS_DIR, renderKustomization, REPO_ROOT } from './render';

// The apps and their health ports as the image and `npm start` know them (tools/apps.js, plain CommonJS).
const { APPS: APP_PORTS, APP_NAMES, SERVICE_NAMES } = require('../apps') as {
  APPS: Record<string, { defaultPort: number }>;
  APP_NAMES: string[];
  SERVICE_NAMES: string[];
};
type App = string;
const APPS: readonly App[] = APP_NAMES;
const SERVICES: readonly App[] = SERVICE_NAMES;
/** PORT of the gateway, HEALTH_PORT of a service. */
function healthPort(app: App): number {
  const port = APP_PORTS[app]?.defaultPort;
  if (port === undefined) throw new Error(`${app} is not an app of the suite`);
  return port;
}
/** Defaults of every service's configuration, used when nothing sets them. */
const SERVICE_DEFAULTS = new ServiceConfig();
const DEFAULT_SHUTDOWN_DELAY_MS = SERVICE_DEFAULTS.SHUTDOWN_DELAY_MS;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = SERVICE_DEFAULTS.SHUTDOWN_TIMEOUT_MS;
const DEFAULT_DATABASE_POOL_SIZE = SERVICE_DEFAULTS.DATABASE_POOL_SIZE;
const DEFAULT_NATS_STREAM_REPLICAS = SERVICE_DEFAULTS.NATS_STREAM_REPLICAS;
/** Share of max_connections the apps' pools may take; the rest is for migrations, the operator and people. */
const CONNECTION_BUDGET = 0.8;

const OVERLAYS = listOverlays();
const PRODUCTION_OVERLAYS = OVERLAYS.filter((overlay) => overlay === 'prod' || overlay.startsWith('prod-'));
/** Overlays allowed to render Secret objects (generated, obviously fake values); the others reference Secrets. */
const OVERLAYS_WITH_GENERATED_SECRETS = new Set(['dev']);
/** Secrets referenced but created outside the manifests, each explained in docs/kubernetes.md. */
const EXTERNAL_SECRETS: Record<string, string> = {
  ...Object.fromEntries(SERVICE_NAMES.map((app) => [`itsm-db-${app}`, `database role of ${app}: username, password (read by CloudNativePG) and uri (its DATABASE_URL)`])),
  'itsm-gateway': 'JWT_SECRET of the gateway',
  'itsm-notification-smtp': 'SMTP_PASSWORD of the notification service',
  'itsm-gateway-tls': 'certificate of the Ingress',
  'itsm-postgres-backup': 'credentials of the backup bucket',
  'nats-identities': 'public keys of the suite identities, read by the broker (npm run nats:identities)',
  ...Object.fromEntries(APP_NAMES.map((app) => [`nats-credentials-${app}`, `nkey seed of ${app} (npm run nats:identities)`])),
};
/** Settings that name a file or a directory (a mounted Secret), not a secret value. */
const PATH_SETTING = /_(DIR|FILE)$/;
const SECRET_LOOKING_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE|(^|_)KEY$|DATABASE_URL/i;
/** Variables a Deployment may set as literals: which app it is and the port its probes use. Everything else comes from a ConfigMap or a Secret. */
const LITERAL_ENV = new Set(['APP', 'PORT', 'HEALTH_PORT']);
const CREDENTIALS_IN_URL = /:\/\/[^/\s:@]+:[^/\s@]+@/;
/** What the Ingress may publish: the API and its documentation, never /health or /metrics. */
const PUBLIC_PATHS = ['/v1', '/docs', '/openapi.json', '/asyncapi.json'];
const SUITE_IMAGE = /^(?:[^\s/]+\/)*itsm-suite(?::([\w][\w.-]{0,127})|@sha256:[0-9a-f]{64})$/;
const NATS_IMAGE = /^nats:(\d+)\.(\d+)\.(\d+)(?:-alpine\d*(?:\.\d+)*)?(?:@sha256:[0-9a-f]{64})?$/;
const MINIMUM_NATS_VERSION = [2, 12, 3];
const SUITE_LABEL = 'app.kubernetes.io/part-of';

const rendered = new Map<string, K8sObject[] | Error>();
const modelFailures = new Map<string, string[]>();

beforeAll(async () => {
  const results = await Promise.allSettled(OVERLAYS.map((overlay) => renderKustomization(join(OVERLAYS_DIR, overlay))));
  results.forEach((result, index) => rendered.set(OVERLAYS[index] ?? '', result.status === 'fulfilled' ? result.value : (result.reason as Error)));
  const batch = OVERLAYS.flatMap((overlay) => {
    const objects = rendered.get(overlay);
    return Array.isArray(objects) ? objects.map((object) => ({ overlay, object })) : [];
  });
  const errors = validateAgainstModels(batch.map(({ object }) => object));
  const unknown = unknownFields(batch.map(({ object }) => object));
  batch.forEach(({ overlay, object }, index) => {
    const objectErrors = [...(errors[index] ?? []), ...(unknown[index] ?? [])];
    if (objectErrors.length === 0) return;
    const failures = modelFailures.get(overlay) ?? [];
    failures.push(`${object.kind}/${object.metadata.name}: ${objectErrors.join('; ')}`);
    modelFailures.set(overlay, failures);
  });
}, 120_000);

function objectsOf(overlay: string): K8sObject[] {
  const objects = rendered.get(overlay);
  if (objects instanceof Error) throw objects;
  if (!objects) throw new Error(`overlay ${overlay} was not rendered`);
  return objects;
}

function deploymentOf(objects: readonly K8sObject[], app: string): { deployment: IDeployment; pod: IPodSpec; container: IContainer } {
  const deployment = named<IDeployment>(objects, 'Deployment', app);
  const pod = deployment?.spec?.template.spec;
  const container = pod?.containers.find((candidate) => candidate.name === 'app');
  if (!deployment || !pod || !container) throw new Error(`no Deployment ${app} with a container named app`);
  return { deployment, pod, container };
}

function allContainers(pod: IPodSpec): IContainer[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

function natsOf(objects: readonly K8sObject[]): { statefulSet: IStatefulSet; replicas: number; config: string; pod: Pod } {
  const statefulSet = named<IStatefulSet>(objects, 'StatefulSet', 'nats');
  if (!statefulSet?.spec?.template.spec) throw new Error('no StatefulSet nats');
  const configMapName = statefulSet.spec.template.spec.volumes?.find((volume) => volume.configMap)?.configMap?.name ?? '';
  const config = named<IConfigMap>(objects, 'ConfigMap', configMapName)?.data?.['nats.conf'];
  if (config === undefined) throw new Error(`StatefulSet nats mounts no ConfigMap with nats.conf (found ${configMapName || 'none'})`);
  const pod = workloadPods(objects).find((candidate) => candidate.ref === 'StatefulSet/nats');
  if (!pod) throw new Error('no NATS pod template');
  return { statefulSet, replicas: statefulSet.spec.replicas ?? 1, config, pod };
}

/** nats.conf without comments, so a commented-out setting does not count. */
function activeNatsConfig(config: string): string {
  return config
    .split('\n')
    .map((line) => line.replace(/(^|\s)(#|\/\/).*$/, ''))
    .join('\n');
}

function clusterOf(objects: readonly K8sObject[]): ICluster {
  const clusters = ofKind<ICluster>(objects, 'Cluster');
  if (clusters.length !== 1 || !clusters[0]) throw new Error(`expected one CloudNativePG Cluster, found ${clusters.length}`);
  return clusters[0];
}

function hasMonitoring(objects: readonly K8sObject[]): boolean {
  return objects.some((object) => object.kind === 'ServiceMonitor' || object.kind === 'PodMonitor');
}

function isSuiteApp(labels: Labels): boolean {
  return labels[SUITE_LABEL] === 'itsm-suite' && (APPS as readonly string[]).includes(labels['app.kubernetes.io/name'] ?? '');
}

describe('k8s/overlays', () => {
  it('holds the dev, prod and prod-monitoring overlays', () => {
    expect(OVERLAYS).toEqual(expect.arrayContaining(['dev', 'prod', 'prod-monitoring']));
  });

  it.each(OVERLAYS)('%s renders with kustomize', (overlay) => {
    expect(objectsOf(overlay).length).toBeGreaterThan(0);
  });

  it.each(OVERLAYS)('%s: every object validates against the model of its kind', (overlay) => {
    objectsOf(overlay);
    expect(modelFailures.get(overlay) ?? []).toEqual([]);
  });

  it.each(OVERLAYS)('%s: puts every object in one namespace that enforces the restricted pod standard', (overlay) => {
    const objects = objectsOf(overlay);
    const namespaces = ofKind<INamespace>(objects, 'Namespace');
    expect(namespaces).toHaveLength(1);
    const name = namespaces[0]?.metadata?.name;
    expect(namespaces[0]?.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const elsewhere = objects.filter((object) => object.kind !== 'Namespace' && object.metadata.namespace !== name);
    expect(elsewhere.map((object) => `${object.kind}/${object.metadata.name} in ${object.metadata.namespace ?? 'no namespace'}`)).toEqual([]);
  });

  it.each(OVERLAYS)('%s: runs the eight apps of the suite, and nothing else, as Deployments', (overlay) => {
    const names = ofKind<IDeployment>(objectsOf(overlay), 'Deployment').map((deployment) => deployment.metadata?.name);
    expect(names.sort()).toEqual([...APPS].sort());
  });

  it.each(OVERLAYS)('%s: refers only to objects it renders, or to Secrets created outside on purpose', (overlay) => {
    const objects = objectsOf(overlay);
    const exists = (kind: string, name: string | undefined): boolean => name !== undefined && named(objects, kind, name) !== undefined;
    const dangling: string[] = [];
    // cert-manager writes the Secret of each Certificate.
    const issued = new Set(ofKind<ICertificate>(objects, 'Certificate').map((certificate) => certificate.spec?.secretName));
    const secret = (name: string | undefined, where: string): void => {
      if (!exists('Secret', name) && !issued.has(name) && !(name !== undefined && name in EXTERNAL_SECRETS)) dangling.push(`${where}: Secret ${name}`);
    };
    const configMap = (name: string | undefined, where: string): void => {
      if (!exists('ConfigMap', name)) dangling.push(`${where}: ConfigMap ${name}`);
    };
    for (const pod of workloadPods(objects)) {
      if (pod.spec.serviceAccountName && !exists('ServiceAccount', pod.spec.serviceAccountName)) dangling.push(`${pod.ref}: ServiceAccount ${pod.spec.serviceAccountName}`);
      for (const volume of pod.spec.volumes ?? []) {
        if (volume.configMap) configMap(volume.configMap.name, pod.ref);
        if (volume.secret) secret(volume.secret.secretName, pod.ref);
      }
      for (const container of allContainers(pod.spec)) {
        for (const source of container.envFrom ?? []) {
          if (source.configMapRef && !source.configMapRef.optional) configMap(source.configMapRef.name, `${pod.ref} ${container.name}`);
          if (source.secretRef) secret(source.secretRef.name, `${pod.ref} ${container.name}`);
        }
        for (const variable of container.env ?? []) {
          const { configMapKeyRef, secretKeyRef } = variable.valueFrom ?? {};
          if (configMapKeyRef) configMap(configMapKeyRef.name, `${pod.ref} ${container.name} ${variable.name}`);
          if (secretKeyRef) secret(secretKeyRef.name, `${pod.ref} ${container.name} ${variable.name}`);
        }
      }
    }
    for (const statefulSet of ofKind<IStatefulSet>(objects, 'StatefulSet')) {
      const service = named<IService>(objects, 'Service', statefulSet.spec?.serviceName ?? '');
      if (service?.spec?.clusterIP !== 'None') dangling.push(`StatefulSet/${statefulSet.metadata?.name}: headless Service ${statefulSet.spec?.serviceName}`);
    }
    for (const hpa of ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')) {
      if (!exists(hpa.spec?.scaleTargetRef.kind ?? '', hpa.spec?.scaleTargetRef.name)) dangling.push(`HorizontalPodAutoscaler/${hpa.metadata?.name}: ${hpa.spec?.scaleTargetRef.kind} ${hpa.spec?.scaleTargetRef.name}`);
    }
    for (const ingress of ofKind<IIngress>(objects, 'Ingress')) {
      for (const tls of ingress.spec?.tls ?? []) secret(tls.secretName, `Ingress/${ingress.metadata?.name}`);
      for (const path of (ingress.spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? [])) {
        const backend = path.backend.service;
        const service = named<IService>(objects, 'Service', backend?.name ?? '');
        const port = service?.spec?.ports?.find((candidate) => (backend?.port?.name ? candidate.name === backend.port.name : candidate.port === backend?.port?.number));
        if (!port) dangling.push(`Ingress/${ingress.metadata?.name} ${path.path}: Service ${backend?.name} port ${backend?.port?.name ?? backend?.port?.number}`);
      }
    }
    for (const cluster of ofKind<ICluster>(objects, 'Cluster')) {
      const s3 = cluster.spec?.backup?.barmanObjectStore?.s3Credentials;
      for (const selector of [s3?.accessKeyId, s3?.secretAccessKey, s3?.region, s3?.sessionToken]) if (selector) secret(selector.name, `Cluster/${cluster.metadata?.name} backup`);
    }
    for (const backup of ofKind<IScheduledBackup>(objects, 'ScheduledBackup')) {
      if (!exists('Cluster', backup.spec?.cluster.name)) dangling.push(`ScheduledBackup/${backup.metadata?.name}: Cluster ${backup.spec?.cluster.name}`);
    }
    expect(dangling).toEqual([]);
  });

  it.each(OVERLAYS)('%s: carries no secret values unless it generates development ones', (overlay) => {
    const secrets = ofKind<K8sObject>(objectsOf(overlay), 'Secret').map((secret) => secret.metadata.name);
    if (OVERLAYS_WITH_GENERATED_SECRETS.has(overlay)) expect(secrets.every((name) => /^itsm-[a-z-]+-[a-z0-9]{10}$/.test(name))).toBe(true);
    else expect(secrets).toEqual([]);
  });

  it('explains in docs/kubernetes.md every Secret that has to exist before an apply', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'kubernetes.md'), 'utf8');
    expect(Object.keys(EXTERNAL_SECRETS).filter((name) => !doc.includes(name))).toEqual([]);
  });

  it.each(OVERLAYS)('%s: publishes only the API and its documentation, on a host of its own', (overlay) => {
    const objects = objectsOf(overlay);
    const ingresses = ofKind<IIngress>(objects, 'Ingress');
    expect(ingresses.map((ingress) => ingress.metadata?.name)).toEqual(['gateway']);
    const rules = ingresses[0]?.spec?.rules ?? [];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.host).toMatch(/^[a-z0-9.-]+$/);
      expect(rule.host).not.toMatch(/\.invalid$/);
      const paths = rule.http?.paths ?? [];
      expect(paths.map((path) => path.path).sort()).toEqual([...PUBLIC_PATHS].sort());
      expect(new Set(paths.map((path) => path.backend.service?.name))).toEqual(new Set(['gateway']));
    }
    const service = named<IService>(objects, 'Service', 'gateway');
    const { container } = deploymentOf(objects, 'gateway');
    const servicePort = service?.spec?.ports?.find((port) => port.name === rules[0]?.http?.paths[0]?.backend.service?.port?.name);
    expect(containerPort(container, servicePort?.targetPort)).toBe(healthPort('gateway'));
    expect(selectorMatches({ matchLabels: service?.spec?.selector }, workloadPods(objects).find((pod) => pod.ref === 'Deployment/gateway')?.labels ?? {})).toBe(true);
  });

  it.each(OVERLAYS)('%s: keeps the connections of every replica at the HPA maximum within max_connections', (overlay) => {
    const objects = objectsOf(overlay);
    const maxConnections = Number(clusterOf(objects).spec?.postgresql?.parameters?.max_connections);
    expect(Number.isInteger(maxConnections)).toBe(true);
    let connections = 0;
    for (const app of SERVICES) {
      const { container } = deploymentOf(objects, app);
      const hpa = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').find((candidate) => candidate.spec?.scaleTargetRef.name === app);
      // The pool, plus the outbox relay's own LISTEN connection and the connection holding the consumers' leases.
      connections += (hpa?.spec?.maxReplicas ?? 1) * (numericSetting(containerEnv(container, objects), 'DATABASE_POOL_SIZE', DEFAULT_DATABASE_POOL_SIZE) + 2);
    }
    expect(connections).toBeLessThanOrEqual(CONNECTION_BUDGET * maxConnections);
  });

  it.each(OVERLAYS)('%s: gives every service DATABASE_URL from the Secret of its own role, which the Cluster manages', (overlay) => {
    const objects = objectsOf(overlay);
    const cluster = clusterOf(objects);
    expect(cluster.spec?.bootstrap?.initdb).toMatchObject({ database: 'itsm', owner: 'itsm' });
    expect(cluster.spec?.storage?.size).toBeDefined();
    const roles = cluster.spec?.managed?.roles ?? [];
    for (const app of SERVICES) {
      expect(roles.find((role) => role.name === serviceRoleName(app))).toEqual({
        name: serviceRoleName(app),
        ensure: 'present',
        login: true,
        superuser: false,
        createdb: false,
        createrole: false,
        replication: false,
        bypassrls: false,
        passwordSecret: { name: `itsm-db-${app}` },
      });
      const { pod } = deploymentOf(objects, app);
      for (const container of allContainers(pod)) {
        expect({ app, container: container.name, source: containerEnv(container, objects).get('DATABASE_URL') }).toEqual({
          app,
          container: container.name,
          source: { from: 'secret', name: `itsm-db-${app}`, key: 'uri' },
        });
      }
    }
    expect(roles.map((role) => role.name).sort()).toEqual(SERVICES.map(serviceRoleName).sort());
  });

  it.each(OVERLAYS)('%s: makes the roles, schemas and extensions at bootstrap with the SQL every other environment runs', (overlay) => {
    const initdb = clusterOf(objectsOf(overlay)).spec?.bootstrap?.initdb;
    expect(initdb?.postInitApplicationSQL).toEqual(provisioningSql(SERVICES));
  });

  it.each(OVERLAYS)('%s: runs PostgreSQL pods under the restricted pod standard', (overlay) => {
    const spec = clusterOf(objectsOf(overlay)).spec;
    const pod: IPodSpec = { securityContext: spec?.podSecurityContext, containers: [{ name: 'postgres', securityContext: spec?.securityContext }] };
    expect(restrictedViolations(pod, spec?.postgresUID ?? 26)).toEqual([]);
  });

  it.each(OVERLAYS)('%s: runs a pinned NATS 2.12.3 or later, restricted, with JetStream fsyncing every write', (overlay) => {
    const objects = objectsOf(overlay);
    const { statefulSet, config, pod } = natsOf(objects);
    const image = statefulSet.spec?.template.spec?.containers[0]?.image ?? '';
    const version = NATS_IMAGE.exec(image)?.slice(1, 4).map(Number);
    expect({ image, pinned: version !== undefined }).toEqual({ image, pinned: true });
    const [major = 0, minor = 0, patch = 0] = version ?? [];
    const [minMajor = 0, minMinor = 0, minPatch = 0] = MINIMUM_NATS_VERSION;
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(minMajor * 1e6 + minMinor * 1e3 + minPatch);
    expect(restrictedViolations(statefulSet.spec?.template.spec ?? { containers: [] }, 1000)).toEqual([]);
    expect(activeNatsConfig(config)).toMatch(/jetstream\s*\{[^}]*\bsync_interval:\s*always\b[^}]*\}/);
    const pdbs = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((pdb) => selectorMatches(pdb.spec?.selector, pod.labels));
    expect(pdbs).toHaveLength(1);
  });

  it.each(OVERLAYS)('%s: points NATS_URL at NATS nodes that exist, with no more stream replicas than nodes', (overlay) => {
    const objects = objectsOf(overlay);
    const { statefulSet, replicas, config, pod } = natsOf(objects);
    const nodeHosts = Array.from({ length: replicas }, (_, index) => `${statefulSet.metadata?.name}-${index}.${statefulSet.spec?.serviceName}`);
    const natsServices = ofKind<IService>(objects, 'Service').filter((service) => selectorMatches({ matchLabels: service.spec?.selector }, pod.labels));
    for (const app of APPS) {
      const env = containerEnv(deploymentOf(objects, app).container, objects);
      const hosts = (settingValue(env, 'NATS_URL') ?? '').split(',').map((url) => new URL(url.trim()).hostname);
      for (const host of hosts) expect({ app, host, known: nodeHosts.includes(host) || natsServices.some((service) => service.metadata?.name === host) }).toEqual({ app, host, known: true });
      if (replicas > 1) expect({ app, hosts: [...hosts].sort() }).toEqual({ app, hosts: [...nodeHosts].sort() });
      if (app !== 'gateway') expect(numericSetting(env, 'NATS_STREAM_REPLICAS', DEFAULT_NATS_STREAM_REPLICAS)).toBeLessThanOrEqual(replicas);
    }
    if (replicas > 1) {
      const routes = /cluster\s*\{[\s\S]*?routes\s*[:=]?\s*\[([^\]]*)\]/.exec(activeNatsConfig(config))?.[1] ?? '';
      expect(routes.split(/[\s,]+/).filter(Boolean).sort()).toEqual(nodeHosts.map((host) => `nats://${host}:6222`).sort());
    }
  });

  it.each(OVERLAYS)('%s: runs NATS with the generated authorization, every public key from the Secret nats-identities', (overlay) => {
    const objects = objectsOf(overlay);
    const { statefulSet, config } = natsOf(objects);
    expect(activeNatsConfig(config)).toMatch(/^\s*include\s+"?authorization\.conf"?\s*$/m);
    const configMapName = statefulSet.spec?.template.spec?.volumes?.find((volume) => volume.configMap)?.configMap?.name ?? '';
    const authorization = named<IConfigMap>(objects, 'ConfigMap', configMapName)?.data?.['authorization.conf'];
    expect(authorization).toBe(readFileSync(join(REPO_ROOT, 'k8s', 'base', 'nats', 'authorization.conf'), 'utf8'));
    const variables = [...new Set([...(authorization ?? '').matchAll(/\$(NATS_KEY_[A-Z0-9_]+)/g)].map((match) => match[1] ?? ''))].sort();
    expect(variables).toHaveLength(APPS.length + 1);
    const container = statefulSet.spec?.template.spec?.containers[0];
    const env = container ? containerEnv(container, objects) : new Map<string, EnvSource>();
    expect(variables.map((variable) => [variable, env.get(variable)])).toEqual(variables.map((variable) => [variable, { from: 'secret', name: 'nats-identities', key: variable }]));
  });

  it.each(OVERLAYS)('%s: serves NATS clients and routes over TLS with a cert-manager certificate naming every address used', (overlay) => {
    const objects = objectsOf(overlay);
    const { statefulSet, replicas, config } = natsOf(objects);
    const podVolumes = statefulSet.spec?.template.spec?.volumes ?? [];
    const active = activeNatsConfig(config);
    const blocks = [...active.matchAll(/tls\s*\{([^}]*)\}/g)].map((match) => match[1] ?? '');
    // Clients' block (top level) and, with more than one node, the routes'.
    expect(blocks.length).toBe(replicas > 1 ? 2 : 1);
    const mounts = statefulSet.spec?.template.spec?.containers[0]?.volumeMounts ?? [];
    const certificates = ofKind<ICertificate>(objects, 'Certificate');
    for (const block of blocks) {
      const files = Object.fromEntries([...block.matchAll(/(cert_file|key_file|ca_file)\s*:\s*"?([^"\s]+)"?/g)].map((match) => [match[1] ?? '', match[2] ?? '']));
      expect(Object.keys(files).sort()).toEqual(['ca_file', 'cert_file', 'key_file']);
      for (const file of Object.values(files)) {
        const mount = mounts.find((candidate) => file.startsWith(`${candidate.mountPath}/`));
        const volume = podVolumes.find((candidate) => candidate.name === mount?.name);
        expect({ file, certificate: certificates.some((certificate) => certificate.spec?.secretName === volume?.secret?.secretName) }).toEqual({ file, certificate: true });
      }
    }
    const namespace = ofKind<INamespace>(objects, 'Namespace')[0]?.metadata?.name ?? '';
    const server = certificates.find((certificate) => mounts.some((mount) => podVolumes.find((volume) => volume.name === mount.name)?.secret?.secretName === certificate.spec?.secretName));
    expect(server?.spec?.usages).toEqual(expect.arrayContaining(['server auth', 'client auth']));
    const names = server?.spec?.dnsNames ?? [];
    const hosts = new Set<string>(['nats', 'nats-headless', ...Array.from({ length: replicas }, (_, index) => `nats-${index}.nats-headless`)]);
    for (const app of APPS) {
      for (const url of (settingValue(containerEnv(deploymentOf(objects, app).container, objects), 'NATS_URL') ?? '').split(',')) hosts.add(new URL(url.trim()).hostname);
    }
    for (const host of hosts) {
      for (const name of [host, `${host}.${namespace}.svc`, `${host}.${namespace}.svc.cluster.local`]) expect({ name, named: names.includes(name) }).toEqual({ name, named: true });
    }
    const issuer = certificates.find((certificate) => certificate.spec?.isCA && certificate.spec.secretName !== server?.spec?.secretName);
    expect(issuer).toBeDefined();
  });

  it.each(OVERLAYS)('%s: has every app verify the broker over TLS and sign in with its own nkey seed', (overlay) => {
    const objects = objectsOf(overlay);
    const server = ofKind<ICertificate>(objects, 'Certificate').find((certificate) => !certificate.spec?.isCA);
    for (const app of APPS) {
      const { pod, container } = deploymentOf(objects, app);
      const env = containerEnv(container, objects);
      const volumeAt = (file: string): { path: string; secret?: string; items?: { key: string; path: string }[] } | undefined => {
        const mount = container.volumeMounts?.find((candidate) => file === candidate.mountPath || file.startsWith(`${candidate.mountPath}/`));
        const volume = pod.volumes?.find((candidate) => candidate.name === mount?.name);
        return mount ? { path: file.slice(mount.mountPath.length).replace(/^\//, ''), secret: volume?.secret?.secretName, items: volume?.secret?.items } : undefined;
      };
      const urls = (settingValue(env, 'NATS_URL') ?? '').split(',').map((url) => new URL(url.trim()).protocol);
      expect({ app, protocols: [...new Set(urls)] }).toEqual({ app, protocols: ['tls:'] });
      expect({ app, credentials: volumeAt(settingValue(env, 'NATS_CREDENTIALS_DIR') ?? '/nowhere')?.secret }).toEqual({ app, credentials: `nats-credentials-${app}` });
      const ca = volumeAt(settingValue(env, 'NATS_TLS_CA_FILE') ?? '/nowhere');
      expect({ app, secret: ca?.secret, key: ca?.items?.find((item) => item.path === ca.path)?.key }).toEqual({ app, secret: server?.spec?.secretName, key: 'ca.crt' });
      // Only the CA's certificate of that Secret: never the broker's private key.
      expect(ca?.items?.map((item) => item.key)).toEqual(['ca.crt']);
    }
  });

  it.each(OVERLAYS)('%s: scrapes every app with a ServiceMonitor on its health port, or none at all', (overlay) => {
    const objects = objectsOf(overlay);
    const monitors = ofKind<IServiceMonitor>(objects, 'ServiceMonitor');
    if (monitors.length === 0) return;
    const pods = workloadPods(objects);
    const scraped: Record<string, number[]> = {};
    for (const monitor of monitors) {
      const services = ofKind<IService>(objects, 'Service').filter((service) => selectorMatches(monitor.spec?.selector, service.metadata?.labels ?? {}));
      for (const endpoint of monitor.spec?.endpoints ?? []) {
        expect(endpoint.path ?? '/metrics').toBe('/metrics');
        for (const service of services) {
          const port = service.spec?.ports?.find((candidate) => candidate.name === endpoint.port);
          if (!port) continue;
          for (const pod of pods.filter((candidate) => selectorMatches({ matchLabels: service.spec?.selector }, candidate.labels))) {
            const app = pod.labels['app.kubernetes.io/name'] ?? pod.ref;
            const target = pod.containers.map((container) => containerPort(container, port.targetPort ?? port.port)).find((found) => found !== undefined);
            if (target !== undefined) scraped[app] = [...(scraped[app] ?? []), target];
          }
        }
      }
    }
    expect(scraped).toEqual(Object.fromEntries(APPS.map((app) => [app, [healthPort(app)]])));
  });
});

const DEPLOYMENT_CASES = OVERLAYS.flatMap((overlay) => APPS.map((app): [string, App] => [overlay, app]));

describe.each(DEPLOYMENT_CASES)('%s: Deployment %s', (overlay, app) => {
  let objects: K8sObject[];
  let deployment: IDeployment;
  let pod: IPodSpec;
  let container: IContainer;
  let env: Map<string, EnvSource>;

  beforeAll(() => {
    objects = objectsOf(overlay);
    ({ deployment, pod, container } = deploymentOf(objects, app));
    env = containerEnv(container, objects);
  });

  it('is labelled as an app of the suite and runs the itsm-suite image as APP', () => {
    const labels = { 'app.kubernetes.io/name': app, [SUITE_LABEL]: 'itsm-suite', 'app.kubernetes.io/component': app === 'gateway' ? 'api-gateway' : 'service' };
    expect(deployment.metadata?.labels).toMatchObject(labels);
    expect(deployment.spec?.template.metadata?.labels).toMatchObject(labels);
    expect(selectorMatches(deployment.spec?.selector, deployment.spec?.template.metadata?.labels ?? {})).toBe(true);
    expect(pod.containers.map((candidate) => candidate.name)).toEqual(['app']);
    for (const each of allContainers(pod)) expect({ container: each.name, image: each.image }).toEqual({ container: each.name, image: expect.stringMatching(SUITE_IMAGE) });
    expect(env.get('APP')).toEqual({ from: 'literal', value: app });
  });

  it('probes its health port: ready on /health/ready, alive on /health/live', () => {
    const port = healthPort(app);
    expect(numericSetting(env, app === 'gateway' ? 'PORT' : 'HEALTH_PORT', Number.NaN)).toBe(port);
    expect(container.ports?.map((candidate) => candidate.containerPort)).toContain(port);
    const { readinessProbe, livenessProbe, startupProbe } = container;
    for (const probe of [readinessProbe, livenessProbe, startupProbe]) expect(containerPort(container, probe?.httpGet?.port)).toBe(port);
    expect(readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(['/health/live', '/health/ready']).toContain(startupProbe?.httpGet?.path);
  });

  it('requests and limits cpu and memory in every container, requests within limits', () => {
    for (const each of allContainers(pod)) {
      for (const resource of ['cpu', 'memory']) {
        const request = each.resources?.requests?.[resource];
        const limit = each.resources?.limits?.[resource];
        expect({ container: each.name, resource, request: request !== undefined, limit: limit !== undefined }).toEqual({ container: each.name, resource, request: true, limit: true });
        expect(parseQuantity(request ?? 0)).toBeLessThanOrEqual(parseQuantity(limit ?? 0));
      }
    }
  });

  it('fails readiness before it stops, and has time to drain: grace > preStop + SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS', () => {
    const preStop = preStopSeconds(container);
    if (preStop === undefined) throw new Error('no preStop sleep');
    const readinessPeriod = container.readinessProbe?.periodSeconds ?? 10;
    const delayMs = numericSetting(env, 'SHUTDOWN_DELAY_MS', DEFAULT_SHUTDOWN_DELAY_MS);
    const timeoutMs = numericSetting(env, 'SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MS);
    expect(preStop).toBeGreaterThan(readinessPeriod);
    // docs/operations.md: SHUTDOWN_DELAY_MS above the readiness period.
    expect(delayMs).toBeGreaterThan(readinessPeriod * 1000);
    expect(pod.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(preStop + delayMs / 1000 + timeoutMs / 1000);
  });

  it('runs under the restricted pod standard as uid 1000, writing only to an emptyDir at /tmp', () => {
    expect(restrictedViolations(pod, 1000)).toEqual([]);
    const scratch = pod.volumes?.filter((volume) => volume.emptyDir).map((volume) => volume.name) ?? [];
    for (const each of allContainers(pod)) {
      const mounts = each.volumeMounts?.filter((mount) => !mount.readOnly) ?? [];
      expect({ container: each.name, writable: mounts.map((mount) => [mount.mountPath, scratch.includes(mount.name)]) }).toEqual({ container: each.name, writable: [['/tmp', true]] });
    }
  });

  it('runs as its own ServiceAccount, without an API token', () => {
    expect(pod.serviceAccountName).toBe(app);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(named<IServiceAccount>(objects, 'ServiceAccount', app)?.automountServiceAccountToken).toBe(false);
  });

  it('is scaled by its own HorizontalPodAutoscaler and guarded by its own PodDisruptionBudget', () => {
    // The HPA owns the replica count; a count in the Deployment would be reset on every apply.
    expect(deployment.spec?.replicas).toBeUndefined();
    const hpas = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').filter(
      (hpa) => hpa.spec?.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === app,
    );
    expect(hpas).toHaveLength(1);
    const hpa = hpas[0]?.spec;
    expect(hpas[0]?.apiVersion).toBe('autoscaling/v2');
    expect(hpa?.scaleTargetRef.apiVersion).toBe('apps/v1');
    expect(hpa?.minReplicas ?? 1).toBeGreaterThanOrEqual(1);
    expect(hpa?.maxReplicas).toBeGreaterThanOrEqual(hpa?.minReplicas ?? 1);
    expect(hpa?.metrics?.length).toBeGreaterThan(0);

    const labels = deployment.spec?.template.metadata?.labels ?? {};
    const pdbs = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((pdb) => selectorMatches(pdb.spec?.selector, labels));
    expect(pdbs).toHaveLength(1);
    const pdb = pdbs[0];
    const others = workloadPods(objects).filter((other) => other.ref !== `Deployment/${app}` && selectorMatches(pdb?.spec?.selector, other.labels));
    expect(others.map((other) => other.ref)).toEqual([]);
    // A budget that allows no eviction blocks every node drain.
    const { maxUnavailable, minAvailable } = pdb?.spec ?? {};
    if (maxUnavailable !== undefined) expect(Number(maxUnavailable)).toBeGreaterThanOrEqual(1);
    else expect(Number(minAvailable)).toBeLessThan(hpa?.minReplicas ?? 1);
  });

  it('takes settings from ConfigMaps and secrets only from Secrets', () => {
    expect(container.envFrom?.some((source) => source.configMapRef)).toBe(true);
    const exposed: string[] = [];
    for (const each of allContainers(pod)) {
      for (const [name, source] of containerEnv(each, objects)) {
        const value = source.from === 'literal' || source.from === 'configMap' ? (source.value ?? '') : '';
        if (SECRET_LOOKING_NAME.test(name) && !PATH_SETTING.test(name) && source.from !== 'secret') exposed.push(`${each.name} ${name} from a ${source.from}`);
        if (source.from === 'literal' && !LITERAL_ENV.has(name)) exposed.push(`${each.name} ${name} set as a literal`);
        if (CREDENTIALS_IN_URL.test(value)) exposed.push(`${each.name} ${name} holds credentials in a URL`);
      }
    }
    expect(exposed).toEqual([]);
    const secretVariable = app === 'gateway' ? 'JWT_SECRET' : 'DATABASE_URL';
    expect(env.get(secretVariable)?.from).toBe('secret');
  });

  if (app === 'gateway') {
    it('has no database: no migration step, no DATABASE_URL', () => {
      expect(pod.initContainers ?? []).toEqual([]);
      expect(env.has('DATABASE_URL')).toBe(false);
    });
  } else {
    it('applies its migrations in an initContainer of the same image before it starts', () => {
      expect(pod.initContainers?.map((init) => init.name)).toEqual(['migrate']);
      const migrate = pod.initContainers?.[0];
      expect(migrate?.image).toBe(container.image);
      expect(migrate?.command).toBeUndefined();
      expect(migrate?.args).toEqual(['migrate']);
      const migrateEnv = containerEnv(migrate ?? { name: 'migrate' }, objects);
      expect(migrateEnv.get('APP')).toEqual({ from: 'literal', value: app });
      expect(migrateEnv.get('DATABASE_URL')).toEqual(env.get('DATABASE_URL'));
    });
  }
});

/** Egress each app needs: DNS, NATS, PostgreSQL for the services, JWKS for the gateway, receivers for notification. */
const EXPECTED_EGRESS: Record<App, number[]> = {
  gateway: [53, 443, 4222],
  ...(Object.fromEntries(SERVICES.map((app) => [app, [53, 4222, 5432]])) as Record<App, number[]>),
  notification: [25, 53, 80, 443, 465, 587, 4222, 5432],
};
const DNS_PEER = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
const OPERATOR_NAMESPACE = 'cnpg-system';
const MONITORING_NAMESPACE = 'monitoring';

function onlyNamespace(peers: INetworkPolicyPeer[] | 'any', namespace: string): boolean {
  return peers !== 'any' && peers.every((peer) => !peer.ipBlock && peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === namespace);
}

describe('network policies', () => {
  it.each(OVERLAYS)('%s: puts every pod of the suite under a default deny of ingress and egress', (overlay) => {
    const objects = objectsOf(overlay);
    const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
    const uncovered = workloadPods(objects)
      .filter((pod) => {
        const selecting = policies.filter((policy) => selectorMatches(policy.spec?.podSelector, pod.labels));
        return pod.labels[SUITE_LABEL] !== 'itsm-suite' || !selecting.some((policy) => deniesAll(policy, 'Ingress') && deniesAll(policy, 'Egress'));
      })
      .map((pod) => pod.ref);
    expect(uncovered).toEqual([]);
  });

  it.each(OVERLAYS)('%s: lets only the gateway take traffic from outside the namespace (and Prometheus scrape, with monitoring)', (overlay) => {
    const objects = objectsOf(overlay);
    const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
    const monitoring = hasMonitoring(objects);
    const outside: string[] = [];
    for (const pod of [...workloadPods(objects), ...postgresPods(objects)]) {
      const name = pod.labels['app.kubernetes.io/name'];
      const metricsPort = name && APPS.includes(name) ? healthPort(name) : pod.ref.startsWith('Cluster/') ? 9187 : undefined;
      for (const flow of allowedFlows(policies, pod, 'Ingress').filter((candidate) => reachesOutsideNamespace(candidate.peers))) {
        const ports = flow.ports;
        const gatewayApi = pod.ref === 'Deployment/gateway' && ports !== 'any' && ports.every((port) => port === healthPort('gateway'));
        const scraping = monitoring && onlyNamespace(flow.peers, MONITORING_NAMESPACE) && ports !== 'any' && ports.every((port) => port === metricsPort);
        const operator = pod.ref.startsWith('Cluster/') && onlyNamespace(flow.peers, OPERATOR_NAMESPACE) && ports !== 'any' && ports.every((port) => port === 8000);
        if (!gatewayApi && !scraping && !operator) outside.push(`${pod.ref} through ${flow.policy} on ${ports === 'any' ? 'any port' : ports.join(', ')}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it.each(OVERLAYS)('%s: keeps each service\'s health and metrics port (and PostgreSQL\'s exporter) to the monitoring namespace, closed without monitoring', (overlay) => {
    const objects = objectsOf(overlay);
    const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
    const scraper = hasMonitoring(objects) ? MONITORING_NAMESPACE : undefined;
    // The gateway's metrics share its API port, which takes traffic from anywhere (checked above).
    const services = workloadPods(objects).filter((pod) => isSuiteApp(pod.labels) && pod.ref !== 'Deployment/gateway');
    expect(services.length).toBe(SERVICES.length);
    const openings = [
      ...services.flatMap((pod) => metricsPortOpenings(policies, pod, healthPort(pod.labels['app.kubernetes.io/name'] ?? ''), scraper)),
      ...postgresPods(objects).flatMap((pod) => metricsPortOpenings(policies, pod, 9187, scraper)),
    ];
    expect(openings).toEqual([]);
  });

  it.each(OVERLAYS)('%s: opens to each app only the ports it needs', (overlay) => {
    const objects = objectsOf(overlay);
    const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
    const monitoring = hasMonitoring(objects);
    const actual: Record<string, { ingress: number[] | 'any'; egress: number[] | 'any' }> = {};
    const expected: typeof actual = {};
    for (const pod of workloadPods(objects)) {
      actual[pod.ref] = { ingress: portsOf(allowedFlows(policies, pod, 'Ingress')), egress: portsOf(allowedFlows(policies, pod, 'Egress')) };
      const app = pod.labels['app.kubernetes.io/name'] as App;
      if (pod.ref === 'StatefulSet/nats') expected[pod.ref] = { ingress: [4222, 6222], egress: [53, 6222] };
      else if (app === 'gateway') expected[pod.ref] = { ingress: [healthPort('gateway')], egress: EXPECTED_EGRESS['gateway'] ?? [] };
      else expected[pod.ref] = { ingress: monitoring ? [healthPort(app)] : [], egress: EXPECTED_EGRESS[app] ?? [] };
    }
    expect(actual).toEqual(expected);
  });

  it.each(OVERLAYS)('%s: sends each port only to its destination: DNS, NATS, PostgreSQL, or the internet', (overlay) => {
    const objects = objectsOf(overlay);
    const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
    const nats = natsOf(objects).pod;
    const [postgres] = postgresPods(objects);
    const wrong: string[] = [];
    for (const pod of workloadPods(objects)) {
      for (const flow of allowedFlows(policies, pod, 'Egress')) {
        if (flow.peers === 'any' || flow.ports === 'any') {
          wrong.push(`${pod.ref} through ${flow.policy}: to anyone or on any port`);
          continue;
        }
        const peers = flow.peers;
        for (const port of flow.ports) {
          const right =
            port === 53 ? peers.every((peer) => isDeepStrictEqual(peer, DNS_PEER))
            : port === 4222 || port === 6222 ? peers.every((peer) => peerSelectsPod(peer, nats.labels))
            : port === 5432 ? postgres !== undefined && peers.every((peer) => peerSelectsPod(peer, postgres.labels))
            : [25, 80, 443, 465, 587].includes(port) ? peers.every(isPublicInternet)
            : false;
          if (!right) wrong.push(`${pod.ref} through ${flow.policy}: port ${port} to ${JSON.stringify(peers)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(OVERLAYS)('%s: lets NATS clients in from the apps only, and PostgreSQL clients from the services only', (overlay) => {
    const objects = objectsOf(overlay);
    const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
    const pods = workloadPods(objects);
    const nats = natsOf(objects).pod;
    const postgres = postgresPods(objects);
    const admitted = (target: Pod, port: number): string[] => {
      const flows = allowedFlows(policies, target, 'Ingress').filter((flow) => flow.ports === 'any' || flow.ports.includes(port));
      if (flows.some((flow) => flow.peers === 'any' || reachesOutsideNamespace(flow.peers))) return ['anyone'];
      return [...pods, ...postgres].filter((client) => flows.some((flow) => flow.peers !== 'any' && flow.peers.some((peer) => peerSelectsPod(peer, client.labels)))).map((client) => client.ref).sort();
    };
    const appPods = pods.filter((pod) => isSuiteApp(pod.labels));
    expect(admitted(nats, 4222)).toEqual(appPods.map((pod) => pod.ref).sort());
    expect(admitted(nats, 6222)).toEqual([nats.ref]);
    for (const instance of postgres) {
      const services = appPods.filter((pod) => pod.ref !== 'Deployment/gateway').map((pod) => pod.ref);
      expect(admitted(instance, 5432)).toEqual([...services, instance.ref].sort());
    }
  });
});

describe('production overlays', () => {
  it('include prod and prod-monitoring', () => {
    expect(PRODUCTION_OVERLAYS).toEqual(expect.arrayContaining(['prod', 'prod-monitoring']));
  });

  it.each(PRODUCTION_OVERLAYS)('%s: runs in namespace itsm with at least two replicas of every app', (overlay) => {
    const objects = objectsOf(overlay);
    expect(ofKind<INamespace>(objects, 'Namespace')[0]?.metadata?.name).toBe('itsm');
    const minimums = Object.fromEntries(ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').map((hpa) => [hpa.metadata?.name, hpa.spec?.minReplicas ?? 1]));
    for (const app of APPS) expect({ app, atLeastTwo: (minimums[app] ?? 0) >= 2 }).toEqual({ app, atLeastTwo: true });
  });

  it.each(PRODUCTION_OVERLAYS)('%s: runs a released image, not a moving tag', (overlay) => {
    const { container } = deploymentOf(objectsOf(overlay), 'gateway');
    const tag = SUITE_IMAGE.exec(container.image ?? '')?.[1];
    expect(tag === undefined || !/^(latest|local|main|dev)$/.test(tag)).toBe(true);
    expect(container.image).toMatch(/\//);
  });

  it.each(PRODUCTION_OVERLAYS)('%s: runs NATS as three nodes, routes between them, and creates streams with three replicas', (overlay) => {
    const objects = objectsOf(overlay);
    const { replicas, config } = natsOf(objects);
    expect(replicas).toBe(3);
    expect(activeNatsConfig(config)).toMatch(/cluster\s*\{[\s\S]*routes/);
    for (const app of SERVICES) expect({ app, replicas: numericSetting(containerEnv(deploymentOf(objects, app).container, objects), 'NATS_STREAM_REPLICAS', DEFAULT_NATS_STREAM_REPLICAS) }).toEqual({ app, replicas: 3 });
  });

  it.each(PRODUCTION_OVERLAYS)('%s: runs PostgreSQL as three instances on different nodes, archived to an object store', (overlay) => {
    const objects = objectsOf(overlay);
    const cluster = clusterOf(objects);
    expect(cluster.spec?.instances).toBe(3);
    expect(cluster.spec?.affinity?.podAntiAffinityType).toBe('required');
    const store = cluster.spec?.backup?.barmanObjectStore;
    expect(store?.destinationPath).toMatch(/^s3:\/\//);
    expect(store?.s3Credentials?.accessKeyId?.name).toBeDefined();
    expect(store?.s3Credentials?.secretAccessKey?.name).toBeDefined();
    expect(ofKind<IScheduledBackup>(objects, 'ScheduledBackup').map((backup) => backup.spec?.cluster.name)).toEqual([cluster.metadata?.name]);
  });

  it.each(PRODUCTION_OVERLAYS)('%s: serves the API over TLS', (overlay) => {
    const ingress = named<IIngress>(objectsOf(overlay), 'Ingress', 'gateway');
    const hosts = ingress?.spec?.rules?.map((rule) => rule.host) ?? [];
    expect(ingress?.spec?.tls?.flatMap((tls) => tls.hosts ?? [])).toEqual(hosts);
  });

  it('prod-monitoring is prod plus the monitoring component', () => {
    const prod = objectsOf('prod');
    const withMonitoring = objectsOf('prod-monitoring');
    for (const object of prod) {
      expect(withMonitoring.find((candidate) => candidate.kind === object.kind && candidate.metadata.name === object.metadata.name)).toEqual(object);
    }
    expect(hasMonitoring(prod)).toBe(false);
    expect(ofKind<IServiceMonitor>(withMonitoring, 'ServiceMonitor')).toHaveLength(APPS.length);
  });
});

describe('dev overlay', () => {
  it('runs one of everything in namespace itsm-dev', () => {
    const objects = objectsOf('dev');
    expect(ofKind<INamespace>(objects, 'Namespace')[0]?.metadata?.name).toBe('itsm-dev');
    expect(ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').map((hpa) => hpa.spec?.minReplicas)).toEqual(APPS.map(() => 1));
    expect(natsOf(objects).replicas).toBe(1);
    expect(clusterOf(objects).spec?.instances).toBe(1);
    for (const app of SERVICES) expect(numericSetting(containerEnv(deploymentOf(objects, app).container, objects), 'NATS_STREAM_REPLICAS', DEFAULT_NATS_STREAM_REPLICAS)).toBe(1);
  });
});
