import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { ErrorCode, Impact, IncidentRpc, MessageHeaders, Role, Urgency } from '@itsm/contracts';
import { createLogger, traceIdOf } from '@itsm/observability';
import { buildIncidentView, mintToken, TEST_JWT_ISSUER, TEST_JWT_SECRET, testNatsCredentialsDir, testNatsOptions, testNatsUrl, unsignedToken } from '@itsm/testing';
import { loadGatewayConfig } from '../src/config';
import { createGateway, type Gateway } from '../src/gateway';
import { GatewayReadiness } from '../src/health/gateway-readiness';

import { RpcResponder } from './rpc-responder';

const BODY_LIMIT_BYTES = 16_384;

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: { field: string; message: string }[];
  errorId?: string;
}

describe('gateway over HTTP with a real NATS', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let responderConnection: NatsConnection;
  let responder: RpcResponder;

  const validBody = { title: 'VPN drops every 10 minutes', impact: Impact.Medium, urgency: Urgency.High };

  function request(path: string, init: { method?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers['authorization'] = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.rawBody !== undefined || init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = init.rawBody ?? JSON.stringify(init.body);
    }
    return fetch(`${baseUrl}${path}`, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  }

  async function expectProblem(response: Response, status: number, code: ErrorCode): Promise<Problem> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Problem;
    expect(problem).toEqual(expect.objectContaining({ status, code, title: expect.any(String), detail: expect.any(String), type: expect.any(String) }));
    return problem;
  }

  beforeAll(async () => {
    const natsUrl = testNatsUrl();
    const config = loadGatewayConfig({
      NATS_URL: natsUrl, NATS_CREDENTIALS_DIR: testNatsCredentialsDir(),
      JWT_SECRET: TEST_JWT_SECRET,
      JWT_ISSUER: TEST_JWT_ISSUER,
      LOG_LEVEL: 'silent',
      RPC_TIMEOUT_MS: '2000',
      BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    });
    gateway = await createGateway(config, createLogger('gateway', config.LOG_LEVEL));
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const address = gateway.app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('gateway is not listening on a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;
    responderConnection = await connect(testNatsOptions('gateway-test-responder'));
    responder = new RpcResponder(responderConnection, [IncidentRpc.create.subject, IncidentRpc.get.subject]);
    await responder.start();
  });

  afterAll(async () => {
    await gateway?.close();
    await responderConnection?.drain();
  });

  beforeEach(() => {
    responder.reset((received) =>
      received.subject === IncidentRpc.create.subject
        ? { ok: true, data: buildIncidentView({ ...(received.data as object), version: 1 }) }
        : { ok: true, data: buildIncidentView({ id: (received.data as { id: string }).id, version: 3 }) },
    );
  });

  describe('authentication', () => {
    it('answers 401 problem+json with a Bearer challenge when no token is sent, without calling the service', async () => {
      const response = await request('/v1/incidents', { method: 'POST', body: validBody });

      const problem = await expectProblem(response, 401, ErrorCode.UNAUTHENTICATED);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(problem.instance).toBe('/v1/incidents');
      expect(responder.received).toHaveLength(0);
    });

    it.each([
      ['a garbage token', 'not-a-jwt'],
      ['an expired token', mintToken({}, { expiresInSeconds: -60 })],
      ['a token signed with another secret', mintToken({}, { secret: 'another-secret-of-enough-length-0123456789' })],
      ['a token without expiry', mintToken({}, { expiresInSeconds: null })],
      ['a token of another issuer', mintToken({}, { issuer: 'somebody-else' })],
      ['a token signed with HS512', mintToken({}, { algorithm: 'HS512' })],
      ['an unsigned alg=none token', unsignedToken()],
    ])('refuses %s with 401 and error="invalid_token"', async (_label, token) => {
      const response = await request(`/v1/incidents/${randomUUID()}`, { token });

      await expectProblem(response, 401, ErrorCode.UNAUTHENTICATED);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(responder.received).toHaveLength(0);
    });
  });

  describe('authorisation', () => {
    it('refuses POST /v1/incidents to a cab member with 403, without calling the service', async () => {
      const response = await request('/v1/incidents', { method: 'POST', token: mintToken({ roles: [Role.Cab] }), body: validBody });

      await expectProblem(response, 403, ErrorCode.FORBIDDEN);
      expect(responder.received).toHaveLength(0);
    });

    it('refuses a token whose roles are all unknown with 403', async () => {
      const response = await request(`/v1/incidents/${randomUUID()}`, { token: mintToken({ roles: ['superuser'] }) });

      await expectProblem(response, 403, ErrorCode.FORBIDDEN);
      expect(responder.received).toHaveLength(0);
    });
  });

  describe('validation', () => {
    it('refuses a body with an unknown field with 400 naming it, without calling the service', async () => {
      const response = await request('/v1/incidents', { method: 'POST', token: mintToken(), body: { ...validBody, priority: 1 } });

      const problem = await expectProblem(response, 400, ErrorCode.VALIDATION);
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'priority' })]));
      expect(responder.received).toHaveLength(0);
    });

    it('refuses a value outside an enum with 400 naming the field', async () => {
      const response = await request('/v1/incidents', { method: 'POST', token: mintToken(), body: { ...validBody, impact: 'enormous' } });

      const problem = await expectProblem(response, 400, ErrorCode.VALIDATION);
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'impact' })]);
      expect(responder.received).toHaveLength(0);
    });

    it('refuses malformed JSON with 400', async () => {
      const response = await request('/v1/incidents', { method: 'POST', token: mintToken(), rawBody: '{"title": "VPN', headers: { 'content-type': 'application/json' } });

      await expectProblem(response, 400, ErrorCode.VALIDATION);
      expect(responder.received).toHaveLength(0);
    });

    it('refuses a body over the limit with 413', async () => {
      const response = await request('/v1/incidents', {
        method: 'POST',
        token: mintToken(),
        body: { ...validBody, description: 'x'.repeat(BODY_LIMIT_BYTES * 2) },
      });

      const problem = await expectProblem(response, 413, ErrorCode.VALIDATION);
      expect(problem.type).toBe('about:blank');
      expect(responder.received).toHaveLength(0);
    });

    it('refuses an incident id that is not a UUID with 400 naming id', async () => {
      const response = await request('/v1/incidents/not-a-uuid', { token: mintToken() });

      const problem = await expectProblem(response, 400, ErrorCode.VALIDATION);
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'id' })]);
      expect(responder.received).toHaveLength(0);
    });
  });

  describe('errors of the service', () => {
    it('answers 404 problem+json when the service replies NOT_FOUND', async () => {
      responder.reset(() => ({ ok: false, error: { code: ErrorCode.NOT_FOUND, message: 'incident does not exist' } }));
      const id = randomUUID();

      const response = await request(`/v1/incidents/${id}`, { token: mintToken() });

      const problem = await expectProblem(response, 404, ErrorCode.NOT_FOUND);
      expect(problem).toEqual(expect.objectContaining({ detail: 'incident does not exist', instance: `/v1/incidents/${id}` }));
    });

    it('answers 500 problem+json with the errorId of the service when it replies INTERNAL', async () => {
      const errorId = randomUUID();
      responder.reset(() => ({ ok: false, error: { code: ErrorCode.INTERNAL, message: 'relation "incident" does not exist', details: { errorId } } }));

      const response = await request(`/v1/incidents/${randomUUID()}`, { token: mintToken() });

      const problem = await expectProblem(response, 500, ErrorCode.INTERNAL);
      expect(problem.errorId).toBe(errorId);
      expect(JSON.stringify(problem)).not.toContain('relation');
    });

    it('answers 503 problem+json when no service is listening', async () => {
      await responder.stop();
      try {
        const response = await request(`/v1/incidents/${randomUUID()}`, { token: mintToken() });

        await expectProblem(response, 503, ErrorCode.UNAVAILABLE);
      } finally {
        await responder.start();
      }
    });
  });

  describe('incidents', () => {
    it('creates an incident: 201 with Location and ETag, the actor and correlation id travelling to the service', async () => {
      const correlationId = `test-${randomUUID()}`;
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const token = mintToken({ sub: 'bob', name: 'Bob Requester', roles: [Role.Requester, 'unknown-role'], groups: ['floor-3'] });

      const response = await request('/v1/incidents', {
        method: 'POST',
        token,
        body: validBody,
        headers: { [MessageHeaders.correlationId]: correlationId, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });

      expect(response.status).toBe(201);
      const incident = (await response.json()) as { id: string; version: number; title: string };
      expect(incident.title).toBe(validBody.title);
      expect(response.headers.get('location')).toBe(`/v1/incidents/${incident.id}`);
      expect(response.headers.get('etag')).toBe('"1"');
      expect(response.headers.get(MessageHeaders.correlationId)).toBe(correlationId);
      expect(responder.received).toHaveLength(1);
      const [received] = responder.received;
      expect(received?.subject).toBe(IncidentRpc.create.subject);
      expect(received?.data).toEqual(validBody);
      expect(JSON.parse(received?.headers[MessageHeaders.actor] ?? 'null')).toEqual({ sub: 'bob', name: 'Bob Requester', roles: [Role.Requester], groups: ['floor-3'] });
      expect(received?.headers[MessageHeaders.correlationId]).toBe(correlationId);
      expect(traceIdOf(received?.headers[MessageHeaders.traceparent])).toBe(traceId);
    });

    it('reads an incident: 200 with its version as ETag', async () => {
      const id = randomUUID();

      const response = await request(`/v1/incidents/${id}`, { token: mintToken({ roles: [Role.Requester] }) });

      expect(response.status).toBe(200);
      await expect(response.json()).resolves.toEqual(expect.objectContaining({ id, version: 3 }));
      expect(response.headers.get('etag')).toBe('"3"');
      expect(responder.received.map((received) => received.data)).toEqual([{ id }]);
    });

    it('gives every response a new correlation id when the request has none', async () => {
      const response = await request(`/v1/incidents/${randomUUID()}`, { token: mintToken() });

      expect(response.headers.get(MessageHeaders.correlationId)).toMatch(/^[0-9a-f-]{36}$/);
      expect(responder.received[0]?.headers[MessageHeaders.correlationId]).toBe(response.headers.get(MessageHeaders.correlationId));
    });
  });

  describe('documentation and operations', () => {
    it('serves the OpenAPI document listing the incident routes', async () => {
      const response = await request('/openapi.json');

      expect(response.status).toBe(200);
      const document = (await response.json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/incidents', '/v1/incidents/{id}']));
    });

    it('serves Swagger UI at /docs', async () => {
      const response = await request('/docs');

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      await expect(response.text()).resolves.toContain('swagger');
    });

    it('serves the AsyncAPI document without a token', async () => {
      const response = await request('/asyncapi.json');

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('answers an unknown route with 404 problem+json', async () => {
      const response = await request('/v1/nothing-here', { token: mintToken() });

      await expectProblem(response, 404, ErrorCode.NOT_FOUND);
    });

    it('is live and ready while connected to NATS', async () => {
      await expect(request('/health/live').then((response) => response.status)).resolves.toBe(200);
      const response = await request('/health/ready');

      expect(response.status).toBe(200);
      await expect(response.json()).resolves.toEqual(expect.objectContaining({ ready: true, nats: 'up' }));
    });

    it('exposes Prometheus metrics with the HTTP request counter', async () => {
      const response = await request('/metrics');

      expect(response.status).toBe(200);
      await expect(response.text()).resolves.toMatch(/itsm_http_requests_total\{[^}]*route="\/v1\/incidents"/);
    });

    it('stops being ready once shutdown begins', async () => {
      gateway.app.get(GatewayReadiness).beginShutdown();

      const response = await request('/health/ready');

      expect(response.status).toBe(503);
      await expect(response.json()).resolves.toEqual(expect.objectContaining({ ready: false, shuttingDown: true }));
    });
  });
});
