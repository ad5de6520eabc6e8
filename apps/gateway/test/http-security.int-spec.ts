import type { NatsConnection } from 'nats';
import { connect } from 'nats';
import { type CreatedIncidentView, Role } from '@itsm/contracts';
import { ensureStreams } from '@itsm/messaging';
import { createLogger } from '@itsm/observability';
import { buildCreateIncident, mintToken, resetStreams, TEST_JWT_SECRET, testNatsUrl, waitFor, testNatsOptions, testNatsCredentialsDir } from '@itsm/testing';
import { loadGatewayConfig } from '../src/config';
import { createGateway, type Gateway } from '../src/gateway';
import { GatewayWithService } from './support/gateway-with-service';

const STREAMS_PER_USER = 2;
const STREAM_MAX_SECONDS = 6;

/** Headers every answer carries, whatever its status. */
function expectSecurityHeaders(response: Response): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

interface Stream {
  response: Response;
  abort: AbortController;
  /** Everything the server sent, once it ended the stream. */
  text: Promise<string>;
}

describe('HTTP security of the gateway', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let nc: NatsConnection;
  const aborts: AbortController[] = [];
  const tokenOf = (sub: string, expiresInSeconds = 600): string => mintToken({ sub, roles: ['agent'] }, { secret: TEST_JWT_SECRET, issuer: null, expiresInSeconds });

  beforeAll(async () => {
    nc = await connect(testNatsOptions('http-security-test'));
    await resetStreams(nc);
    await ensureStreams(await nc.jetstreamManager(), { replicas: 1, maxAgeDays: 1, duplicateWindowSeconds: 120, maxBytes: -1 });
    const config = loadGatewayConfig({
      NATS_URL: testNatsUrl(), NATS_CREDENTIALS_DIR: testNatsCredentialsDir(),
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'silent',
      EVENT_STREAMS_PER_USER: String(STREAMS_PER_USER),
      EVENT_STREAM_MAX_SECONDS: String(STREAM_MAX_SECONDS),
    });
    gateway = await createGateway(config, createLogger('gateway', config.LOG_LEVEL));
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const address = gateway.app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('gateway is not listening on a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    for (const abort of aborts) abort.abort();
    await gateway?.close();
    await nc?.drain();
  });

  async function stream(token: string): Promise<Stream> {
    const abort = new AbortController();
    aborts.push(abort);
    const response = await fetch(`${baseUrl}/v1/events/stream`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    const text = response.status === 200 ? response.text().catch(() => '') : Promise.resolve('');
    return { response, abort, text };
  }

  describe('headers', () => {
    it('sends nosniff, frame protection, no referrer and no-store on API answers, errors included', async () => {
      const answers = [
        await fetch(`${baseUrl}/health/live`),
        await fetch(`${baseUrl}/v1/incidents`),
        await fetch(`${baseUrl}/v1/no-such-route`, { headers: { authorization: `Bearer ${tokenOf('sam')}` } }),
        await fetch(`${baseUrl}/v1/incidents`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf('sam')}`, 'content-type': 'text/plain' }, body: 'x' }),
      ];
      expect(answers.map((response) => response.status)).toEqual([200, 401, 404, 415]);
      for (const response of answers) {
        expectSecurityHeaders(response);
        expect(response.headers.get('cache-control')).toBe('no-store');
      }
      expect(answers[1]?.headers.get('content-type')).toContain('application/problem+json');
    });

    it('serves Swagger UI, its scripts and styles, and the OpenAPI document with the headers', async () => {
      const page = await fetch(`${baseUrl}/docs`);
      expect(page.status).toBe(200);
      expectSecurityHeaders(page);
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((match) => new URL(match[1] ?? '', `${baseUrl}/docs`).toString());
      expect(assets.some((url) => url.endsWith('.js'))).toBe(true);
      expect(assets.some((url) => url.endsWith('.css'))).toBe(true);
      for (const url of assets) {
        const asset = await fetch(url);
        expect([url, asset.status]).toEqual([url, 200]);
        expectSecurityHeaders(asset);
        await asset.arrayBuffer();
      }
      const document = await fetch(`${baseUrl}/openapi.json`);
      expect(document.status).toBe(200);
      expectSecurityHeaders(document);
      await expect(document.json()).resolves.toMatchObject({ openapi: expect.stringMatching(/^3\./), paths: expect.objectContaining({ '/v1/events/stream': expect.anything() }) });
    });

    it('sends them on a live event stream too, which keeps its own caching', async () => {
      const { response, abort } = await stream(tokenOf('hdr'));
      expect(response.status).toBe(200);
      expectSecurityHeaders(response);
      expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
      abort.abort();
    });
  });

  describe('live event streams', () => {
    it('ends a stream when its token expires, with a last reauthenticate event', async () => {
      const { response, text } = await stream(tokenOf('expiring', 2));
      expect(response.status).toBe(200);
      const started = Date.now();
      const received = await text;
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(received).toMatch(/event: reauthenticate\ndata: \{"reason":"TOKEN_EXPIRED","detail":"[^"]+"\}\n\n$/);
    });

    it('ends a stream after EVENT_STREAM_MAX_SECONDS however late its token expires', async () => {
      const { response, text } = await stream(tokenOf('long-lived'));
      expect(response.status).toBe(200);
      const started = Date.now();
      const received = await text;
      expect(Date.now() - started).toBeGreaterThan((STREAM_MAX_SECONDS - 1) * 1_000);
      expect(received).toMatch(/event: reauthenticate\ndata: \{"reason":"STREAM_LIFETIME_REACHED","detail":"[^"]+"\}\n\n$/);
    }, 15_000);

    it('refuses one stream more than a user may hold with a 429, and takes one again once a stream is closed', async () => {
      const held = [];
      for (let i = 0; i < STREAMS_PER_USER; i++) held.push(await stream(tokenOf('busy')));
      expect(held.map((open) => open.response.status)).toEqual(held.map(() => 200));

      const refused = await stream(tokenOf('busy'));
      expect(refused.response.status).toBe(429);
      expect(refused.response.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.response.headers.get('retry-after')).toMatch(/^\d+$/);
      await expect(refused.response.json()).resolves.toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', reason: 'TOO_MANY_STREAMS', limit: STREAMS_PER_USER });

      // Another user is not held back by this one.
      const other = await stream(tokenOf('someone-else'));
      expect(other.response.status).toBe(200);
      other.abort.abort();

      held[0]?.abort.abort();
      const again = await waitFor(
        async () => {
          const attempt = await stream(tokenOf('busy'));
          return attempt.response.status === 200 ? attempt : undefined;
        },
        { timeoutMs: 3_000, what: 'a stream after closing one' },
      );
      expect(again.response.status).toBe(200);
    });

    it('declares the 429 in the OpenAPI document', async () => {
      const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, { get: { responses: Record<string, unknown> } }> };
      expect(Object.keys(document.paths['/v1/events/stream']?.get.responses ?? {})).toContain('429');
    });
  });
});

describe('possible duplicates through the gateway', () => {
  let h: GatewayWithService;
  const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });
  const bob = mintToken({ sub: 'bob', roles: [Role.Requester] });
  const sam = mintToken({ sub: 'sam', roles: [Role.Agent] });
  const report = buildCreateIncident({ category: 'printing', ciIds: ['5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b'] });

  beforeAll(async () => {
    h = await GatewayWithService.start('incident');
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  it("names no other caller's incident to a requester, and every caller's to an agent", async () => {
    const alices = await h.call<CreatedIncidentView>('POST', '/v1/incidents', alice, { body: report });
    expect(alices.status).toBe(201);
    const bobs = await h.call<CreatedIncidentView>('POST', '/v1/incidents', bob, { body: report });
    expect(bobs.status).toBe(201);
    expect(bobs.body.possibleDuplicates).toEqual([]);
    const agents = await h.call<CreatedIncidentView>('POST', '/v1/incidents', sam, { body: report });
    expect(agents.body.possibleDuplicates.map((hint) => hint.id).sort()).toEqual([alices.body.id, bobs.body.id].sort());
  });
});
