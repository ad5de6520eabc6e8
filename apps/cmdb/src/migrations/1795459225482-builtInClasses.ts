import type { MigrationInterface, QueryRunner } from 'typeorm';

const text = { type: 'string', minLength: 1, maxLength: 500 };
const labels = { type: 'object', additionalProperties: { type: 'string' } };

/** Attribute schemas (JSON Schema 2020-12) and identification rules of the built-in classes, as of this release. */
const CLASSES: Array<{ name: string; label: string; description: string; schema: Record<string, unknown>; identification: string[][] }> = [
  {
    name: 'business_service',
    label: 'Business service',
    description: 'A service the business consumes (payroll, web shop); impact analysis ends here.',
    schema: { type: 'object', properties: { serviceOwner: text, sla: text, customers: { type: 'array', items: text } } },
    identification: [['cloudId']],
  },
  {
    name: 'application',
    label: 'Application',
    description: 'Software that provides (part of) a business service.',
    schema: { type: 'object', properties: { vendor: text, version: text, language: text, repository: text } },
    identification: [['cloudId'], ['fqdn']],
  },
  {
    name: 'service_instance',
    label: 'Service instance',
    description: 'A running instance of an application or a Kubernetes Service.',
    schema: { type: 'object', properties: { namespace: text, type: text, clusterIp: text, ports: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 } }, selector: labels } },
    identification: [['k8sUid'], ['fqdn'], ['cloudId']],
  },
  {
    name: 'database',
    label: 'Database',
    description: 'A database or database cluster.',
    schema: {
      type: 'object',
      required: ['engine'],
      properties: {
        engine: { enum: ['postgresql', 'mysql', 'mariadb', 'oracle', 'sqlserver', 'mongodb', 'redis', 'other'] },
        version: text,
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        sizeGb: { type: 'number', minimum: 0 },
      },
    },
    identification: [['cloudId'], ['fqdn'], ['hostname']],
  },
  {
    name: 'server',
    label: 'Server',
    description: 'A physical server, or a Kubernetes node.',
    schema: { type: 'object', properties: { os: text, osVersion: text, cpuCount: { type: 'integer', minimum: 1 }, memoryGb: { type: 'number', minimum: 0 }, model: text, labels } },
    identification: [['k8sUid'], ['serial'], ['fqdn'], ['hostname'], ['ip']],
  },
  {
    name: 'virtual_machine',
    label: 'Virtual machine',
    description: 'A virtual machine on a hypervisor or in a cloud.',
    schema: { type: 'object', properties: { os: text, cpuCount: { type: 'integer', minimum: 1 }, memoryGb: { type: 'number', minimum: 0 }, hypervisor: text } },
    identification: [['cloudId'], ['serial'], ['fqdn'], ['hostname'], ['ip']],
  },
  {
    name: 'container',
    label: 'Container',
    description: 'A container or a Kubernetes Pod.',
    schema: { type: 'object', properties: { namespace: text, image: text, phase: text, nodeName: text, labels } },
    identification: [['k8sUid'], ['cloudId']],
  },
  {
    name: 'kubernetes_cluster',
    label: 'Kubernetes cluster',
    description: 'A Kubernetes cluster; its CI is keyed by `cloudId` `kubernetes/<name>`.',
    schema: { type: 'object', properties: { version: text, provider: text } },
    identification: [['cloudId']],
  },
  {
    name: 'kubernetes_namespace',
    label: 'Kubernetes namespace',
    description: 'A namespace of a cluster.',
    schema: { type: 'object', properties: { cluster: text, labels } },
    identification: [['k8sUid']],
  },
  {
    name: 'kubernetes_workload',
    label: 'Kubernetes workload',
    description: 'A Deployment, StatefulSet or DaemonSet.',
    schema: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: ['Deployment', 'StatefulSet', 'DaemonSet'] }, namespace: text, replicas: { type: 'integer', minimum: 0 }, images: { type: 'array', items: text }, labels, selector: labels },
    },
    identification: [['k8sUid']],
  },
  {
    name: 'network_device',
    label: 'Network device',
    description: 'A switch, router or firewall.',
    schema: { type: 'object', properties: { vendor: text, model: text, role: { enum: ['switch', 'router', 'firewall', 'other'] } } },
    identification: [['serial'], ['hostname'], ['ip']],
  },
  {
    name: 'load_balancer',
    label: 'Load balancer',
    description: 'A load balancer or reverse proxy.',
    schema: { type: 'object', properties: { vendor: text, vip: text, ports: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 } } } },
    identification: [['cloudId'], ['fqdn'], ['hostname']],
  },
];

/** Allowed (type, source class, target class): the source relies on the target. */
const RULES: Array<[string, string, string]> = [
  ['depends_on', 'business_service', 'business_service'],
  ['depends_on', 'business_service', 'application'],
  ['depends_on', 'business_service', 'service_instance'],
  ['depends_on', 'application', 'application'],
  ['depends_on', 'application', 'database'],
  ['depends_on', 'application', 'service_instance'],
  ['depends_on', 'application', 'load_balancer'],
  ['depends_on', 'service_instance', 'application'],
  ['depends_on', 'service_instance', 'database'],
  ['depends_on', 'service_instance', 'kubernetes_workload'],
  ['depends_on', 'kubernetes_workload', 'database'],
  ['depends_on', 'kubernetes_workload', 'service_instance'],
  ['depends_on', 'load_balancer', 'service_instance'],
  ['runs_on', 'application', 'server'],
  ['runs_on', 'application', 'virtual_machine'],
  ['runs_on', 'application', 'container'],
  ['runs_on', 'application', 'kubernetes_workload'],
  ['runs_on', 'database', 'server'],
  ['runs_on', 'database', 'virtual_machine'],
  ['runs_on', 'database', 'container'],
  ['runs_on', 'container', 'server'],
  ['runs_on', 'container', 'virtual_machine'],
  ['hosted_on', 'virtual_machine', 'server'],
  ['hosted_on', 'database', 'virtual_machine'],
  ['hosted_on', 'application', 'virtual_machine'],
  ['connects_to', 'server', 'network_device'],
  ['connects_to', 'virtual_machine', 'network_device'],
  ['connects_to', 'network_device', 'network_device'],
  ['connects_to', 'load_balancer', 'server'],
  ['connects_to', 'load_balancer', 'virtual_machine'],
  ['connects_to', 'load_balancer', 'kubernetes_workload'],
  ['part_of', 'application', 'business_service'],
  ['part_of', 'kubernetes_namespace', 'kubernetes_cluster'],
  ['part_of', 'kubernetes_workload', 'kubernetes_namespace'],
  ['part_of', 'service_instance', 'kubernetes_namespace'],
  ['part_of', 'container', 'kubernetes_workload'],
  ['part_of', 'server', 'kubernetes_cluster'],
  ['member_of', 'server', 'load_balancer'],
  ['member_of', 'virtual_machine', 'load_balancer'],
];

export class BuiltInClasses1795459225482 implements MigrationInterface {
  name = 'BuiltInClasses1795459225482';

  async up(runner: QueryRunner): Promise<void> {
    for (const c of CLASSES) {
      const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...c.schema };
      await runner.query(
        `INSERT INTO "cmdb"."ci_classes" (name, label, description, attribute_schema, identification_rules, built_in, version) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, true, 1)`,
        [c.name, c.label, c.description, JSON.stringify(schema), JSON.stringify(c.identification)],
      );
    }
    for (const [type, source, target] of RULES) {
      await runner.query(`INSERT INTO "cmdb"."relationship_rules" (id, type, source_class, target_class) VALUES (gen_random_uuid(), $1, $2, $3)`, [type, source, target]);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM "cmdb"."relationship_rules"`);
    await runner.query(`DELETE FROM "cmdb"."ci_classes" WHERE built_in`);
  }
}
