import { randomUUID } from 'node:crypto';
import { type CloudEvent, EVENT_SUBJECT_ROOT, eventSubjectOfType } from '@itsm/contracts';
import type { NatsConnection } from 'nats';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { type EventHandlerFn, EventConsumer, ensureStreams } from '@itsm/messaging';
import { coreTablesMigration, createDataSource, runMigrations } from '@itsm/persistence';
import { createTestDatabase, resetStreams, type TestDatabase, connectTestNats, waitFor } from '@itsm/testing';

/** The type of the harness's test events, the subject it goes on, and the subjects of every test event. */
export const TEST_CHANGE_TYPE = 'itsm.test.changed.v1';
export const TEST_CHANGE_SUBJECT = eventSubjectOfType(TEST_CHANGE_TYPE);
export const ALL_TEST_EVENTS = `${EVENT_SUBJECT_ROOT}.test.>`;

export const silentLogger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

export interface Harness {
  schema: string;
  database: TestDatabase;
  dataSource: DataSource;
  nc: NatsConnection;
  close(): Promise<void>;
}

/** A migrated schema with the core tables on a fresh database, and this worker's broker with fresh streams. */
export async function openHarness(schema: string, entities: Array<new () => object> = []): Promise<Harness> {
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
    type: TEST_CHANGE_TYPE,
    subject: record,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: randomUUID(),
    data: { version },
    ...overrides,
  };
}

/**
 * Starts consumer `name` of every test event ({@link ALL_TEST_EVENTS}, from the first) on this harness, with `handler`
 * for every type (or the handlers of a map, by type), one transaction at a time, retried after 50 ms up to
 * `maxDeliver` deliveries.
 */
export async function startTestConsumer(h: Harness, name: string, handler: EventHandlerFn | Map<string, EventHandlerFn>, maxDeliver: number): Promise<EventConsumer> {
  const handlers = handler instanceof Map ? { handlers: handler } : { handlers: new Map<string, EventHandlerFn>(), fallback: handler };
  const consumer = new EventConsumer(
    { name, filter: ALL_TEST_EVENTS, ...handlers, deliver: 'all' },
    { maxDeliver, backoffMs: [50], ackWaitMs: 30_000, concurrency: 1 },
    h.dataSource,
    h.nc.jetstream(),
    await h.nc.jetstreamManager(),
    silentLogger,
  );
  await consumer.start();
  return consumer;
}

/** The broker's count of a consumer's messages not delivered yet (`pending`) and delivered but not acknowledged. */
export async function consumerState(h: Harness, name: string): Promise<{ pending: number; ackPending: number }> {
  const info = await (await h.nc.jetstreamManager()).consumers.info('ITSM_EVENTS', name);
  return { pending: info.num_pending, ackPending: info.num_ack_pending };
}

/** Waits until the broker has delivered `messages` of the consumer's messages and holds them unacknowledged. */
export async function allHeld(h: Harness, name: string, messages: number): Promise<void> {
  await waitFor(async () => (await consumerState(h, name)).ackPending === messages, { what: `all ${messages} messages delivered` });
}

/** Waits until every message of the consumer is acknowledged. */
export async function allAcknowledged(h: Harness, name: string): Promise<void> {
  await waitFor(async () => {
    const state = await consumerState(h, name);
    return state.pending === 0 && state.ackPending === 0;
  }, { what: 'every message acknowledged' });
}
