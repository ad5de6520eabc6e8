/** Impact analysis over HTTP: the built gateway as a process, the cmdb service in-process, real NATS and PostgreSQL. */
import { randomUUID } from 'node:crypto';
import { CiStatus, ErrorCode, ImpactDirection, type ImpactResult, Role } from '@itsm/contracts';
import { freePort, mintToken, type ServiceProcess, spawnApp, TEST_JWT_SECRET, testNatsUrl, waitUntilReady, testNatsCredentialsDir } from '@itsm/testing';
import { CmdbHarness } from './support/cmdb-harness';

const tokens = {
  agent: mintToken({ sub: 'sam', roles: [Role.Agent] }),
  cab: mintToken({ sub: 'carl', roles: [Role.Cab] }),
  requester: mintToken({ sub: 'alice', roles: [Role.Requester] }),
};

let cmdb: CmdbHarness;
let gateway: ServiceProcess;
let baseUrl: string;
let db: string;
let app: string;
let shop: string;

async function ci(name: string, className: string, criticality = 3): Promise<string> {
  const id = randomUUID();
  await cmdb.database.query(`INSERT INTO cmdb.cis (id, class_name, name, environment, status, criticality, version) VALUES ($1, $2, $3, 'prod', $4, $5, 1)`, [
    id,
    className,
    name,
    CiStatus.Operational,
    criticality,
  ]);
  return id;
}

async function relies(source: string, target: string): Promise<void> {
  await cmdb.database.query(`INSERT INTO cmdb.ci_relationships (id, type, source_id, target_id, data_source) VALUES ($1, 'depends_on', $2, $3, 'manual')`, [randomUUID(), source, target]);
}

async function call<T>(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<{ status: number; contentType: string | null; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as T };
}

beforeAll(async () => {
  cmdb = await CmdbHarness.start();
  const port = await freePort();
  gateway = spawnApp('gateway', { PORT: String(port), HOST: '127.0.0.1', NATS_URL: testNatsUrl(), NATS_CREDENTIALS_DIR: testNatsCredentialsDir(), JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'warn' });
  await waitUntilReady(gateway, port);
  baseUrl = `http://127.0.0.1:${port}`;
  db = await ci('gw-orders-db', 'database');
  app = await ci('gw-orders-api', 'application');
  shop = await ci('GW web shop', 'business_service', 1);
  await relies(app, db);
  await relies(shop, app);
}, 60_000);

afterAll(async () => {
  await gateway?.kill('SIGTERM');
  await cmdb?.stop();
});

describe('impact analysis through the gateway', () => {
  it('answers GET /v1/cis/{id}/impact with the CIs and business services reached', async () => {
    const reply = await call<ImpactResult>('GET', `/v1/cis/${db}/impact`, tokens.agent);

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ direction: ImpactDirection.Upstream, depth: 5, truncated: false, totalItems: 2 });
    expect(reply.body.items.map((item) => [item.ci.id, item.depth, item.path])).toEqual([
      [app, 1, [db, app]],
      [shop, 2, [db, app, shop]],
    ]);
    expect(reply.body.businessServices).toEqual([{ id: shop, name: 'GW web shop', criticality: 1, depth: 2 }]);
  });

  it('reads direction and depth from the query string', async () => {
    const reply = await call<ImpactResult>('GET', `/v1/cis/${shop}/impact?direction=downstream&depth=1`, tokens.cab);

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ direction: ImpactDirection.Downstream, depth: 1, truncated: true });
    expect(reply.body.items.map((item) => item.ci.id)).toEqual([app]);
  });

  it('answers POST /v1/cis/impact for a set of CIs', async () => {
    const reply = await call<ImpactResult>('POST', '/v1/cis/impact', tokens.agent, { ciIds: [db, app], depth: 3 });

    expect(reply.status).toBe(200);
    expect(reply.body.roots.map((root) => root.id)).toEqual([db, app]);
    expect(reply.body.items.map((item) => [item.ci.id, item.depth])).toEqual([[shop, 1]]);
  });

  it('answers 404 naming the CIs that do not exist', async () => {
    const missing = randomUUID();

    const reply = await call<{ code: string; missing?: string[] }>('POST', '/v1/cis/impact', tokens.agent, { ciIds: [db, missing] });

    expect(reply.status).toBe(404);
    expect(reply.contentType).toContain('application/problem+json');
    expect(reply.body).toMatchObject({ code: ErrorCode.NOT_FOUND, missing: [missing] });
  });

  it.each(['0', '11', 'deep'])('answers 400 naming depth for depth=%s', async (depth) => {
    const reply = await call<{ code: string; errors: Array<{ field: string }> }>('GET', `/v1/cis/${db}/impact?depth=${depth}`, tokens.agent);

    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(ErrorCode.VALIDATION);
    expect([...new Set(reply.body.errors.map((error) => error.field))]).toEqual(['depth']);
  });

  it('describes both routes in the OpenAPI document, with examples', async () => {
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { example?: unknown }> }>; requestBody?: unknown }>> };

    const one = document.paths['/v1/cis/{id}/impact']?.['get'];
    const set = document.paths['/v1/cis/impact']?.['post'];
    expect(one?.responses['200']?.content?.['application/json']?.example).toMatchObject({ direction: 'upstream', totalItems: 2 });
    expect(set?.requestBody).toMatchObject({ content: { 'application/json': { examples: expect.objectContaining({ change: expect.anything() }) } } });
    expect(Object.keys(set?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '403', '404']));
  });

  it('refuses requesters with 403', async () => {
    const reply = await call<{ code: string }>('GET', `/v1/cis/${db}/impact`, tokens.requester);

    expect(reply.status).toBe(403);
  });
});
