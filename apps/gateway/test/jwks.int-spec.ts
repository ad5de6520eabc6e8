import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import jwt from 'jsonwebtoken';
import { connect, type NatsConnection } from 'nats';
import { IncidentRpc } from '@itsm/contracts';
import { createLogger } from '@itsm/observability';
import { buildIncidentView, freePort, testNatsUrl, testNatsOptions, testNatsCredentialsDir } from '@itsm/testing';
import { loadGatewayConfig } from '../src/config';
import { createGateway, type Gateway } from '../src/gateway';

import { RpcResponder } from './rpc-responder';

/** A stand-in identity provider: publishes its RSA public keys as a JWKS over real HTTP. */
class IdentityProvider {
  readonly keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();
  requests = 0;
  private server: Server | undefined;
  url = '';

  addKey(kid: string): void {
    this.keys.set(kid, generateKeyPairSync('rsa', { modulusLength: 2048 }));
  }

  sign(kid: string, claims: object): string {
    const key = this.keys.get(kid);
    if (!key) throw new Error(`no key ${kid}`);
    return jwt.sign({ sub: 'erin', name: 'Erin', roles: ['agent'], ...claims }, key.privateKey, { algorithm: 'RS256', keyid: kid, expiresIn: 600 });
  }

  async start(): Promise<void> {
    const port = await freePort();
    this.server = createServer((_request, response) => {
      this.requests += 1;
      const keys = [...this.keys.entries()].map(([kid, key]) => ({ ...key.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('gateway with an identity provider’s JWKS (RS256)', () => {
  const provider = new IdentityProvider();
  let gateway: Gateway;
  let baseUrl: string;
  let nc: NatsConnection;
  let responder: RpcResponder;

  beforeAll(async () => {
    provider.addKey('2026-11');
    await provider.start();
    const config = loadGatewayConfig({ NATS_URL: testNatsUrl(), NATS_CREDENTIALS_DIR: testNatsCredentialsDir(), JWT_JWKS_URL: provider.url, JWT_JWKS_REFRESH_MS: '500', LOG_LEVEL: 'silent', RPC_TIMEOUT_MS: '2000' });
    gateway = await createGateway(config, createLogger('gateway', config.LOG_LEVEL));
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const address = gateway.app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('gateway is not listening on a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;
    nc = await connect(testNatsOptions('jwks-test-responder'));
    responder = new RpcResponder(nc, [IncidentRpc.get.subject]);
    responder.behaviour = (received) => ({ ok: true, data: buildIncidentView({ id: (received.data as { id: string }).id }) });
    await responder.start();
  });

  afterAll(async () => {
    await gateway?.close();
    await nc?.drain();
    await provider.stop();
  });

  const get = (token: string) => fetch(`${baseUrl}/v1/incidents/${buildIncidentView().id}`, { headers: { authorization: `Bearer ${token}` } });

  it('accepts a token signed with a published key and passes its caller on', async () => {
    responder.reset();
    const response = await get(provider.sign('2026-11', {}));
    expect(response.status).toBe(200);
    expect(JSON.parse(responder.received[0]?.headers['x-actor'] ?? '{}')).toEqual({ sub: 'erin', name: 'Erin', roles: ['agent'] });
  });

  it('picks up a rotated key without a restart', async () => {
    provider.addKey('2026-12');
    await new Promise((resolve) => setTimeout(resolve, 600)); // past JWT_JWKS_REFRESH_MS since the last fetch
    const response = await get(provider.sign('2026-12', {}));
    expect(response.status).toBe(200);
  });

  it('refuses a token under an unknown key id without asking the provider again and again', async () => {
    const before = provider.requests;
    const forged = jwt.sign({ sub: 'mallory', roles: ['admin'] }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, {
      algorithm: 'RS256',
      keyid: 'made-up',
      expiresIn: 600,
    });
    for (let i = 0; i < 5; i += 1) {
      const response = await get(forged);
      expect(response.status).toBe(401);
      await expect(response.json()).resolves.toMatchObject({ code: 'UNAUTHENTICATED', detail: 'token is signed with an unknown key' });
    }
    expect(provider.requests - before).toBeLessThanOrEqual(1);
  });

  it('refuses HS256 tokens when no shared secret is configured', async () => {
    const response = await get(jwt.sign({ sub: 'erin', roles: ['agent'] }, 'x'.repeat(40), { algorithm: 'HS256', expiresIn: 600 }));
    expect(response.status).toBe(401);
  });
});
