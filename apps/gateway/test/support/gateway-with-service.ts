/** The gateway in-process in front of one built service as a process, on a fresh database and real NATS. */
import type { NatsConnection } from 'nats';
import type { ErrorCode } from '@itsm/contracts';
import { createTestDatabase, freePort, resetStreams, type ServiceProcess, serviceTestEnv, spawnApp, type TestDatabase, waitUntilReady, connectTestNats } from '@itsm/testing';
import type { Gateway } from '../../src/gateway';
import { startGateway } from './listening-gateway';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ProblemBody {
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
  [member: string]: unknown;
}

export class GatewayWithService {
  private constructor(
    readonly database: TestDatabase,
    readonly nc: NatsConnection,
    readonly service: ServiceProcess,
    readonly gateway: Gateway,
    readonly baseUrl: string,
  ) {}

  /** `serviceEnv` adds to (or overrides) the service's environment, e.g. its own settings. */
  static async start(service: string, gatewayEnv: Record<string, string> = {}, serviceEnv: Record<string, string> = {}): Promise<GatewayWithService> {
    const database = await createTestDatabase();
    const nc = await connectTestNats(`gateway-${service}-test`);
    await resetStreams(nc);
    const port = await freePort();
    const process = spawnApp(service, serviceTestEnv(database, { HEALTH_PORT: String(port), ...serviceEnv }));
    await waitUntilReady(process, port);
    const { gateway, baseUrl } = await startGateway({ RPC_TIMEOUT_MS: '10000', ...gatewayEnv });
    return new GatewayWithService(database, nc, process, gateway, baseUrl);
  }

  /** Stops everything; answers the service's exit code (0 after a clean drain). */
  async stop(): Promise<number | null> {
    await this.gateway.close();
    const exit = await this.service.kill('SIGTERM');
    await this.nc.drain();
    await this.database.drop();
    return exit;
  }

  async call<T = unknown>(method: string, path: string, token: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

/** Asserts a problem+json answer of this status and code, and returns its body. */
export function expectProblem(reply: Reply, status: number, code: ErrorCode): ProblemBody {
  expect({ status: reply.status, contentType: reply.headers.get('content-type') }).toEqual({ status, contentType: expect.stringContaining('application/problem+json') });
  expect(reply.body).toMatchObject({ status, code });
  return reply.body as ProblemBody;
}

/** The fields a 400 names, sorted and once each. */
export function problemFields(reply: Reply): string[] {
  return [...new Set(((reply.body as ProblemBody).errors ?? []).map((error) => error.field))].sort();
}
