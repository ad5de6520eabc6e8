import { randomUUID } from 'node:crypto';
import { Housekeeping } from '@itsm/messaging';
import { openHarness, silentLogger, type Harness } from './harness';

describe('housekeeping of the outbox and the inbox', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await openHarness('housetest');
  });

  afterEach(async () => {
    await h.close();
  });

  async function outboxRow(sentHoursAgo: number | null): Promise<string> {
    const id = randomUUID();
    await h.database.query(
      `INSERT INTO housetest.outbox (event_id, subject, envelope, sent_at) VALUES ($1, 'itsm.events.test.x.v1', '{}', CASE WHEN $2::int IS NULL THEN NULL ELSE now() - make_interval(hours => $2::int) END)`,
      [id, sentHoursAgo],
    );
    return id;
  }

  async function inboxRow(daysAgo: number): Promise<string> {
    const id = randomUUID();
    await h.database.query(`INSERT INTO housetest.inbox (consumer, event_id, subject, processed_at) VALUES ('c', $1, 's', now() - make_interval(days => $2::int))`, [id, daysAgo]);
    return id;
  }

  it('deletes sent outbox rows and inbox rows past their retention, and nothing else', async () => {
    const oldSent = await outboxRow(48);
    const recentSent = await outboxRow(1);
    const unsentOld = await outboxRow(null);
    await h.database.query(`UPDATE housetest.outbox SET created_at = now() - interval '30 days' WHERE event_id = $1`, [unsentOld]);
    const oldInbox = await inboxRow(40);
    const recentInbox = await inboxRow(2);

    const housekeeping = new Housekeeping(h.dataSource, { schema: h.schema, outboxRetentionHours: 24, inboxRetentionDays: 30, intervalMs: 60_000 }, silentLogger);
    await expect(housekeeping.run()).resolves.toEqual({ outbox: 1, inbox: 1, idempotencyKeys: 0 });

    const outbox = (await h.database.query<{ event_id: string }>(`SELECT event_id FROM housetest.outbox`)).map((row) => row.event_id);
    expect(outbox.sort()).toEqual([recentSent, unsentOld].sort());
    expect(outbox).not.toContain(oldSent);
    await expect(h.database.query(`SELECT event_id FROM housetest.inbox`)).resolves.toEqual([{ event_id: recentInbox }]);
    expect(oldInbox).not.toBe(recentInbox);
  });

  it('lets only one replica clean at a time', async () => {
    await outboxRow(48);
    const runner = h.dataSource.createQueryRunner();
    await runner.connect();
    await runner.query(`SELECT pg_advisory_lock(hashtext('itsm:housekeeping:housetest'))`);
    const housekeeping = new Housekeeping(h.dataSource, { schema: h.schema, outboxRetentionHours: 24, inboxRetentionDays: 30, intervalMs: 60_000 }, silentLogger);
    await expect(housekeeping.run()).resolves.toEqual({ outbox: 0, inbox: 0, idempotencyKeys: 0 });
    await runner.query(`SELECT pg_advisory_unlock(hashtext('itsm:housekeeping:housetest'))`);
    await runner.release();
    await expect(housekeeping.run()).resolves.toEqual({ outbox: 1, inbox: 0, idempotencyKeys: 0 });
  });
});
