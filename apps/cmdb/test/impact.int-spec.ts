import { randomUUID } from 'node:crypto';
import {
  type Actor,
  CiStatus,
  CmdbErrorCode,
  ErrorCode,
  ImpactDirection,
  type ImpactRequest,
  ImpactResult,
  ImpactRpc,
  MAX_IMPACT_ITEMS,
  RelationshipType,
  Role,
  validatePayload,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { alice, carl, fieldsOf, sam } from '@itsm/testing';
import { CmdbHarness } from './support/cmdb-harness';

let cmdb: CmdbHarness;

beforeAll(async () => {
  cmdb = await CmdbHarness.start();
});

afterAll(async () => {
  await cmdb?.stop();
});

interface CiRow {
  className?: string;
  status?: CiStatus;
  criticality?: number;
  environment?: string;
}

/** Inserts a CI straight into the table (impact analysis only reads), returning its id. */
async function ci(name: string, row: CiRow = {}): Promise<string> {
  const id = randomUUID();
  const status = row.status ?? CiStatus.Operational;
  await cmdb.database.query(
    `INSERT INTO cmdb.cis (id, class_name, name, environment, status, criticality, retired_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
    [id, row.className ?? 'application', name, row.environment ?? 'prod', status, row.criticality ?? 3, status === CiStatus.Retired ? new Date() : null],
  );
  return id;
}

/** `source` relies on `target`. */
async function relies(source: string, target: string, type: RelationshipType = RelationshipType.DependsOn): Promise<void> {
  await cmdb.database.query(`INSERT INTO cmdb.ci_relationships (id, type, source_id, target_id, data_source) VALUES ($1, $2, $3, $4, 'manual')`, [randomUUID(), type, source, target]);
}

/** CIs named `${prefix}-1` … `${prefix}-n`, each relying on the one before it, the first on `start`. */
async function chainAbove(start: string, prefix: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  let below = start;
  for (let i = 1; i <= n; i += 1) {
    const id = await ci(`${prefix}-${i}`);
    await relies(id, below);
    ids.push(id);
    below = id;
  }
  return ids;
}

function analyze(request: ImpactRequest, actor: Actor = sam): Promise<ImpactResult> {
  return cmdb.rpc.call(ImpactRpc.analyze, request, { actor });
}

const depths = (result: ImpactResult): Record<string, number> => Object.fromEntries(result.items.map((item) => [item.ci.name, item.depth]));

describe('impact analysis', () => {
  it('walks upstream from a database to the applications and business service that rely on it', async () => {
    const db = await ci('payroll-db', { className: 'database', criticality: 2 });
    const app = await ci('payroll-api');
    const payroll = await ci('Payroll', { className: 'business_service', criticality: 1 });
    await relies(app, db);
    await relies(payroll, app);

    const result = await analyze({ ciIds: [db] });

    expect(result).toMatchObject({ direction: ImpactDirection.Upstream, depth: 5, truncated: false, totalItems: 2 });
    expect(result.roots).toEqual([{ id: db, name: 'payroll-db', className: 'database', environment: 'prod', status: CiStatus.Operational, criticality: 2 }]);
    expect(result.items).toEqual([
      { ci: expect.objectContaining({ id: app, name: 'payroll-api', className: 'application' }), depth: 1, path: [db, app] },
      { ci: expect.objectContaining({ id: payroll, className: 'business_service', criticality: 1 }), depth: 2, path: [db, app, payroll] },
    ]);
    expect(result.businessServices).toEqual([{ id: payroll, name: 'Payroll', criticality: 1, depth: 2 }]);
  });

  it('walks downstream from an application to what it relies on, and not to what relies on it', async () => {
    const server = await ci('srv-01', { className: 'server' });
    const db = await ci('orders-db', { className: 'database' });
    const app = await ci('orders-api');
    const shop = await ci('Web shop', { className: 'business_service' });
    await relies(db, server, RelationshipType.HostedOn);
    await relies(app, db);
    await relies(shop, app);

    const result = await analyze({ ciIds: [app], direction: ImpactDirection.Downstream });

    expect(result.direction).toBe(ImpactDirection.Downstream);
    expect(depths(result)).toEqual({ 'orders-db': 1, 'srv-01': 2 });
    expect(result.items.find((item) => item.ci.id === server)?.path).toEqual([app, db, server]);
    expect(result.businessServices).toEqual([]);
  });

  it('stops at the depth limit and says that more CIs lie beyond it', async () => {
    const root = await ci('depth-root');
    await chainAbove(root, 'depth', 4);

    const limited = await analyze({ ciIds: [root], depth: 2 });
    expect(depths(limited)).toEqual({ 'depth-1': 1, 'depth-2': 2 });
    expect(limited).toMatchObject({ depth: 2, truncated: true, totalItems: 2 });

    const exact = await analyze({ ciIds: [root], depth: 4 });
    expect(exact.items).toHaveLength(4);
    expect(exact.truncated).toBe(false);
  });

  it('ends on a cycle and lists each of its CIs once', async () => {
    const a = await ci('cycle-a');
    const b = await ci('cycle-b');
    const c = await ci('cycle-c');
    await relies(b, a);
    await relies(c, b);
    await relies(a, c);

    const result = await analyze({ ciIds: [a], depth: 10 });

    expect(depths(result)).toEqual({ 'cycle-b': 1, 'cycle-c': 2 });
    expect(result.truncated).toBe(false);
  });

  it('reports a CI at its shortest distance with a shortest path when several paths lead to it', async () => {
    const root = await ci('paths-root');
    const [, , far] = await chainAbove(root, 'paths-long', 3);
    const near = await ci('paths-near');
    const target = await ci('paths-target');
    await relies(near, root);
    await relies(target, near);
    await relies(target, far as string);

    const result = await analyze({ ciIds: [root] });

    const reached = result.items.find((item) => item.ci.id === target);
    expect(reached).toMatchObject({ depth: 2, path: [root, near, target] });
    expect(result.items.filter((item) => item.ci.id === target)).toHaveLength(1);
  });

  it('lists business services most critical first, then the nearest, with a starting business service at depth 0', async () => {
    const db = await ci('shared-db', { className: 'database' });
    const start = await ci('Reporting', { className: 'business_service', criticality: 3 });
    const app = await ci('shared-app');
    const near = await ci('Intranet', { className: 'business_service', criticality: 2 });
    const billing = await ci('Billing', { className: 'business_service', criticality: 1 });
    const payroll = await ci('Payroll (shared)', { className: 'business_service', criticality: 1 });
    await relies(start, db);
    await relies(app, db);
    await relies(near, app);
    await relies(billing, app);
    await relies(payroll, near);

    const result = await analyze({ ciIds: [db, start] });

    expect(result.businessServices).toEqual([
      { id: billing, name: 'Billing', criticality: 1, depth: 2 },
      { id: payroll, name: 'Payroll (shared)', criticality: 1, depth: 3 },
      { id: near, name: 'Intranet', criticality: 2, depth: 2 },
      { id: start, name: 'Reporting', criticality: 3, depth: 0 },
    ]);
  });

  it('walks from a set of CIs, measuring each CI from the nearest one and never listing a starting CI', async () => {
    const left = await ci('set-left');
    const right = await ci('set-right');
    const [l1, l2] = await chainAbove(left, 'set-l', 2);
    await relies(l2 as string, right);
    await relies(right, l1 as string);

    const result = await analyze({ ciIds: [left, right] });

    expect(result.roots.map((root) => root.id)).toEqual([left, right]);
    expect(depths(result)).toEqual({ 'set-l-1': 1, 'set-l-2': 1 });
    expect(result.items.find((item) => item.ci.id === l2)?.path).toEqual([right, l2]);
  });

  it('neither lists retired CIs nor walks through them', async () => {
    const db = await ci('retired-db', { className: 'database' });
    const retired = await ci('retired-app', { status: CiStatus.Retired });
    const behind = await ci('Legacy portal', { className: 'business_service' });
    const live = await ci('live-app', { status: CiStatus.Maintenance });
    await relies(retired, db);
    await relies(behind, retired);
    await relies(live, db);

    const result = await analyze({ ciIds: [db] });

    expect(depths(result)).toEqual({ 'live-app': 1 });
    expect(result.businessServices).toEqual([]);
  });

  it('starts from a retired CI when asked for it by id', async () => {
    const old = await ci('old-server', { className: 'server', status: CiStatus.Retired });
    const app = await ci('old-app');
    await relies(app, old, RelationshipType.RunsOn);

    const result = await analyze({ ciIds: [old] });

    expect(result.roots[0]?.status).toBe(CiStatus.Retired);
    expect(depths(result)).toEqual({ 'old-app': 1 });
  });

  it('accepts ids in upper case', async () => {
    const db = await ci('upper-db', { className: 'database' });
    const app = await ci('upper-app');
    await relies(app, db);

    const result = await analyze({ ciIds: [db.toUpperCase()] });

    expect(result.roots[0]?.id).toBe(db);
    expect(result.items[0]?.path).toEqual([db, app]);
  });

  it('lists the nearest CIs up to the limit and counts them all when too many are reached', async () => {
    const hub = await ci('hub-db', { className: 'database' });
    const [top] = await cmdb.database.query<{ id: string }>(`INSERT INTO cmdb.cis (id, class_name, name, environment, status, criticality, version)
      VALUES (gen_random_uuid(), 'business_service', 'Behind the fan', 'prod', 'operational', 1, 1) RETURNING id`);
    const fan = await cmdb.database.query<{ id: string }>(
      `INSERT INTO cmdb.cis (id, class_name, name, environment, status, criticality, version)
       SELECT gen_random_uuid(), 'application', 'fan-' || lpad(i::text, 4, '0'), 'prod', 'operational', 3, 1 FROM generate_series(1, $1::int) i RETURNING id`,
      [MAX_IMPACT_ITEMS + 200],
    );
    await cmdb.database.query(
      `INSERT INTO cmdb.ci_relationships (id, type, source_id, target_id, data_source) SELECT gen_random_uuid(), 'depends_on', id, $1, 'manual' FROM unnest($2::uuid[]) id`,
      [hub, fan.map((row) => row.id)],
    );
    await relies(top?.id as string, fan[0]?.id as string);

    const result = await analyze({ ciIds: [hub] });

    expect(result.totalItems).toBe(MAX_IMPACT_ITEMS + 201);
    expect(result.items).toHaveLength(MAX_IMPACT_ITEMS);
    expect(result.items.every((item) => item.depth === 1)).toBe(true);
    expect(result.businessServices).toEqual([{ id: top?.id, name: 'Behind the fan', criticality: 1, depth: 2 }]);
  });

  it('lists fewer CIs when their names would make the reply larger than one NATS message', async () => {
    const hub = await ci('long-names-db', { className: 'database' });
    const fan = await cmdb.database.query<{ id: string }>(
      `INSERT INTO cmdb.cis (id, class_name, name, environment, status, criticality, version)
       SELECT gen_random_uuid(), 'application', repeat('x', 1500) || i, 'prod', 'operational', 3, 1 FROM generate_series(1, $1::int) i RETURNING id`,
      [MAX_IMPACT_ITEMS],
    );
    await cmdb.database.query(
      `INSERT INTO cmdb.ci_relationships (id, type, source_id, target_id, data_source) SELECT gen_random_uuid(), 'depends_on', id, $1, 'manual' FROM unnest($2::uuid[]) id`,
      [hub, fan.map((row) => row.id)],
    );

    const result = await analyze({ ciIds: [hub] });

    expect(result.totalItems).toBe(MAX_IMPACT_ITEMS);
    expect(result.items.length).toBeGreaterThan(0);
    expect(result.items.length).toBeLessThan(MAX_IMPACT_ITEMS);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(1024 * 1024);
  });

  describe('refusals', () => {
    it('names the starting CIs that do not exist', async () => {
      const known = await ci('known');
      const unknown = randomUUID();

      await expect(analyze({ ciIds: [known, unknown] })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: CmdbErrorCode.ImpactCiNotFound, details: { missing: [unknown] } });
    });

    it.each([0, 11])('refuses depth %d, naming the field', async (depth) => {
      const error = await analyze({ ciIds: [randomUUID()], depth }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['depth']);
    });

    it('refuses an empty set and an unknown direction', async () => {
      const error = await analyze({ ciIds: [], direction: 'sideways' as ImpactDirection }).catch((e: unknown) => e);

      expect(fieldsOf(error)).toEqual(['ciIds', 'direction']);
    });

    it('refuses requesters', async () => {
      const db = await ci('requester-db');

      await expect(analyze({ ciIds: [db] }, alice)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    });

    it('refuses a call without an actor', async () => {
      const db = await ci('anonymous-db');

      await expect(cmdb.rpc.call(ImpactRpc.analyze, { ciIds: [db] })).rejects.toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
    });
  });

  describe('contract with the change service', () => {
    /** What the change service sends when it asks on its own behalf (a consumer or a job, not a user's request). */
    const changeService: Actor = { sub: 'service:change', name: 'change service', roles: [Role.Cab] };

    it('answers itsm.rpc.cmdb.impact with a reply that validates as ImpactResult', async () => {
      const server = await ci('chg-server', { className: 'server' });
      const vm = await ci('chg-vm', { className: 'virtual_machine' });
      const app = await ci('chg-app');
      const service = await ci('Change target', { className: 'business_service', criticality: 2 });
      await relies(vm, server, RelationshipType.HostedOn);
      await relies(app, vm, RelationshipType.RunsOn);
      await relies(service, app);
      const client = new RpcClient(cmdb.nc, 10_000);

      const reply = await client.call(ImpactRpc.analyze, { ciIds: [server, vm], direction: ImpactDirection.Upstream, depth: 3 }, { actor: changeService });

      await expect(validatePayload(ImpactResult, reply)).resolves.toMatchObject({ ok: true });
      expect(reply.businessServices).toEqual([{ id: service, name: 'Change target', criticality: 2, depth: 2 }]);
    });

    it('is answered for a CAB member acting through another service', async () => {
      const db = await ci('cab-db', { className: 'database' });

      await expect(analyze({ ciIds: [db] }, carl)).resolves.toMatchObject({ items: [], totalItems: 0, truncated: false });
    });
  });
});
