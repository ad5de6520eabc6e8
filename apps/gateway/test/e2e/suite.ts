import type { NatsConnection } from 'nats';
import { createTestDatabase, freePort, resetStreams, SERVICE_NAMES, serviceTestEnv, spawnApp, TEST_JWT_SECRET, testNatsUrl, type ServiceProcess, type TestDatabase, waitUntilReady, connectTestNats, testNatsCredentialsDir } from '@itsm/testing';

/** Every service of the suite (the gateway aside). */
export const SERVICES = SERVICE_NAMES;

export interface SuiteProcess {
  process: ServiceProcess;
  /** HTTP port: the gateway's API, or a service's health and metrics. */
  port: number;
  /** The app it runs (`incident`, `gateway` …): several processes share one when a service has replicas. */
  app: string;
}

export interface SuiteOptions {
  /** Processes of each service (not of the gateway), all on the one database; the first keeps the service's name, the others are `<service>-2` … */
  replicas?: number;
}

export interface RunningSuite {
  baseUrl: string;
  database: TestDatabase;
  nc: NatsConnection;
  processes: Map<string, SuiteProcess>;
  /** The processes of one app that have not exited, in start order. */
  running(app: string): SuiteProcess[];
  /** Starts one more replica of a service with the settings of the others, named `<service>-<n>`, and waits until it is ready. */
  addReplica(service: string): Promise<string>;
  /** SIGTERM to every process; resolves with each exit code (as they exited, for those already gone). */
  stop(): Promise<Record<string, number | null>>;
}

/**
 * The whole suite as real processes from their builds, on a fresh database and this worker's broker; `env` adds
 * settings per app (`gateway` included).
 */
export async function startSuite(services: readonly string[] = SERVICES, env: Record<string, Record<string, string>> = {}, options: SuiteOptions = {}): Promise<RunningSuite> {
  const database = await createTestDatabase();
  const nc = await connectTestNats('e2e');
  await resetStreams(nc);
  const processes = new Map<string, SuiteProcess>();
  const replicaCount = new Map<string, number>();

  const spawnService = async (service: string): Promise<[string, SuiteProcess]> => {
    const n = (replicaCount.get(service) ?? 0) + 1;
    replicaCount.set(service, n);
    const name = n === 1 ? service : `${service}-${n}`;
    const port = await freePort();
    // As the gateway's RPC_TIMEOUT_MS below: bursts queue for connections on two shared cores; the tests are about
    // correctness under concurrency, not about how soon an overloaded service says 503.
    const settings = { HEALTH_PORT: String(port), DATABASE_POOL_TIMEOUT_MS: '30000', ...env[service] };
    const entry = { process: spawnApp(service, serviceTestEnv(database, settings)), port, app: service };
    processes.set(name, entry);
    return [name, entry];
  };
  const ready = (entries: SuiteProcess[]): Promise<unknown> => Promise.all(entries.map(({ process, port }) => waitUntilReady(process, port)));

  try {
    const first = await Promise.all(services.map(async (service) => (await spawnService(service))[1]));
    const gatewayPort = await freePort();
    const gateway = {
      process: spawnApp('gateway', {
        PORT: String(gatewayPort),
        HOST: '127.0.0.1',
        NATS_URL: testNatsUrl(), NATS_CREDENTIALS_DIR: testNatsCredentialsDir(),
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
        // The 1,000-request burst queues at the incident service on two shared cores; the test is about
        // correctness under concurrency, not about the 5 s default answering time.
        RPC_TIMEOUT_MS: '30000',
        // One test user sends thousands of requests a minute here (bursts, fuzzing, scale-out); the shared rate
        // limits have tests of their own (limits.int-spec.ts).
        RATE_LIMIT_ENABLED: 'false',
        // The 1,000 concurrent creations are meant to queue, not to be shed (load shedding: limits.int-spec.ts).
        GATEWAY_MAX_IN_FLIGHT: '5000',
        // API keys on; the bucket is emptied when the suite starts.
        API_KEY_HASH_SECRET: 'e2e-api-key-hash-secret-0123456789abcdef',
        ...env['gateway'],
      }),
      port: gatewayPort,
      app: 'gateway',
    };
    processes.set('gateway', gateway);
    await ready([...first, gateway]);
    // Further replicas start once the first ones are up (migrations applied, streams made): fifteen processes
    // booting at once on two cores would not all be ready within the readiness wait.
    for (let n = 2; n <= (options.replicas ?? 1); n += 1) {
      await ready(await Promise.all(services.map(async (service) => (await spawnService(service))[1])));
    }
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
    running(app) {
      return [...processes.values()].filter((entry) => entry.app === app && entry.process.child.exitCode === null && entry.process.child.signalCode === null);
    },
    async addReplica(service) {
      const [name, entry] = await spawnService(service);
      await waitUntilReady(entry.process, entry.port);
      return name;
    },
    async stop() {
      const codes = await Promise.all([...processes.entries()].map(async ([name, { process }]) => [name, await process.kill('SIGTERM')] as const));
      await nc.drain();
      await database.drop();
      return Object.fromEntries(codes);
    },
  };
}
