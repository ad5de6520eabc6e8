/**
 * Attacks on the gateway's authentication and input not covered elsewhere. Already proven, and not repeated here:
 * expired, unsigned (`alg: none`), wrongly signed, issuer-less and other-issuer HS256 tokens over HTTP
 * (gateway.int-spec.ts); HS256 without a configured secret and unknown key ids (jwks.int-spec.ts); a token whose
 * subject names an API key (api-keys.int-spec.ts, authentication.spec.ts); a single unknown field (gateway.int-spec.ts).
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import jwt from 'jsonwebtoken';
import { connect, type NatsConnection } from 'nats';
import { type CreatedIncidentView, ErrorCode, IncidentErrorCode, IncidentRpc, type IncidentPage, Role } from '@itsm/contracts';
import { createLogger } from '@itsm/observability';
import { buildCreateIncident, buildIncidentView, freePort, mintToken, testNatsUrl, unsignedToken, testNatsOptions, testNatsCredentialsDir } from '@itsm/testing';
import { loadGatewayConfig } from '../src/config';
import { createGateway, type Gateway } from '../src/gateway';
import { RpcResponder } from './rpc-responder';
import { expectProblem, GatewayWithService } from './support/gateway-with-service';

const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'itsm-api';
const KID = 'signing-2026';

describe('tokens a gateway verifying with an identity provider’s keys refuses', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let provider: Server;
  let gateway: Gateway;
  let baseUrl: string;
  let nc: NatsConnection;

  /** A token as the provider signs it, with the claims and options given on top. */
  function rs256(claims: object = {}, options: jwt.SignOptions = {}, key: KeyObject = privateKey): string {
    return jwt.sign({ sub: 'erin', roles: ['agent'], ...claims }, key, { algorithm: 'RS256', keyid: KID, expiresIn: 600, issuer: ISSUER, audience: AUDIENCE, ...options });
  }

  const get = (token: string): Promise<Response> => fetch(`${baseUrl}/v1/incidents/${buildIncidentView().id}`, { headers: { authorization: `Bearer ${token}` } });

  /** A 401 problem with the invalid-token challenge and this `detail`. */
  async function expectRefused(token: string, detail: string): Promise<void> {
    const response = await get(token);
    expect({ contentType: response.headers.get('content-type'), challenge: response.headers.get('www-authenticate') }).toEqual({
      contentType: expect.stringMatching(/^application\/problem\+json/),
      challenge: 'Bearer realm="itsm", error="invalid_token"',
    });
    await expect(response.json()).resolves.toMatchObject({ status: 401, code: ErrorCode.UNAUTHENTICATED, detail });
  }

  beforeAll(async () => {
    const port = await freePort();
    provider = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, use: 'sig', alg: 'RS256' }] }));
    });
    await new Promise<void>((resolve) => provider.listen(port, '127.0.0.1', resolve));
    const config = loadGatewayConfig({
      NATS_URL: testNatsUrl(), NATS_CREDENTIALS_DIR: testNatsCredentialsDir(),
      JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      LOG_LEVEL: 'silent',
      RPC_TIMEOUT_MS: '2000',
    });
    gateway = await createGateway(config, createLogger('gateway', config.LOG_LEVEL));
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const address = gateway.app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('gateway is not listening on a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;
    nc = await connect(testNatsOptions('security-test-responder'));
    const responder = new RpcResponder(nc, [IncidentRpc.get.subject]);
    responder.behaviour = (received) => ({ ok: true, data: buildIncidentView({ id: (received.data as { id: string }).id }) });
    await responder.start();
  });

  afterAll(async () => {
    await gateway?.close();
    await nc?.drain();
    await new Promise((resolve) => provider?.close(resolve));
  });

  it('accepts a token of the provider for this audience (so every refusal below is the attack’s doing)', async () => {
    const response = await get(rs256());
    expect(response.status).toBe(200);
  });

  it('refuses an expired token', async () => {
    await expectRefused(rs256({}, { expiresIn: -10 }), 'token has expired');
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    await expectRefused(rs256({}, { notBefore: 300 }), 'token is not valid yet');
  });

  it('refuses a token of another issuer', async () => {
    await expectRefused(rs256({}, { issuer: 'https://evil.example.test' }), 'token issuer is not accepted');
  });

  it('refuses a token for another audience, and one naming no audience', async () => {
    await expectRefused(rs256({}, { audience: 'another-api' }), 'token audience is not accepted');
    await expectRefused(jwt.sign({ sub: 'erin', roles: ['agent'] }, privateKey, { algorithm: 'RS256', keyid: KID, expiresIn: 600, issuer: ISSUER }), 'token audience is not accepted');
  });

  it('refuses an unsigned token (alg: none)', async () => {
    await expectRefused(unsignedToken({ iss: ISSUER, aud: AUDIENCE }), 'tokens signed with none are not accepted');
  });

  it('refuses an HS256 token whose secret is the provider’s public key (algorithm confusion)', async () => {
    const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    // jsonwebtoken will not sign HS256 with something that looks like a PEM key; an attacker signs it by hand.
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1_000);
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT', kid: KID })}.${encode({ sub: 'mallory', roles: ['admin'], iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 })}`;
    const forged = `${unsigned}.${createHmac('sha256', publicPem).update(unsigned).digest('base64url')}`;

    await expectRefused(forged, 'tokens signed with HS256 are not accepted');
  });

  it('refuses a token signed by another key under the provider’s key id', async () => {
    await expectRefused(rs256({ roles: ['admin'] }, {}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey), 'token is not valid');
  });
});

describe('mass assignment on incident create, through the gateway and the incident service', () => {
  let h: GatewayWithService;
  const alice = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] });
  const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent], groups: ['service-desk'] });

  beforeAll(async () => {
    h = await GatewayWithService.start('incident');
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  async function incidentsOpenedBy(sub: string): Promise<number> {
    const page = await h.call<IncidentPage>('GET', `/v1/incidents?callerId=${sub}&limit=100`, sam);
    return page.body.items.filter((incident) => incident.openedById === sub).length;
  }

  it('refuses a body setting fields no one sets (priority, state, id, version, opening time) with 400 naming each, and opens nothing', async () => {
    const reply = await h.call('POST', '/v1/incidents', alice, {
      body: { ...buildCreateIncident(), priority: 1, state: 'resolved', id: '3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10', version: 7, openedAt: '2020-01-01T00:00:00Z', openedById: 'ada' },
    });

    const problem = expectProblem(reply, 400, ErrorCode.VALIDATION);
    expect(problem.errors?.map((error) => error.field).sort()).toEqual(['id', 'openedAt', 'openedById', 'priority', 'state', 'version']);
    await expect(incidentsOpenedBy('alice')).resolves.toBe(0);
  });

  it('refuses a requester assigning their own incident with 403 naming the agent-only fields, and opens nothing', async () => {
    const reply = await h.call('POST', '/v1/incidents', alice, { body: buildCreateIncident({ assignmentGroup: 'network', assigneeId: 'alice' }) });

    const problem = expectProblem(reply, 403, ErrorCode.FORBIDDEN);
    expect(problem['reason']).toBe(IncidentErrorCode.AgentOnlyFields);
    expect(problem.errors?.map((error) => error.field).sort()).toEqual(['assigneeId', 'assignmentGroup']);
    await expect(incidentsOpenedBy('alice')).resolves.toBe(0);
  });

  it('lets an agent set the same assignment fields', async () => {
    const reply = await h.call<CreatedIncidentView>('POST', '/v1/incidents', sam, { body: buildCreateIncident({ assignmentGroup: 'network', assigneeId: 'tom' }) });

    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ assignmentGroup: 'network', assigneeId: 'tom', openedById: 'sam' });
  });
});
