/**
 * A CMDB of 100,000 CIs and about 500,000 relationships, generated in PostgreSQL with generate_series for the
 * impact benchmark. The shape is layered like a real estate: business services rely on applications, which rely
 * on service instances, databases and other applications; instances rely on workloads, databases and load
 * balancers; workloads run on VMs; VMs and databases are hosted on servers; VMs and servers connect to network
 * devices. Random cross edges and edges within a layer (app → app, instance → instance, switch → switch) make
 * shortcuts and cycles. CI number n has an id derived from md5('ci' || n), so edges are written from numbers alone;
 * random() is seeded, so the same options give the same graph.
 */
import { RelationshipType } from '@itsm/contracts';

interface Layer {
  className: string;
  count: number;
}

/** In CI-number order, from what relies to what is relied on; counts add up to 100,000. */
export const LAYERS: readonly Layer[] = [
  { className: 'business_service', count: 200 },
  { className: 'application', count: 2_000 },
  { className: 'service_instance', count: 8_000 },
  { className: 'load_balancer', count: 200 },
  { className: 'kubernetes_workload', count: 30_000 },
  { className: 'database', count: 5_000 },
  { className: 'virtual_machine', count: 39_800 },
  { className: 'server', count: 14_000 },
  { className: 'network_device', count: 800 },
];

type LayerName = (typeof LAYERS)[number]['className'];

function range(className: LayerName): { first: number; count: number } {
  let first = 1;
  for (const layer of LAYERS) {
    if (layer.className === className) return { first, count: layer.count };
    first += layer.count;
  }
  throw new Error(`no layer ${className}`);
}

const TOTAL = LAYERS.reduce((sum, layer) => sum + layer.count, 0);
/** A version-4-shaped id (validators refuse other versions), derived from the CI number. */
const ci = (n: string): string => `overlay(overlay(md5('ci' || (${n})) placing '4' from 13) placing '8' from 17)::uuid`;

/** Each CI of `source` relies on `perSource` random CIs of `target` (duplicates and self-edges dropped). */
function fanOut(type: RelationshipType, source: LayerName, target: LayerName, perSource: number): string {
  const s = range(source);
  const t = range(target);
  return `
    INSERT INTO cmdb.ci_relationships (id, type, source_id, target_id, data_source)
    SELECT gen_random_uuid(), '${type}', ${ci('s')}, ${ci('t')}, 'bench'
      FROM (SELECT s, ${t.first} + floor(random() * ${t.count})::int AS t
              FROM generate_series(${s.first}, ${s.first + s.count - 1}) s, generate_series(1, ${perSource}) j) pairs
     WHERE s <> t
    ON CONFLICT DO NOTHING`;
}

/**
 * `count` edges between random CIs below the business services: `down` ones from a CI to any CI after it in
 * layer order (an application relying on some server directly), the others from a CI to any CI before it (odd
 * edges that close long cycles through several layers).
 */
function crossEdges(count: number, down: boolean): string {
  const first = range('application').first;
  const pair = down
    ? `s, s + 1 + floor(random() * (${TOTAL} - s))::int AS t FROM (SELECT ${first} + floor(random() * ${TOTAL - first})::int AS s FROM generate_series(1, ${count})) picked`
    : `s, ${first} + floor(random() * (s - ${first}))::int AS t FROM (SELECT ${first + 1} + floor(random() * ${TOTAL - first})::int AS s FROM generate_series(1, ${count})) picked`;
  return `
    INSERT INTO cmdb.ci_relationships (id, type, source_id, target_id, data_source)
    SELECT gen_random_uuid(), 'depends_on', ${ci('s')}, ${ci('t')}, 'bench' FROM (SELECT ${pair}) pairs
     WHERE s <> t AND t <= ${TOTAL}
    ON CONFLICT DO NOTHING`;
}

/** Every CI of `target` is relied on by one CI of `source` (round robin), so no CI of `target` is left alone. */
function ownedBy(type: RelationshipType, source: LayerName, target: LayerName): string {
  const s = range(source);
  const t = range(target);
  return `
    INSERT INTO cmdb.ci_relationships (id, type, source_id, target_id, data_source)
    SELECT gen_random_uuid(), '${type}', ${ci(`${s.first} + (t % ${s.count})`)}, ${ci('t')}, 'bench'
      FROM generate_series(${t.first}, ${t.first + t.count - 1}) t
    ON CONFLICT DO NOTHING`;
}

const { DependsOn, RunsOn, HostedOn, ConnectsTo } = RelationshipType;

/** The statements that fill an empty cmdb schema (migrations applied, built-in classes seeded). */
export function graphStatements(seed = 0.42): Array<{ what: string; sql: string }> {
  const cis = LAYERS.map((layer) => {
    const { first, count } = range(layer.className);
    return {
      what: `${count} ${layer.className}`,
      sql: `
        INSERT INTO cmdb.cis (id, class_name, name, environment, status, criticality, version)
        SELECT ${ci('n')}, '${layer.className}', '${layer.className}-' || lpad((n - ${first} + 1)::text, 5, '0'),
               CASE WHEN random() < 0.7 THEN 'prod' ELSE 'test' END,
               CASE WHEN random() < 0.01 THEN 'retired' ELSE 'operational' END,
               ${layer.className === 'business_service' ? '1 + floor(random() * 4)::int' : '3'}, 1
          FROM generate_series(${first}, ${first + count - 1}) n`,
    };
  });
  const edges: Array<[string, string]> = [
    ['business services → applications', fanOut(DependsOn, 'business_service', 'application', 15)],
    ['every application serves a business service', ownedBy(DependsOn, 'business_service', 'application')],
    ['applications → their instances', ownedBy(DependsOn, 'application', 'service_instance')],
    ['applications → other instances', fanOut(DependsOn, 'application', 'service_instance', 10)],
    ['applications → applications', fanOut(DependsOn, 'application', 'application', 3)],
    ['applications → databases', fanOut(DependsOn, 'application', 'database', 3)],
    ['instances → their workloads', ownedBy(DependsOn, 'service_instance', 'kubernetes_workload')],
    ['instances → other workloads', fanOut(DependsOn, 'service_instance', 'kubernetes_workload', 4)],
    ['instances → databases', fanOut(DependsOn, 'service_instance', 'database', 2)],
    ['instances → instances', fanOut(ConnectsTo, 'service_instance', 'service_instance', 3)],
    ['instances → load balancers', fanOut(DependsOn, 'service_instance', 'load_balancer', 1)],
    ['load balancers → VMs', fanOut(DependsOn, 'load_balancer', 'virtual_machine', 50)],
    ['workloads run on VMs', fanOut(RunsOn, 'kubernetes_workload', 'virtual_machine', 4)],
    ['workloads → databases', fanOut(ConnectsTo, 'kubernetes_workload', 'database', 1)],
    ['databases hosted on VMs', fanOut(HostedOn, 'database', 'virtual_machine', 2)],
    ['VMs hosted on servers', fanOut(HostedOn, 'virtual_machine', 'server', 1)],
    ['servers → network devices', fanOut(ConnectsTo, 'server', 'network_device', 2)],
    ['VMs → network devices', fanOut(ConnectsTo, 'virtual_machine', 'network_device', 2)],
    ['network devices → network devices', fanOut(ConnectsTo, 'network_device', 'network_device', 5)],
    ['random cross edges down the layers', crossEdges(19_800, true)],
    ['random cross edges up the layers (long cycles)', crossEdges(200, false)],
  ];
  return [
    { what: 'seed', sql: `SELECT setseed(${seed})` },
    ...cis,
    { what: 'retired CIs carry retired_at', sql: `UPDATE cmdb.cis SET retired_at = now() WHERE status = 'retired'` },
    ...edges.map(([what, sql]) => ({ what, sql })),
  ];
}
