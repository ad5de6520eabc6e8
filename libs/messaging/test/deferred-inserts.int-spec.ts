import { randomUUID } from 'node:crypto';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { type CloudEvent, deadLetterSubject, DLQ_STREAM } from '@itsm/contracts';
import { type DeadLetter, type EventConsumer, type EventHandlerFn, insertAtCommit } from '@itsm/messaging';
import { readStream, waitFor } from '@itsm/testing';
import { allAcknowledged, allHeld, openHarness, startTestConsumer, TEST_CHANGE_SUBJECT, testChange, type Harness } from './harness';

const CONSUMER = 'defertest-log';
const SUBJECT = TEST_CHANGE_SUBJECT;

@Entity({ schema: 'defertest', name: 'logged' })
class Logged {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'int' })
  version!: number;
}

type Change = CloudEvent<{ version: number }>;

describe('rows a handler inserts at commit', () => {
  let h: Harness;
  let consumer: EventConsumer | undefined;
  let openGate: () => void;
  let gate: Promise<void>;
  /** Per handler call: whether its own row was already in the table when it ran. */
  let seenOwnRow: boolean[];

  beforeEach(async () => {
    h = await openHarness('defertest', [Logged]);
    // `version` unique: two events of one version make the second row fail, at commit.
    await h.dataSource.query(`CREATE TABLE defertest.logged (event_id uuid PRIMARY KEY, version int NOT NULL UNIQUE)`);
    // Counts INSERT statements into the table (not rows): what the batching saves.
    await h.dataSource.query(`CREATE TABLE defertest.statements (n int NOT NULL)`);
    await h.dataSource.query(`INSERT INTO defertest.statements VALUES (0)`);
    await h.dataSource.query(
      `CREATE FUNCTION defertest.count_statement() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE defertest.statements SET n = n + 1; RETURN NULL; END $$`,
    );
    await h.dataSource.query(`CREATE TRIGGER count_statement AFTER INSERT ON defertest.logged FOR EACH STATEMENT EXECUTE FUNCTION defertest.count_statement()`);
    gate = new Promise((resolve) => (openGate = resolve));
    seenOwnRow = [];
  });

  afterEach(async () => {
    openGate();
    await consumer?.stop();
    consumer = undefined;
    await h.close();
  });

  async function start(): Promise<void> {
    let gated = false;
    const handler = async (event: Change, manager: EntityManager): Promise<void> => {
      if (!gated) {
        gated = true;
        await gate;
      }
      await insertAtCommit(manager, Logged, { eventId: event.id, version: event.data.version });
      const [row] = await manager.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM defertest.logged WHERE event_id = $1`, [event.id]);
      seenOwnRow.push((row?.n ?? 0) > 0);
    };
    consumer = await startTestConsumer(h, CONSUMER, handler as EventHandlerFn, 3);
  }

  async function publish(...events: Change[]): Promise<void> {
    for (const event of events) await h.nc.jetstream().publish(SUBJECT, JSON.stringify(event));
  }

  /** Lets the first event go once every message is held, so the rest gather into one batch; then waits for all. */
  async function settle(messages: number): Promise<void> {
    await allHeld(h, CONSUMER, messages);
    openGate();
    await allAcknowledged(h, CONSUMER);
  }

  const rows = () => h.database.query<{ event_id: string }>(`SELECT event_id FROM defertest.logged ORDER BY version`);
  const statements = async () => (await h.database.query<{ n: number }>(`SELECT n FROM defertest.statements`))[0]?.n;

  it('writes the rows of a batch with one statement when it commits, not while its handlers run', async () => {
    await start();
    const events = [1, 2, 3, 4, 5, 6].map((version) => testChange(randomUUID(), version));
    await publish(...events);
    await settle(events.length);
    await expect(rows()).resolves.toEqual(events.map((event) => ({ event_id: event.id })));
    // The first event alone (its handler held the gate), then the other five together.
    await expect(statements()).resolves.toBe(2);
    expect(seenOwnRow).toEqual(events.map(() => false));
  });

  it('applies the events of a batch one at a time when its rows fail at commit, so only the failing event is dead-lettered', async () => {
    await start();
    const [first, good, clash, last] = [1, 2, 2, 3].map((version) => testChange(randomUUID(), version)) as [Change, Change, Change, Change];
    await publish(first, good, clash, last);
    await settle(4);
    await expect(rows()).resolves.toEqual([first, good, last].map((event) => ({ event_id: event.id })));
    const letters = await waitFor(async () => {
      const found = await readStream<DeadLetter>(h.nc, DLQ_STREAM, deadLetterSubject(CONSUMER));
      return found.length > 0 ? found : undefined;
    }, { what: 'the dead letter' });
    expect(letters).toHaveLength(1);
    expect((letters[0]?.body.event as Change | undefined)?.id).toBe(clash.id);
  });

  it('inserts at once outside a transaction that writes deferred rows', async () => {
    const event = testChange(randomUUID(), 7);
    await h.dataSource.transaction((manager) => insertAtCommit(manager, Logged, { eventId: event.id, version: 7 }).then(async () => {
      const [row] = await manager.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM defertest.logged`);
      expect(row?.n).toBe(1);
    }));
    await expect(statements()).resolves.toBe(1);
  });
});
