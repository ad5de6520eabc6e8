import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

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

export interface TestDatabase {
  url: string;
  name: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server, with a small query helper for assertions. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = testPostgresUrl();
  const name = `itsm_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
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

/** Environment of a service under test: its database, this worker's broker, a free health port, quick retries. */
export function serviceTestEnv(database: TestDatabase, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: database.url,
    NATS_URL: testNatsUrl(),
    HEALTH_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    CONSUMER_BACKOFF_MS: '100,200,400',
    OUTBOX_POLL_INTERVAL_MS: '200',
    ...overrides,
  };
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
