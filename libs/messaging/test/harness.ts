import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@itsm/contracts';
import type { NatsConnection } from 'nats';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { ensureStreams } from '@itsm/messaging';
import { coreTablesMigration, createDataSource, runMigrations } from '@itsm/persistence';
import { createTestDatabase, resetStreams, type TestDatabase, connectTestNats } from '@itsm/testing';

export const silentLogger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

export interface Harness {
  schema: string;
  database: TestDatabase;
  dataSource: DataSource;
  nc: NatsConnection;
  close(): Promise<void>;
}

/** A migrated schema with the core tables on a fresh database, and this worker's broker with fresh streams. */
export async function openHarness(schema: string, entities: Function[] = []): Promise<Harness> {
  const database = await createTestDatabase();
  const dataSource = createDataSource({
    url: database.url,
    schema,
    applicationName: `test-${schema}`,
    entities,
    migrations: [coreTablesMigration(schema)],
    poolSize: 40,
  });
  await dataSource.initialize();
  await runMigrations(dataSource, schema);
  const nc = await connectTestNats(`test-${schema}`);
  await resetStreams(nc);
  await ensureStreams(await nc.jetstreamManager(), { replicas: 1, maxAgeDays: 1, duplicateWindowSeconds: 120, maxBytes: -1 });
  return {
    schema,
    database,
    dataSource,
    nc,
    async close() {
      await nc.drain();
      await dataSource.destroy();
      await database.drop();
    },
  };
}

/** An event about `record` at `version`, as a producer's outbox writes it. */
export function testChange(record: string, version: number, overrides: Partial<CloudEvent<{ version: number }>> = {}): CloudEvent<{ version: number }> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'itsm/test',
    type: 'itsm.test.changed.v1',
    subject: record,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: randomUUID(),
    data: { version },
    ...overrides,
  };
}
