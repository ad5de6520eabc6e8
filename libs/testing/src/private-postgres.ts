import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionDatabase } from '@itsm/persistence';
import { infra, SERVICE_NAMES } from './infra';

export interface PrivatePostgres {
  /** URL of its `postgres` database as the superuser; every service's role and schema are provisioned there. */
  url: string;
  /** Stops the server (fast shutdown: sessions are cut, like a crash seen from the clients). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL server of a test's own, for tests that stop and restart the database: the shared test server
 * serves the other jest workers and must stay up.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'itsm-test-pg-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user when the tests run as root
  const port = await infra.freePort();
  let server = await infra.startPostgres({ dir, port, durable: false });
  let running = true;
  await provisionDatabase(server.url, SERVICE_NAMES);
  return {
    url: server.url,
    async stop() {
      await server.stop();
      running = false;
    },
    async start() {
      server = await infra.startPostgres({ dir, port, durable: false });
      running = true;
    },
    async destroy() {
      if (running) await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
