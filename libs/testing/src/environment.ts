import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { natsConnectionOptions, readSeed, registerActorSigner } from '@itsm/messaging';
import { provisionDatabase, serviceDatabaseUrl } from '@itsm/persistence';
import { SERVICE_NAMES } from './infra';

/** PostgreSQL started by the integration global setup (its `postgres` database). */
export function testPostgresUrl(): string {
  const url = process.env['ITSM_TEST_PG_URL'];
  if (!url) throw new Error('ITSM_TEST_PG_URL is not set: integration tests run through the `integration` jest project');
  return url;
}

/** The NATS server of this jest worker: parallel test files never share a broker. */
export function testNatsUrl(): string {
  const urls = (process.env['ITSM_TEST_NATS_URLS'] ?? '').split(',').filter(Boolean);
  const worker = Number(process.env['JEST_WORKER_ID'] ?? '1');
  const url = urls[(worker - 1) % Math.max(urls.length, 1)];
  if (!url) throw new Error('ITSM_TEST_NATS_URLS is not set: integration tests run through the `integration` jest project');
  return url;
}

/** The keys of every identity of the suite for the test brokers (`<identity>.nk`), which run with authorization on. */
export function testNatsCredentialsDir(): string {
  const dir = process.env['ITSM_TEST_NATS_CREDENTIALS_DIR'];
  if (!dir) throw new Error('ITSM_TEST_NATS_CREDENTIALS_DIR is not set: integration tests run through the `integration` jest project');
  return dir;
}

/**
 * Connection options for this worker's broker as `identity`: `admin` (everything: what test code observes and
 * injects with) unless a test wants to act as a service or the gateway and meet its permissions.
 */
export function testNatsOptions(name: string, identity = 'admin'): ConnectionOptions {
  // The client's default wait for the first connection (20 s), not a service's 5 s: two busy workers on two cores
  // can hold a handshake up for seconds.
  return { ...natsConnectionOptions(testNatsUrl(), name, { identity, nkeySeed: readSeed(testNatsCredentialsDir(), identity) }), timeout: TEST_CONNECT_TIMEOUT_MS };
}

const TEST_CONNECT_TIMEOUT_MS = 20_000;

/** A connection to this worker's broker as `identity` (default `admin`). */
export async function connectTestNats(name: string, identity = 'admin'): Promise<NatsConnection> {
  const seed = readSeed(testNatsCredentialsDir(), identity);
  const nc = await connect(testNatsOptions(name, identity));
  // As connectNats does: RPC calls on it sign the actors they carry with the identity's key.
  if (seed) registerActorSigner(nc, seed);
  return nc;
}

export interface TestDatabase {
  /** As the server's superuser: for the checks of a test, never for a service under test. */
  url: string;
  name: string;
  /** As `service`'s own role (`itsm_<service>`), which owns its schema here and nothing else. */
  serviceUrl(service: string): string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * A fresh database on the test server, provisioned as production is (every service's role and schema, nothing
 * migrated yet), with a small query helper for assertions.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = testPostgresUrl();
  const name = `itsm_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  await provisionDatabase(url.toString(), SERVICE_NAMES);
  // One connection for the checks, opened again after the server cut it (a restart in a fault test).
  const connect = async (): Promise<Client> => {
    const opened = new Client({ connectionString: url.toString() });
    opened.on('error', () => {
      if (client === opened) client = undefined;
    });
    await opened.connect();
    return opened;
  };
  let client: Client | undefined = await connect();
  return {
    url: url.toString(),
    name,
    serviceUrl: (service) => serviceDatabaseUrl(url.toString(), service),
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      client ??= await connect();
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
    async drop(): Promise<void> {
      await client?.end().catch(() => undefined);
      const dropper = new Client({ connectionString: base });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/**
 * Environment of a service under test: its database, this worker's broker, a free health port, quick retries.
 * DATABASE_URL is the administrator's until the service is known: `spawnApp`, `startTestService` and the
 * service harnesses turn it into the service's role (`asServiceRole`).
 */
export function serviceTestEnv(database: TestDatabase, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: database.url,
    NATS_URL: testNatsUrl(),
    NATS_CREDENTIALS_DIR: testNatsCredentialsDir(),
    HEALTH_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    CONSUMER_BACKOFF_MS: '100,200,400',
    OUTBOX_POLL_INTERVAL_MS: '200',
    ...overrides,
  };
}

/** The test servers' superuser, whom no service under test connects as. */
const ADMIN_USER = 'postgres';

/**
 * `env` with DATABASE_URL turned from the test superuser into `service`'s role on the same server and database
 * (provisioned by `createTestDatabase` / `startPrivatePostgres`). Any other DATABASE_URL is left as the test set it.
 */
export function asServiceRole(env: NodeJS.ProcessEnv, service: string): NodeJS.ProcessEnv {
  const url = env['DATABASE_URL'];
  if (!url || !SERVICE_NAMES.includes(service) || decodeURIComponent(new URL(url).username) !== ADMIN_USER) return env;
  return { ...env, DATABASE_URL: serviceDatabaseUrl(url, service) };
}

/** Polls until `check` returns a value other than undefined/false, or fails with the last value seen. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'condition'}; last: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
