/**
 * Rate limits shared by two gateway replicas on one NATS, the overall request deadline, load shedding, and what
 * happens when the shared counters cannot be written: with a stand-in service on a real NATS.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Msg, type NatsConnection, type StreamUpdateConfig } from 'nats';
import { ChangeRpc, CommonErrorCode, ErrorCode, IncidentRpc, ProblemRpc, Role } from '@itsm/contracts';
import { ensureStreams } from '@itsm/messaging';
import { buildCreateIncident, mintToken, waitFor, testNatsOptions } from '@itsm/testing';
import type { Gateway } from '../src/gateway';
import { RATE_LIMIT_BUCKET } from '../src/limits/kv-counter-store';
import { RpcResponder } from './rpc-responder';
import { expectProblem, startGateway } from './support/listening-gateway';

const READS_PER_WINDOW = 20;
const WRITES_PER_WINDOW = 5;
/** Long enough that a test never sees its window end, unless it starts right before (see `awayFromWindowEnd`). */
const WINDOW_SECONDS = 3_600;

const LIMITED = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
  RATE_LIMIT_READ_PER_WINDOW: String(READS_PER_WINDOW),
  RATE_LIMIT_WRITE_PER_WINDOW: String(WRITES_PER_WINDOW),
  RPC_TIMEOUT_MS: '2000',
};

/** A token of a client no earlier run has counted (the counters outlive a run by up to a window). */
function newClient(): string {
  return mintToken({ sub: `limits-${randomUUID()}`, roles: [Role.Agent] });
}

/** Counters restart when a window ends: start a test with enough of its window left (windows are aligned to the epoch). */
async function awayFromWindowEnd(): Promise<void> {
  const windowMs = WINDOW_SECONDS * 1_000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < 60_000) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
}

function get(baseUrl: string, path: string, token?: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

function post(baseUrl: string, path: string, token: string, body: object): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** `RateLimit: "<class>";r=<remaining>;t=<seconds>` taken apart. */
function rateLimitOf(response: Response): { routeClass: string; remaining: number; reset: number } | undefined {
  const match = /^"([a-z]+)";r=(\d+);t=(\d+)$/.exec(response.headers.get('ratelimit') ?? '');
  return match ? { routeClass: match[1] ?? '', remaining: Number(match[2]), reset: Number(match[3]) } : undefined;
}

/** A service that answers (404) only when told to: requests that hang as long as a test wants. */
class HeldRequests {
  readonly held: Msg[] = [];
  /** Once set, requests are answered as they come. */
  answering = false;

  constructor(nc: NatsConnection, subject: string) {
    nc.subscribe(subject, {
      callback: (_error, msg) => {
        if (this.answering) HeldRequests.answer(msg);
        else this.held.push(msg);
      },
    });
  }

  releaseAll(): void {
    for (const msg of this.held.splice(0)) HeldRequests.answer(msg);
  }

  private static answer(msg: Msg): void {
    const packet = msg.json<{ id: string }>();
    msg.respond(JSON.stringify({ id: packet.id, response: { ok: false, error: { code: ErrorCode.NOT_FOUND, message: 'no such record' } }, isDisposed: true }));
  }
}

describe('rate limits, deadlines and load shedding', () => {
  let replicaA: { gateway: Gateway; baseUrl: string };
  let replicaB: { gateway: Gateway; baseUrl: string };
  let nc: NatsConnection;
  let responder: RpcResponder;

  beforeAll(async () => {
    nc = await connect(testNatsOptions('gateway-limits-test'));
    await ensureStreams(await nc.jetstreamManager(), { replicas: 1, maxAgeDays: 1, duplicateWindowSeconds: 120, maxBytes: -1 });
    responder = new RpcResponder(nc, [IncidentRpc.get.subject, IncidentRpc.create.subject]);
    await responder.start();
    responder.reset(() => ({ ok: true, data: { id: randomUUID(), number: 'INC0000001', version: 1, title: 'VPN drops every 10 minutes' } }));
    replicaA = await startGateway(LIMITED);
    replicaB = await startGateway(LIMITED);
  });

  afterAll(async () => {
    await replicaA?.gateway.close();
    await replicaB?.gateway.close();
    await responder?.stop();
    await nc?.drain();
  });

  describe('shared by two replicas', () => {
    beforeEach(awayFromWindowEnd);

    it('answers 200 requests over the limit with 429, Retry-After and the RateLimit headers, counting both replicas together', async () => {
      const token = newClient();
      responder.reset();

      const responses = await Promise.all(
        Array.from({ length: READS_PER_WINDOW + 200 }, (_, index) => get(index % 2 === 0 ? replicaA.baseUrl : replicaB.baseUrl, `/v1/incidents/${randomUUID()}`, token)),
      );

      const served = responses.filter((response) => response.status === 200);
      const refused = responses.filter((response) => response.status === 429);
      expect([served.length, refused.length]).toEqual([READS_PER_WINDOW, 200]);
      // Each admitted request had its own place in the shared count, whichever replica served it.
      expect(served.map((response) => rateLimitOf(response)?.remaining).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: READS_PER_WINDOW }, (_, index) => index));
      expect(responder.received).toHaveLength(READS_PER_WINDOW);
      for (const response of [...served, ...refused]) expect(response.headers.get('ratelimit-policy')).toBe(`"read";q=${READS_PER_WINDOW};w=${WINDOW_SECONDS}`);
      for (const response of refused) {
        const limit = rateLimitOf(response);
        expect(limit).toEqual({ routeClass: 'read', remaining: 0, reset: expect.any(Number) });
        expect(response.headers.get('retry-after')).toBe(String(limit?.reset));
        const body = await expectProblem(response, 429);
        expect(body).toMatchObject({ code: ErrorCode.TOO_MANY_REQUESTS, reason: CommonErrorCode.RateLimited, retryAfterSeconds: limit?.reset });
      }
      expect(refused.some((response) => response.url.startsWith(replicaA.baseUrl)) && refused.some((response) => response.url.startsWith(replicaB.baseUrl))).toBe(true);
    });

    it('does not limit another client by the first one’s flood', async () => {
      const flooding = newClient();
      const other = newClient();
      await Promise.all(Array.from({ length: READS_PER_WINDOW + 5 }, () => get(replicaA.baseUrl, `/v1/incidents/${randomUUID()}`, flooding)));

      const [floodingAgain, otherFirst] = await Promise.all([get(replicaB.baseUrl, `/v1/incidents/${randomUUID()}`, flooding), get(replicaB.baseUrl, `/v1/incidents/${randomUUID()}`, other)]);

      expect([floodingAgain.status, otherFirst.status]).toEqual([429, 200]);
      expect(rateLimitOf(otherFirst)).toEqual({ routeClass: 'read', remaining: READS_PER_WINDOW - 1, reset: expect.any(Number) });
    });

    it('refuses a client it knows to be over quota before authentication, and nobody else', async () => {
      const sub = `limits-${randomUUID()}`;
      const token = mintToken({ sub, roles: [Role.Agent] });
      await Promise.all(Array.from({ length: READS_PER_WINDOW + 1 }, () => get(replicaA.baseUrl, `/v1/incidents/${randomUUID()}`, token)));
      responder.reset();
      // A token that claims that subject but is not even signed: refused for the quota, before its signature is read.
      const forged = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub, roles: ['agent'] })).toString('base64url')}.AAAA`;
      const early = await get(replicaA.baseUrl, `/v1/incidents/${randomUUID()}`, forged);

      expect(early.status).toBe(429);
      expect(early.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(rateLimitOf(early)).toEqual({ routeClass: 'read', remaining: 0, reset: expect.any(Number) });
      await expect(expectProblem(early, 429)).resolves.toMatchObject({ reason: CommonErrorCode.RateLimited });
      // The same forgery for a subject with quota left is no refusal for the quota: it fails authentication.
      const unknown = `${forged.split('.')[0]}.${Buffer.from(JSON.stringify({ sub: `limits-${randomUUID()}`, roles: ['agent'] })).toString('base64url')}.AAAA`;
      expect((await get(replicaA.baseUrl, `/v1/incidents/${randomUUID()}`, unknown)).status).toBe(401);
      expect(responder.received).toHaveLength(0);
    });

    it('counts writes apart from reads, each class with its own quota', async () => {
      const token = newClient();
      await Promise.all(Array.from({ length: READS_PER_WINDOW }, () => get(replicaA.baseUrl, `/v1/incidents/${randomUUID()}`, token)));
      const readsUsedUp = await get(replicaB.baseUrl, `/v1/incidents/${randomUUID()}`, token);
      expect(readsUsedUp.status).toBe(429);

      const writes: Response[] = [];
      for (let index = 0; index <= WRITES_PER_WINDOW; index++) writes.push(await post(index % 2 === 0 ? replicaA.baseUrl : replicaB.baseUrl, '/v1/incidents', token, buildCreateIncident()));

      expect(writes.map((response) => response.status)).toEqual([...Array.from({ length: WRITES_PER_WINDOW }, () => 201), 429]);
      expect(writes.map((response) => response.headers.get('ratelimit-policy'))).toEqual(Array.from({ length: WRITES_PER_WINDOW + 1 }, () => `"write";q=${WRITES_PER_WINDOW};w=${WINDOW_SECONDS}`));
      expect(writes.map((response) => rateLimitOf(response)?.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
      await expect(expectProblem(writes[WRITES_PER_WINDOW] as Response, 429)).resolves.toMatchObject({ reason: CommonErrorCode.RateLimited });
    });

    it('does not limit or count the public routes', async () => {
      const responses = await Promise.all(Array.from({ length: READS_PER_WINDOW + 5 }, () => get(replicaA.baseUrl, '/health/live')));

      expect(new Set(responses.map((response) => response.status))).toEqual(new Set([200]));
      expect(responses.map((response) => response.headers.get('ratelimit-policy') ?? response.headers.get('ratelimit'))).toEqual(responses.map(() => null));
    });

    it('declares 429 with its headers on every route with a caller, 503 on every route but the probes, 504 on every route with a deadline', async () => {
      type Operations = Record<string, { security?: unknown[]; responses: Record<string, { headers?: Record<string, unknown> }> }>;
      const document = (await (await get(replicaA.baseUrl, '/openapi.json')).json()) as { paths: Record<string, Operations> };
      const operations = Object.entries(document.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, path, operation })));
      const withCaller = operations.filter(({ operation }) => (operation.security ?? []).length > 0);

      expect(withCaller.length).toBeGreaterThan(100);
      expect(withCaller.filter(({ operation }) => !operation.responses['429']?.headers?.['Retry-After'] || !operation.responses['429']?.headers?.['RateLimit']).map(({ route }) => route)).toEqual([]);
      expect(operations.filter(({ operation }) => !operation.responses['503']).map(({ route }) => route)).toEqual(['GET /health/live']);
      expect(withCaller.filter(({ operation }) => !operation.responses['504']).map(({ route }) => route)).toEqual(['GET /v1/events/stream']);
    });

    it('refuses a request without a token with 401 before counting it', async () => {
      const response = await get(replicaA.baseUrl, `/v1/incidents/${randomUUID()}`);

      await expectProblem(response, 401);
      expect(response.headers.get('ratelimit')).toBeNull();
    });
  });

  describe('the request deadline', () => {
    let slow: { gateway: Gateway; baseUrl: string };
    let held: HeldRequests;

    beforeAll(async () => {
      held = new HeldRequests(nc, ProblemRpc.get.subject);
      await nc.flush();
      // The service would be waited for 10 s; the request as a whole gets 300 ms.
      slow = await startGateway({ RPC_TIMEOUT_MS: '10000', REQUEST_TIMEOUT_MS: '300' });
    });

    afterAll(async () => {
      held.releaseAll();
      await slow?.gateway.close();
    });

    it('answers 504 problem+json when a service does not answer within the deadline, instead of waiting for it', async () => {
      const response = await get(slow.baseUrl, `/v1/problems/${randomUUID()}`, newClient());

      const body = await expectProblem(response, 504);
      expect(body).toMatchObject({ code: ErrorCode.TIMEOUT, reason: CommonErrorCode.DeadlineExceeded, instance: expect.stringMatching(/^\/v1\/problems\//) });
      expect(held.held).toHaveLength(1);
      held.releaseAll();
    });

    it('keeps the deadline out of the live event stream, which stays open', async () => {
      const abort = new AbortController();
      const response = await fetch(`${slow.baseUrl}/v1/events/stream`, { headers: { authorization: `Bearer ${newClient()}` }, signal: abort.signal });
      const reader = response.body?.getReader();
      const first = await reader?.read();
      // Longer than the deadline: still the same open stream, which sends its keep-alive comments.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const stillOpen = await Promise.race([reader?.read().then(() => 'data'), new Promise((resolve) => setTimeout(() => resolve('open'), 100))]);
      abort.abort();

      expect([response.status, response.headers.get('content-type'), new TextDecoder().decode(first?.value)]).toEqual([200, 'text/event-stream; charset=utf-8', ': connected\n\n']);
      expect(stillOpen).toBe('open');
    });
  });

  describe('load shedding', () => {
    const MAX_IN_FLIGHT = 2;
    let busy: { gateway: Gateway; baseUrl: string };
    let held: HeldRequests;
    let heldConnection: NatsConnection;

    beforeAll(async () => {
      heldConnection = await connect(testNatsOptions('gateway-limits-held'));
      held = new HeldRequests(heldConnection, ChangeRpc.get.subject);
      await heldConnection.flush();
      busy = await startGateway({ GATEWAY_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT), RPC_TIMEOUT_MS: '10000', REQUEST_TIMEOUT_MS: '10000' });
    });

    afterAll(async () => {
      held.releaseAll();
      await busy?.gateway.close();
      await heldConnection?.drain();
    });

    it('answers 503 with Retry-After at once beyond the requests a replica takes, and serves again once they are done', async () => {
      const token = newClient();
      const hanging = Array.from({ length: MAX_IN_FLIGHT }, () => get(busy.baseUrl, `/v1/changes/${randomUUID()}`, token));
      await waitFor(() => held.held.length === MAX_IN_FLIGHT);

      const shed = await get(busy.baseUrl, `/v1/changes/${randomUUID()}`, token);
      const unauthenticated = await get(busy.baseUrl, '/v1/incidents');
      const probe = await get(busy.baseUrl, '/health/ready');

      const body = await expectProblem(shed, 503);
      expect(body).toMatchObject({ code: ErrorCode.UNAVAILABLE, reason: CommonErrorCode.Overloaded, retryAfterSeconds: 1 });
      expect(shed.headers.get('retry-after')).toBe('1');
      expect(shed.headers.get('x-correlation-id')).toEqual(expect.any(String));
      // Shed before authentication: a request without a token is refused the same way.
      await expect(expectProblem(unauthenticated, 503)).resolves.toMatchObject({ reason: CommonErrorCode.Overloaded });
      expect(probe.status).toBe(200);
      expect(held.held).toHaveLength(MAX_IN_FLIGHT);
      // Neither the metrics nor a live event stream take a slot or are shed.
      expect((await get(busy.baseUrl, '/metrics')).status).toBe(200);
      const abort = new AbortController();
      const stream = await fetch(`${busy.baseUrl}/v1/events/stream`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
      abort.abort();
      expect(stream.status).toBe(200);

      held.answering = true;
      held.releaseAll();
      expect((await Promise.all(hanging)).map((response) => response.status)).toEqual([404, 404]);
      // The slots are given back once the answers are out.
      await waitFor(async () => (await get(busy.baseUrl, `/v1/changes/${randomUUID()}`, token)).status === 404, { what: 'a request served again' });
    });

    it('counts in-flight requests and shed ones in the metrics', async () => {
      const metrics = await (await get(busy.baseUrl, '/metrics')).text();

      expect(metrics).toMatch(/^itsm_gateway_rejected_requests_total\{class="read",reason="shed"[^}]*\} [1-9]/m);
      expect(metrics).toMatch(/^itsm_gateway_in_flight_requests\{[^}]*\} \d+/m);
    });
  });

  describe('when the shared counters cannot be written', () => {
    afterAll(async () => {
      // The next use creates the bucket again, unsealed.
      await (await nc.jetstreamManager()).streams.delete(`KV_${RATE_LIMIT_BUCKET}`).catch(() => undefined);
    });

    it('lets requests through uncounted (fails open) and counts that in a metric', async () => {
      const jsm = await nc.jetstreamManager();
      const stream = `KV_${RATE_LIMIT_BUCKET}`;
      // A sealed stream takes no more writes (reads still work); the client's type leaves out `sealed`, the server takes it.
      const sealed = { ...(await jsm.streams.info(stream)).config, sealed: true } as Partial<StreamUpdateConfig>;
      await jsm.streams.update(stream, sealed);
      const token = newClient();

      const responses = await Promise.all(Array.from({ length: READS_PER_WINDOW + 5 }, (_, index) => get(index % 2 === 0 ? replicaA.baseUrl : replicaB.baseUrl, `/v1/incidents/${randomUUID()}`, token)));

      expect(new Set(responses.map((response) => response.status))).toEqual(new Set([200]));
      expect(responses.map((response) => response.headers.get('ratelimit'))).toEqual(responses.map(() => null));
      expect(responses.map((response) => response.headers.get('ratelimit-policy'))).toEqual(responses.map(() => `"read";q=${READS_PER_WINDOW};w=${WINDOW_SECONDS}`));
      const metrics = await (await get(replicaA.baseUrl, '/metrics')).text();
      expect(metrics).toMatch(/^itsm_gateway_rate_limit_store_failures_total\{[^}]*\} [1-9]/m);
    });
  });
});
