export enum CiStatus {
  Planned = 'planned',
  Operational = 'operational',
  Maintenance = 'maintenance',
  /** Kept with its history; no longer part of the estate. */
  Retired = 'retired',
}

/**
 * Directional relationship types. In every type the source relies on the target (`app depends_on db`,
 * `pod runs_on node`, `namespace part_of cluster`): when the target fails, the source is affected.
 */
export enum RelationshipType {
  DependsOn = 'depends_on',
  RunsOn = 'runs_on',
  HostedOn = 'hosted_on',
  ConnectsTo = 'connects_to',
  PartOf = 'part_of',
  MemberOf = 'member_of',
}

/** The classes every installation has; admins add their own. */
export const BUILT_IN_CI_CLASSES = [
  'business_service',
  'application',
  'service_instance',
  'database',
  'server',
  'virtual_machine',
  'container',
  'kubernetes_cluster',
  'kubernetes_namespace',
  'kubernetes_workload',
  'network_device',
  'load_balancer',
] as const;

/** Identifiers a CI may carry; identification rules combine them. */
export const CI_IDENTIFIER_KEYS = ['hostname', 'serial', 'fqdn', 'ip', 'cloudId', 'k8sUid'] as const;
export type CiIdentifierKey = (typeof CI_IDENTIFIER_KEYS)[number];

/**
 * `upstream`: towards the CIs that rely on this one, up to the business services (what breaks when it fails).
 * `downstream`: towards what this CI relies on (where the cause of its failure may be).
 */
export enum ImpactDirection {
  Upstream = 'upstream',
  Downstream = 'downstream',
}

/** The source of changes made by people through the API (as opposed to an import's named source). */
export const MANUAL_SOURCE = 'manual';
