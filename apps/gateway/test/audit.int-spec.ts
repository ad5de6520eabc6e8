/**
 * `GET /v1/audit` through the gateway in-process, on a real NATS, with every service's audit list stood in for: the
 * merge across services newest first, the cursor that carries each service's place, who may read, and a service
 * that does not answer.
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { AUDITED_SERVICES, type AuditedService, type AuditEntryView, type AuditPage, AuditRpc, CommonErrorCode, decodeAuditPosition, encodeAuditPosition, ErrorCode, Role } from '@itsm/contracts';
import { mintToken, testNatsOptions } from '@itsm/testing';
import type { Gateway } from '../src/gateway';
import { type ReceivedRpc, RpcResponder } from './rpc-responder';
import { expectProblem, startGateway } from './support/listening-gateway';

const audra = mintToken({ sub: 'audra', roles: [Role.Auditor] });
const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });
const sam = mintToken({ sub: 'sam', roles: [Role.Agent] });
const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });

const RECORD = randomUUID();

function entry(service: AuditedService, id: string, at: string): AuditEntryView {
  return { service, id, at, entityType: service, entityId: RECORD, action: 'updated', actorId: 'sam', correlationId: `corr-${service}-${id}`, changes: [], before: null, after: null };
}

/** Each stand-in's trail, newest first as a service keeps it. */
const TRAILS: Record<AuditedService, AuditEntryView[]> = {
  incident: [entry('incident', '12', '2026-11-03T10:00:00.000000Z'), entry('incident', '11', '2026-11-02T09:00:00.000001Z'), entry('incident', '10', '2026-11-02T09:00:00.000001Z'), entry('incident', '3', '2026-11-01T08:00:00.000000Z')],
  change: [entry('change', '7', '2026-11-02T09:00:00.000001Z'), entry('change', '6', '2026-11-01T12:00:00.000000Z')],
  cmdb: [entry('cmdb', '40', '2026-11-04T00:00:00.000000Z'), entry('cmdb', '39', '2026-11-02T09:00:00.000001Z'), entry('cmdb', '2', '2026-10-30T00:00:00.000000Z')],
  knowledge: [],
  notification: [],
  problem: [entry('problem', '1', '2026-11-01T12:00:00.000000Z')],
  sla: [],
};

/** The whole trail in the order the gateway promises: newest first, ties by service name, then entry number. */
const EXPECTED = [
  'cmdb:40',
  'incident:12',
  'change:7',
  'cmdb:39',
  'incident:11',
  'incident:10',
  'change:6',
  'problem:1',
  'incident:3',
  'cmdb:2',
];

/** A service's audit list over its trail: `limit` entries after the cursor's position, as the shared handler answers. */
function serve(service: AuditedService) {
  return (received: ReceivedRpc) => {
    const query = received.data as { limit: number; cursor?: string };
    const trail = TRAILS[service];
    const after = query.cursor ? decodeAuditPosition(query.cursor) : undefined;
    const start = after ? trail.findIndex((item) => item.at === after.at && item.id === after.id) + 1 : 0;
    const items = trail.slice(start, start + query.limit);
    const last = items[items.length - 1];
    return { ok: true as const, data: { items, nextCursor: start + query.limit < trail.length && last ? encodeAuditPosition(last) : null } };
  };
}

describe('the audit trail across services through the gateway', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let nc: NatsConnection;
  const responders = new Map<AuditedService, RpcResponder>();

  function get(query: string, token = audra): Promise<Response> {
    return fetch(`${baseUrl}/v1/audit${query}`, { headers: { authorization: `Bearer ${token}` } });
  }

  async function page(query: string): Promise<AuditPage> {
    const response = await get(query);
    expect(response.status).toBe(200);
    return (await response.json()) as AuditPage;
  }

  function asked(service: AuditedService): Array<Record<string, unknown>> {
    return (responders.get(service)?.received ?? []).map((received) => received.data as Record<string, unknown>);
  }

  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway({ RPC_TIMEOUT_MS: '1000' }));
    nc = await connect(testNatsOptions('gateway-audit-responders'));
    for (const service of AUDITED_SERVICES) {
      const responder = new RpcResponder(nc, [AuditRpc[service].subject]);
      responder.reset(serve(service));
      await responder.start();
      responders.set(service, responder);
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await nc?.drain();
  });

  beforeEach(() => {
    for (const [service, responder] of responders) responder.reset(serve(service));
  });

  it('merges every service’s trail newest first, page after page, without a gap or an overlap', async () => {
    for (const limit of [1, 3, 4, 50]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const next: AuditPage = await page(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(next.items.length).toBeLessThanOrEqual(limit);
        seen.push(...next.items.map((item) => `${item.service}:${item.id}`));
        cursor = next.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      expect(seen).toEqual(EXPECTED);
      expect(pages).toBe(Math.ceil(EXPECTED.length / limit));
    }
  });

  it('answers each entry as its service gave it', async () => {
    const first = await page('?limit=1');
    expect(first.items).toEqual([TRAILS.cmdb[0]]);
  });

  it('carries each service’s own place in the cursor: a service is asked after the last entry taken from it, and no more once read to its end', async () => {
    const first = await page('?limit=3');
    expect(first.items.map((item) => `${item.service}:${item.id}`)).toEqual(['cmdb:40', 'incident:12', 'change:7']);
    for (const responder of responders.values()) responder.reset();

    await page(`?limit=3&cursor=${first.nextCursor ?? ''}`);
    expect(asked('cmdb')).toEqual([{ limit: 3, cursor: encodeAuditPosition({ at: '2026-11-04T00:00:00.000000Z', id: '40' }) }]);
    expect(asked('incident')).toEqual([{ limit: 3, cursor: encodeAuditPosition({ at: '2026-11-03T10:00:00.000000Z', id: '12' }) }]);
    // Nothing was taken from problem yet: it is asked from its newest entry again.
    expect(asked('problem')).toEqual([{ limit: 3 }]);
    // The empty trails answered the first page with no more to come.
    for (const service of ['knowledge', 'notification', 'sla'] as const) expect(asked(service)).toEqual([]);
  });

  it('hands every filter to every service', async () => {
    await page(`?record=${RECORD}&actor=api-key%3A7d3a&type=incident&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00%2B01:00&limit=5`);
    for (const service of AUDITED_SERVICES) {
      expect(asked(service)).toEqual([{ record: RECORD, actor: 'api-key:7d3a', type: 'incident', from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00+01:00', limit: 5 }]);
    }
  });

  it('lets admins and auditors read, and refuses agents, requesters and callers without a token', async () => {
    expect((await get('?limit=1', ada)).status).toBe(200);
    for (const token of [sam, alice]) {
      const problem = await expectProblem(await get('?limit=1', token), 403);
      expect(problem.code).toBe(ErrorCode.FORBIDDEN);
    }
    await expectProblem(await fetch(`${baseUrl}/v1/audit`), 401);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['record=INC0001', 'record'],
    ['from=2026-02-30T00:00:00Z', 'from'],
    ['to=yesterday', 'to'],
    ['type=Incident%21', 'type'],
    ['from=2026-11-02T00:00:00Z&to=2026-11-02T01:00:00%2B01:00', 'to'],
  ])('refuses ?%s with 400 naming %s, asking no service', async (query, field) => {
    const problem = await expectProblem(await get(`?${query}`), 400);
    expect(problem.errors?.map((error) => error.field)).toEqual([field]);
    for (const service of AUDITED_SERVICES) expect(asked(service)).toEqual([]);
  });

  it('refuses a cursor that was altered with 400 INVALID_CURSOR, asking no service', async () => {
    const first = await page('?limit=2');
    const body = JSON.parse(Buffer.from(first.nextCursor ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const responder of responders.values()) responder.reset();
    const altered = [
      Buffer.from(JSON.stringify({ ...body, incident: ['2026-11-03T10:00:00Z', '12; DROP'] })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...body, payroll: null })).toString('base64url'),
      (first.nextCursor ?? '').slice(0, -4),
    ];
    for (const cursor of altered) {
      const problem = await expectProblem(await get(`?cursor=${cursor}`), 400);
      expect({ reason: problem.reason, fields: problem.errors?.map((error) => error.field) }).toEqual({ reason: CommonErrorCode.InvalidCursor, fields: ['cursor'] });
    }
    for (const service of AUDITED_SERVICES) expect(asked(service)).toEqual([]);
  });

  it('answers 503 naming a service that is not answering, rather than a page without its entries', async () => {
    const problem = responders.get('problem');
    await problem?.stop();
    try {
      const body = await expectProblem(await get('?limit=5'), 503);
      expect(body).toMatchObject({ code: ErrorCode.UNAVAILABLE, services: ['problem'] });
      expect(body.detail).toContain('problem');
    } finally {
      await problem?.start();
    }
  });

  it('answers 504 naming a service that does not answer in time', async () => {
    const sla = responders.get('sla');
    await sla?.stop();
    // Takes the requests and never answers.
    const silent: Subscription = nc.subscribe(AuditRpc.sla.subject, { callback: () => undefined });
    await nc.flush();
    try {
      const body = await expectProblem(await get('?limit=5'), 504);
      expect(body).toMatchObject({ code: ErrorCode.TIMEOUT, services: ['sla'] });
    } finally {
      silent.unsubscribe();
      await sla?.start();
    }
  });
});
