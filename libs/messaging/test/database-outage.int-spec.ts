import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { type CloudEvent, DLQ_STREAM, deadLetterSubject, IncidentEvents } from '@itsm/contracts';
import { coreTablesMigration, createDataSource, runMigrations } from '@itsm/persistence';
import { buildIncidentView, readEvents, readStream, resetStreams, startPrivatePostgres, type PrivatePostgres, waitFor, connectTestNats } from '@itsm/testing';
import { ensureStreams, EventConsumer, OutboxRelay, OutboxWriter } from '@itsm/messaging';
import { silentLogger } from './harness';

const SCHEMA = 'outagedb';
const CONSUMER = 'outagedb-apply';

describe('a database restart under a running relay and consumer', () => {
  let postgres: PrivatePostgres;
  let dataSource: DataSource;
  let nc: NatsConnection;
  let relay: OutboxRelay;
  let consumer: EventConsumer;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    dataSource = createDataSource({ url: postgres.url, schema: SCHEMA, applicationName: 'outage-test', entities: [], migrations: [coreTablesMigration(SCHEMA)] });
    await dataSource.initialize();
    await runMigrations(dataSource, SCHEMA);
    await dataSource.query(`CREATE TABLE ${SCHEMA}.applied (event_id uuid NOT NULL)`);
    nc = await connectTestNats('outage-test');
    await resetStreams(nc);
    await ensureStreams(await nc.jetstreamManager(), { replicas: 1, maxAgeDays: 1, duplicateWindowSeconds: 120, maxBytes: -1 });
    relay = new OutboxRelay(dataSource, nc.jetstream(), { service: SCHEMA, schema: SCHEMA, databaseUrl: postgres.url, batchSize: 50, pollIntervalMs: 60_000 }, silentLogger);
    await relay.start();
    consumer = new EventConsumer(
      {
        name: CONSUMER,
        filter: 'itsm.events.test.>',
        handlers: new Map(),
        fallback: async (event, manager) => void (await manager.query(`INSERT INTO ${SCHEMA}.applied (event_id) VALUES ($1)`, [event.id])),
        deliver: 'all',
      },
      { maxDeliver: 2, backoffMs: [100, 200], ackWaitMs: 5_000, concurrency: 1 },
      dataSource,
      nc.jetstream(),
      await nc.jetstreamManager(),
      silentLogger,
    );
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await relay.stop();
    await nc.drain();
    await dataSource.destroy();
    await postgres.destroy();
  });

  it('neither loses nor dead-letters an event, and the relay hears commits again after the restart', async () => {
    await postgres.stop();
    // An event arrives while the database is down: more failed deliveries than the dead-letter limit.
    const event: CloudEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'itsm/test',
      type: 'itsm.test.happened.v1',
      subject: randomUUID(),
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      correlationid: randomUUID(),
      data: {},
    };
    await nc.jetstream().publish('itsm.events.test.happened.v1', JSON.stringify(event), { headers: natsHeaders() });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await postgres.start();

    await waitFor(async () => {
      const rows = await dataSource.query(`SELECT event_id FROM ${SCHEMA}.applied`).catch(() => []);
      return (rows as unknown[]).length === 1;
    }, { timeoutMs: 30_000, what: 'the event applied after the restart' });
    await expect(readStream(nc, DLQ_STREAM, deadLetterSubject(CONSUMER))).resolves.toEqual([]);

    // The relay polls only once a minute here: only a re-established LISTEN delivers this within the wait.
    const id = randomUUID();
    const now = new Date().toISOString();
    await waitFor(
      () =>
        dataSource
          .transaction((manager) =>
            new OutboxWriter(SCHEMA).publish(
              manager,
              IncidentEvents.created,
              buildIncidentView({ id, number: 'INC0001001', title: 'After the restart', createdAt: now, updatedAt: now }),
              { subject: id },
            ),
          )
          .then(() => true),
      { timeoutMs: 20_000, what: 'a commit after the restart' },
    );
    const published = await waitFor(async () => {
      const found = (await readEvents(nc, IncidentEvents.created.subject)).filter((m) => m.body.subject === id);
      return found.length > 0 ? found : undefined;
    }, { timeoutMs: 15_000, what: 'the relay woken by the commit after the restart' });
    expect(published).toHaveLength(1);
  });
});
