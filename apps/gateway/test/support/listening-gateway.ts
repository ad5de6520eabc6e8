/** The gateway in-process on a free loopback port, against the test NATS, with the test token settings. */
import { createLogger } from '@itsm/observability';
import { TEST_JWT_ISSUER, TEST_JWT_SECRET, testNatsUrl, testNatsCredentialsDir } from '@itsm/testing';
import { loadGatewayConfig } from '../../src/config';
import { createGateway, type Gateway } from '../../src/gateway';
import type { ProblemBody } from './gateway-with-service';

/**
 * `env` adds to (or overrides) the gateway's settings, e.g. `RPC_TIMEOUT_MS`. Rate limits are off unless `env` turns
 * them on: every test file shares one NATS, so the same test users' requests from all of them would count together.
 */
export async function startGateway(env: Record<string, string> = {}): Promise<{ gateway: Gateway; baseUrl: string }> {
  const config = loadGatewayConfig({ NATS_URL: testNatsUrl(), NATS_CREDENTIALS_DIR: testNatsCredentialsDir(), JWT_SECRET: TEST_JWT_SECRET, JWT_ISSUER: TEST_JWT_ISSUER, LOG_LEVEL: 'silent', RATE_LIMIT_ENABLED: 'false', ...env });
  const gateway = await createGateway(config, createLogger('gateway', config.LOG_LEVEL));
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('gateway is not listening on a TCP port');
  return { gateway, baseUrl: `http://127.0.0.1:${address.port}` };
}

/** The problem+json body of an answer, after checking its status and media type. */
export async function expectProblem(response: Response, status: number): Promise<ProblemBody> {
  expect({ status: response.status, contentType: response.headers.get('content-type') }).toEqual({ status, contentType: expect.stringMatching(/^application\/problem\+json/) });
  return (await response.json()) as ProblemBody;
}
