/** The import routes of the gateway in front of a real cmdb service (built process), real PostgreSQL and NATS. */
import { ErrorCode, type ImportResult, type ReconciliationRuleView } from '@itsm/contracts';
import { mintToken } from '@itsm/testing';
import { GatewayWithService } from './support/gateway-with-service';
import { ServedSchema } from './support/served-schema';

const admin = mintToken({ sub: 'discovery-bot', name: 'Discovery', roles: ['admin'] });
const agent = mintToken({ sub: 'sam', roles: ['agent'] });

describe('gateway: CMDB imports', () => {
  let h: GatewayWithService;

  const post = (path: string, body: unknown, token = admin): Promise<Response> =>
    fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const ciCount = async (): Promise<number> => (await h.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM cmdb.cis`))[0]?.n ?? -1;

  beforeAll(async () => {
    h = await GatewayWithService.start('cmdb');
  }, 60_000);

  afterAll(async () => {
    await expect(h?.stop()).resolves.toBe(0);
  }, 30_000);

  it('imports a batch for an admin service account and answers 200 with the result', async () => {
    const body = { source: 'discovery', items: [{ className: 'server', name: 'db-01', identifiers: { serial: 'SN-1' }, attributes: { os: 'Debian 12' } }] };

    const response = await post('/v1/cmdb/imports', body);

    expect(response.status).toBe(200);
    const result = (await response.json()) as ImportResult;
    expect(result).toMatchObject({ source: 'discovery', counts: { created: 1, errors: 0 }, rows: [{ kind: 'item', index: 0, outcome: 'created' }] });
    const again = (await (await post('/v1/cmdb/imports', body)).json()) as ImportResult;
    expect(again.counts).toMatchObject({ created: 0, unchanged: 1 });
  });

  it('imports a Kubernetes list, and refuses one that is not a List naming list', async () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', uid: '6f1d3c2a-8b4e-4f6a-9c1d-2e3f4a5b6c71' } }] };
    const response = await post('/v1/cmdb/imports/kubernetes', { cluster: 'prod-eu-1', list });
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toMatchObject({ source: 'kubernetes', counts: { created: 2, relationshipsAdded: 1 } });

    const bad = await post('/v1/cmdb/imports/kubernetes', { cluster: 'prod-eu-1', list: { kind: 'PodList', items: [] } });
    expect(bad.status).toBe(400);
    await expect(bad.json()).resolves.toMatchObject({ code: ErrorCode.VALIDATION, errors: [expect.objectContaining({ field: 'list' })] });
  });

  it('refuses a 10 MB import with 413 problem+json before anything is written', async () => {
    const before = await ciCount();
    const items = Array.from({ length: 5_000 }, (_, i) => ({ className: 'server', name: `bulk-${i}`, identifiers: { hostname: `bulk-${i}.example.com` }, attributes: { os: 'x'.repeat(2_000) } }));
    const body = JSON.stringify({ source: 'bulk', items });
    expect(body.length).toBeGreaterThan(10_000_000);

    const response = await post('/v1/cmdb/imports', body);

    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await expect(response.json()).resolves.toMatchObject({ status: 413 });
    await expect(ciCount()).resolves.toBe(before);
    await expect(h.database.query(`SELECT 1 FROM cmdb.import_runs WHERE source = 'bulk'`)).resolves.toEqual([]);
  });

  it('answers a failing row with field errors that the document’s schema accepts', async () => {
    const served = await ServedSchema.load(h.baseUrl);
    const body = { source: 'discovery', items: [{ className: 'mainframe', name: 'big-iron', identifiers: { serial: 'SN-MF-1' } }] };

    const response = await post('/v1/cmdb/imports', body);

    expect(response.status).toBe(200);
    const result = (await response.json()) as ImportResult;
    expect(result.rows).toEqual([expect.objectContaining({ outcome: 'error', errors: [{ field: expect.any(String), message: expect.any(String) }] })]);
    expect(served.errorsOf(result, '/v1/cmdb/imports', 'post')).toEqual([]);
  });

  it('keeps imports and reconciliation rules to admins', async () => {
    const refused = await post('/v1/cmdb/imports', { source: 'discovery', items: [] }, agent);
    expect(refused.status).toBe(403);

    const created = await post('/v1/cmdb/reconciliation-rules', { position: 10, className: 'server', fields: ['attributes.os'], sources: ['manual', 'discovery'] });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const rule = (await created.json()) as ReconciliationRuleView;
    const read = await fetch(`${h.baseUrl}${created.headers.get('location') ?? ''}`, { headers: { authorization: `Bearer ${admin}` } });
    expect([read.status, read.headers.get('etag')]).toEqual([200, '"1"']);
    await expect(read.json()).resolves.toEqual(rule);
    const list = await fetch(`${h.baseUrl}/v1/cmdb/reconciliation-rules`, { headers: { authorization: `Bearer ${admin}` } });
    await expect(list.json()).resolves.toMatchObject({ items: [{ id: rule.id }] });
    const replaced = await fetch(`${h.baseUrl}/v1/cmdb/reconciliation-rules/${rule.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'if-match': '"1"' },
      body: JSON.stringify({ position: 5, sources: ['discovery', 'manual'] }),
    });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).toBe('"2"');
    const removed = await fetch(`${h.baseUrl}/v1/cmdb/reconciliation-rules/${rule.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(removed.status).toBe(200);
    const forbidden = await fetch(`${h.baseUrl}/v1/cmdb/reconciliation-rules`, { headers: { authorization: `Bearer ${agent}` } });
    expect(forbidden.status).toBe(403);
  });
});
