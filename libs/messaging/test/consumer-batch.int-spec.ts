import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { CloudEvent } from '@itsm/contracts';
import type { EventConsumer, EventHandlerFn } from '@itsm/messaging';
import { allAcknowledged, allHeld, openHarness, startTestConsumer, TEST_CHANGE_SUBJECT, testChange, type Harness } from './harness';

const CONSUMER = 'batchtest-apply';
const SUBJECT = TEST_CHANGE_SUBJECT;

type Change = CloudEvent<{ version: number }>;

const change = testChange;

/** What a handler saw when it was called: its transaction, and how many events were applied before it there. */
interface Call {
  id: string;
  record: string;
  version: number;
  txid: string;
  seenBefore: number;
  failed: boolean;
}

describe('a consumer applies a pulled batch of events in one transaction', () => {
  let h: Harness;
  let consumer: EventConsumer | undefined;
  let calls: Call[];
  /** Holds the first event's handler until the test lets it go, so that everything after it gathers into one batch. */
  let openGate: () => void;
  let gate: Promise<void>;

  beforeEach(async () => {
    h = await openHarness('batchtest');
    await h.dataSource.query(`CREATE TABLE batchtest.applied (n bigserial PRIMARY KEY, event_id uuid NOT NULL, record uuid NOT NULL, version int NOT NULL)`);
    calls = [];
    gate = new Promise((resolve) => (openGate = resolve));
  });

  afterEach(async () => {
    openGate();
    await consumer?.stop();
    consumer = undefined;
    await h.close();
  });

  /** Publishes without a message id: a second publication of an event is a second message on the stream (a redelivery). */
  async function publish(...events: Change[]): Promise<void> {
    for (const event of events) await h.nc.jetstream().publish(SUBJECT, JSON.stringify(event));
  }

  /** Starts the consumer; the first event's handler waits for the gate, `fail(event, call)` makes a handler throw. */
  async function start(fail: (event: Change, call: number) => boolean = () => false): Promise<void> {
    let gated = false;
    const attempts = new Map<string, number>();
    const handler = async (event: Change, manager: EntityManager): Promise<void> => {
      if (!gated) {
        gated = true;
        await gate;
      }
      const call = (attempts.get(event.id) ?? 0) + 1;
      attempts.set(event.id, call);
      const [row] = await manager.query<Array<{ txid: string; seen: number }>>(`SELECT txid_current()::text AS txid, (SELECT count(*)::int FROM batchtest.applied) AS seen`);
      const failed = fail(event, call);
      calls.push({ id: event.id, record: event.subject ?? '', version: event.data.version, txid: row?.txid ?? '', seenBefore: row?.seen ?? -1, failed });
      await manager.query(`INSERT INTO batchtest.applied (event_id, record, version) VALUES ($1, $2, $3)`, [event.id, event.subject, event.data.version]);
      if (failed) throw new Error(`version ${event.data.version} of ${event.subject} cannot be applied yet`);
    };
    consumer = await startTestConsumer(h, CONSUMER, handler as EventHandlerFn, 5);
  }

  /** Lets the first event go once every message is delivered and held, so the rest are ready together. */
  async function releaseWhenAllHeld(messages: number): Promise<void> {
    await allHeld(h, CONSUMER, messages);
    openGate();
  }

  const settled = () => allAcknowledged(h, CONSUMER);

  async function applied(): Promise<Array<{ event_id: string; record: string; version: number }>> {
    return h.database.query(`SELECT event_id, record, version FROM batchtest.applied ORDER BY n`);
  }

  async function inboxCount(): Promise<number> {
    const [row] = await h.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM batchtest.inbox WHERE consumer = $1`, [CONSUMER]);
    return row?.n ?? 0;
  }

  it('applies the events that are ready together in one transaction, in stream order, each seeing what the earlier ones wrote', async () => {
    await start();
    const first = change(randomUUID(), 1);
    const record = randomUUID();
    const others = [change(record, 1), change(randomUUID(), 1), change(record, 2), change(randomUUID(), 1), change(record, 3)];
    await publish(first, ...others);
    await releaseWhenAllHeld(6);
    await settled();

    const rows = await applied();
    expect(rows.map((row) => row.event_id)).toEqual([first, ...others].map((event) => event.id));
    const batch = calls.filter((call) => call.id !== first.id);
    // One transaction for the five events that were ready at once.
    expect(new Set(batch.map((call) => call.txid)).size).toBe(1);
    expect(batch[0]?.txid).not.toBe(calls[0]?.txid);
    // Each handler saw the rows the earlier handlers of the same transaction wrote.
    expect(batch.map((call) => call.seenBefore)).toEqual([1, 2, 3, 4, 5]);
    await expect(inboxCount()).resolves.toBe(6);
  });

  it('commits a batch once: fewer commits on the database than events', async () => {
    const commits = async (): Promise<number> => {
      const [row] = await h.database.query<{ n: string }>(`SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`);
      return Number(row?.n ?? 0);
    };
    await start();
    const events = Array.from({ length: 41 }, (_, at) => change(randomUUID(), at));
    await publish(...events);
    await allHeld(h, CONSUMER, events.length);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = await commits();
    openGate();
    await settled();
    // A backend reports its counts when idle, at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const committed = (await commits()) - before;
    // The gated event alone, then the 40 ready after it in two batches (32 at most in one).
    expect(new Set(calls.map((call) => call.txid)).size).toBe(3);
    // Those three transactions, plus what else commits meanwhile (these reads, the lease ping, the pool's
    // connections): one transaction per event would commit at least 41 times.
    expect(committed).toBeGreaterThanOrEqual(3);
    expect(committed).toBeLessThanOrEqual(events.length / 2);
    await expect(applied()).resolves.toHaveLength(41);
  });

  it('rolls back a batch whose handler fails in the middle, applies the others exactly once, and retries the failing event before its record’s later events', async () => {
    const record = randomUUID();
    const failing = change(record, 2);
    await start((event, call) => event.id === failing.id && call === 1);
    const first = change(randomUUID(), 1);
    const before = change(randomUUID(), 1);
    const after = change(randomUUID(), 1);
    const events = [first, change(record, 1), before, failing, after, change(record, 3), change(record, 4)];
    await publish(...events);
    await releaseWhenAllHeld(events.length);
    await settled();

    const rows = await applied();
    // Exactly once each: the rolled-back batch left nothing behind.
    expect(rows.map((row) => row.event_id).sort()).toEqual(events.map((event) => event.id).sort());
    expect(rows.filter((row) => row.record === record).map((row) => row.version)).toEqual([1, 2, 3, 4]);
    await expect(inboxCount()).resolves.toBe(events.length);
    // The failure happened inside a batch: its transaction also ran the handlers of the events before it.
    const failed = calls.find((call) => call.failed);
    expect(calls.filter((call) => call.txid === failed?.txid).map((call) => call.id)).toEqual([events[1]?.id, before.id, failing.id]);
    // It was tried once more (one failed attempt, as alone), the rest of its record only after it.
    expect(calls.filter((call) => call.id === failing.id).map((call) => call.failed)).toEqual([true, false]);
  });

  it('dead-letters an event that keeps failing in a batch after the attempt limit, and applies the rest of the batch', async () => {
    const poison = change(randomUUID(), 1);
    await start((event) => event.id === poison.id);
    const events = [change(randomUUID(), 1), change(randomUUID(), 1), poison, change(randomUUID(), 1)];
    await publish(...events);
    await releaseWhenAllHeld(events.length);
    await settled();
    const rows = await applied();
    expect(rows.map((row) => row.event_id).sort()).toEqual(events.filter((event) => event !== poison).map((event) => event.id).sort());
    // Five attempts (the limit), the first of them in the batch.
    expect(calls.filter((call) => call.id === poison.id)).toHaveLength(5);
  });

  it('skips a second copy of an event within a batch and one the inbox already holds, acknowledging all of them', async () => {
    await start();
    const first = change(randomUUID(), 1);
    const twice = change(randomUUID(), 1, { id: randomUUID().toUpperCase() });
    const done = change(randomUUID(), 1);
    await h.database.query(`INSERT INTO batchtest.inbox (consumer, event_id, subject) VALUES ($1, $2, $3)`, [CONSUMER, done.id, SUBJECT]);
    const fresh = change(randomUUID(), 1);
    await publish(first, twice, done, twice, fresh);
    await releaseWhenAllHeld(5);
    await settled();
    const rows = await applied();
    expect(rows.map((row) => row.event_id)).toEqual([first.id, twice.id.toLowerCase(), fresh.id]);
    expect(calls.map((call) => call.id)).toEqual([first.id, twice.id, fresh.id]);
    expect(new Set(calls.slice(1).map((call) => call.txid)).size).toBe(1);
    await expect(inboxCount()).resolves.toBe(4);
  });

  it('acknowledges a batch of events it has no handler for without a transaction or inbox rows', async () => {
    const handled: string[] = [];
    consumer = await startTestConsumer(h, CONSUMER, new Map<string, EventHandlerFn>([['itsm.test.other.v1', async (event) => void handled.push(event.id)]]), 5);
    await publish(...Array.from({ length: 10 }, (_, at) => change(randomUUID(), at)));
    await settled();
    expect(handled).toEqual([]);
    await expect(inboxCount()).resolves.toBe(0);
  });
});
