import type { NatsConnection } from 'nats';
import { connectNats } from '@itsm/messaging';
import {
  createTestDatabase,
  freePort,
  resetStreams,
  serviceTestEnv,
  spawnApp,
  TEST_JWT_SECRET,
  testNatsUrl,
  type ServiceProcess,
  type TestDatabase,
  waitUntilReady,
} from '@itsm/testing';

export const SERVICES = ['incident', 'problem', 'change', 'cmdb', 'sla', 'knowledge', 'notification'] as const;

export interface RunningSuite {
  baseUrl: string;
  database: TestDatabase;
  nc: NatsConnection;
  processes: Map<string, { process: ServiceProcess; port: number }>;
  /** SIGTERM to every process; resolves with each exit code. */
  stop(): Promise<Record<string, number | null>>;
}

/** The whole suite as real processes from their builds, on a fresh database and this worker's broker; `env` adds settings per service. */
export async function startSuite(services: readonly string[] = SERVICES, env: Record<string, Record<string, string>> = {}): Promise<RunningSuite> {
  const database = await createTestDatabase();
  const nc = await connectNats(testNatsUrl(), 'e2e');
  await resetStreams(nc);
  const processes = new Map<string, { process: ServiceProcess; port: number }>();
  try {
    for (const service of services) {
      const port = await freePort();
      // As the gateway's RPC_TIMEOUT_MS below: bursts queue for connections on two shared cores; the tests are about
      // correctness under concurrency, not about how soon an overloaded service says 503.
      const settings = { HEALTH_PORT: String(port), DATABASE_POOL_TIMEOUT_MS: '30000', ...env[service] };
      processes.set(service, { process: spawnApp(service, serviceTestEnv(database, settings)), port });
    }
    const gatewayPort = await freePort();
    processes.set('gateway', {
      process: spawnApp('gateway', {
        PORT: String(gatewayPort),
        HOST: '127.0.0.1',
        NATS_URL: testNatsUrl(),
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
        // The 1,000-request burst queues at the incident service on two shared cores; the test is about
        // correctness under concurrency, not about the 5 s default answering time.
        RPC_TIMEOUT_MS: '30000',
      }),
      port: gatewayPort,
    });
    await Promise.all([...processes.values()].map(({ process, port }) => waitUntilReady(process, port)));
  } catch (error) {
    await Promise.all([...processes.values()].map(({ process }) => process.kill('SIGKILL')));
    await nc.drain();
    await database.drop();
    throw error;
  }
  return {
    baseUrl: `http://127.0.0.1:${processes.get('gateway')?.port}`,
    database,
    nc,
    processes,
    async stop() {
      const codes = await Promise.all([...processes.entries()].map(async ([name, { process }]) => [name, await process.kill('SIGTERM')] as const));
      await nc.drain();
      await database.drop();
      return Object.fromEntries(codes);
    },
  };
}
