import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import type { EntityManager } from 'typeorm';
import type { CloudEvent } from '@itsm/contracts';
import { EventConsumer, type EventHandlerFn } from '@itsm/messaging';
import { waitFor, connectTestNats } from '@itsm/testing';
import { openHarness, silentLogger, testChange, type Harness } from './harness';

const CONSUMER = 'ordertest-apply';
const SUBJECT = 'itsm.events.test.changed.v1';

const change = testChange;

interface Applied {
  record: string;
  version: number;
  by: string;
}

describe('a consumer applies each record’s events in order', () => {
  let h: Harness;
  const started: EventConsumer[] = [];
  const connections: NatsConnection[] = [];

  beforeEach(async () => {
    h = await openHarness('ordertest');
    await h.dataSource.query(`CREATE TABLE ordertest.applied (n bigserial PRIMARY KEY, record uuid NOT NULL, version int NOT NULL, applied_by text NOT NULL)`);
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((consumer) => consumer.stop()));
    await Promise.all(connections.splice(0).map((nc) => (nc.isClosed() ? undefined : nc.close())));
    await h.close();
  });

  async function publish(...events: CloudEvent[]): Promise<void> {
    for (const event of events) await h.nc.jetstream().publish(SUBJECT, JSON.stringify(event), { msgID: event.id });
  }

  /** A replica: its own NATS connection and its own lease connection, as a separate process has. */
  async function replica(by: string, handler: (event: CloudEvent<{ version: number }>, manager: EntityManager) => Promise<void>, settings: { ackWaitMs?: number; concurrency?: number; leaseRetryMs?: number } = {}): Promise<{ consumer: EventConsumer; nc: NatsConnection }> {
    const nc = await connectTestNats(`order-${by}`);
    connections.push(nc);
    const consumer = new EventConsumer(
      { name: CONSUMER, filter: 'itsm.events.test.>', handlers: new Map(), fallback: handler as EventHandlerFn, deliver: 'all' },
      { maxDeliver: 5, backoffMs: [300], ackWaitMs: settings.ackWaitMs ?? 60_000, concurrency: settings.concurrency ?? 4, leaseRetryMs: settings.leaseRetryMs ?? 100 },
      h.dataSource,
      nc.jetstream(),
      await nc.jetstreamManager(),
      silentLogger.child({ replica: by }),
    );
    await consumer.start();
    started.push(consumer);
    return { consumer, nc };
  }

  const recordAs = (by: string) => async (event: CloudEvent<{ version: number }>, manager: EntityManager) => {
    await manager.query(`INSERT INTO ordertest.applied (record, version, applied_by) VALUES ($1, $2, $3)`, [event.subject, event.data.version, by]);
  };

  async function applied(): Promise<Applied[]> {
    return h.database.query<Applied>(`SELECT record, version, applied_by AS by FROM ordertest.applied ORDER BY n`);
  }

  async function ackPending(): Promise<number> {
    return (await (await h.nc.jetstreamManager()).consumers.info('ITSM_EVENTS', CONSUMER)).num_ack_pending;
  }

  it('holds a record’s later events while an earlier one is retried, and lets other records pass', async () => {
    const record = randomUUID();
    const other = randomUUID();
    let failures = 0;
    const write = recordAs('a');
    await replica('a', async (event, manager) => {
      if (event.subject === record && event.data.version === 1 && failures === 0) {
        failures += 1;
        throw new Error('the first attempt fails');
      }
      await write(event, manager);
    });
    await publish(change(record, 1), change(record, 2), change(other, 1), change(record, 3));
    await waitFor(async () => (await applied()).length === 4, { what: 'all four events applied' });
    const rows = await applied();
    expect(rows.filter((row) => row.record === record).map((row) => row.version)).toEqual([1, 2, 3]);
    // The other record did not wait for the retry.
    expect(rows[0]).toMatchObject({ record: other, version: 1 });
    expect(failures).toBe(1);
    await waitFor(async () => (await ackPending()) === 0, { what: 'every event acknowledged' });
  });

  it('lets one replica consume at a time, and a standby take over when it stops', async () => {
    const record = randomUUID();
    await replica('a', recordAs('a'));
    await replica('b', recordAs('b'));
    expect(started.map((consumer) => consumer.consuming)).toEqual([true, false]);
    await publish(change(record, 1), change(record, 2));
    await waitFor(async () => (await applied()).length === 2, { what: 'the first two events' });
    await started[0]?.stop();
    await waitFor(() => started[1]?.consuming, { what: 'the standby to take over' });
    await publish(change(record, 3));
    await waitFor(async () => (await applied()).length === 3, { what: 'the third event' });
    expect((await applied()).map((row) => `${row.version}:${row.by}`)).toEqual(['1:a', '2:a', '3:b']);
  });

  it('after a replica dies holding a pulled, unacknowledged batch, its successor applies the batch first and in order, without waiting for the ack wait', async () => {
    const record = randomUUID();
    const other = randomUUID();
    let release!: (error: Error) => void;
    const stuck = new Promise<never>((_, reject) => (release = reject));
    let entered = false;
    const dying = await replica('a', async (event) => {
      entered = true;
      // The process dies here: its transaction (with the inbox row) never commits.
      await stuck;
      throw new Error(`unreachable for ${event.id}`);
      // A dead process does not ask for its lease again.
    }, { leaseRetryMs: 600_000 });
    await publish(change(record, 1), change(record, 2), change(other, 1), change(record, 3));
    await waitFor(() => entered, { what: 'the first event taken' });
    await waitFor(async () => (await ackPending()) === 4, { what: 'the whole batch pulled and unacknowledged' });

    // The crash: the broker connection and the lease connection go; the open transaction is rolled back.
    await dying.nc.close();
    await h.database.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`${CONSUMER}-lease`]);
    release(new Error('killed'));
    await waitFor(() => !dying.consumer.consuming, { what: 'the dead replica to lose its lease' });

    const survivor = await replica('b', recordAs('b'));
    await waitFor(() => survivor.consumer.consuming, { what: 'the successor to take the lease' });
    await publish(change(record, 4));
    // Well inside the 60 s acknowledgement wait: the successor read the batch back instead of waiting for it.
    await waitFor(async () => (await applied()).length === 5, { timeoutMs: 20_000, what: 'the batch and the new event applied' });
    const rows = await applied();
    expect(rows.filter((row) => row.record === record).map((row) => row.version)).toEqual([1, 2, 3, 4]);
    expect(rows.filter((row) => row.record === other).map((row) => row.version)).toEqual([1]);
    expect(new Set(rows.map((row) => row.by))).toEqual(new Set(['b']));
  });
});
