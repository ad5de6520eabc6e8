import { randomUUID } from 'node:crypto';
import { IncidentEvents, type IncidentView } from '@itsm/contracts';
import { OutboxRelay, OutboxWriter } from '@itsm/messaging';
import { buildIncidentView, readEvents } from '@itsm/testing';
import { openHarness, silentLogger, type Harness } from './harness';

describe('outbox relay order per record', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await openHarness('relayorder');
  });

  afterEach(async () => {
    await h.close();
  });

  it('sends nothing of a record past an event that failed to publish, and goes on with the other records', async () => {
    const writer = new OutboxWriter('relayorder');
    const record = randomUUID();
    const other = randomUUID();
    const view = (id: string, title: string): IncidentView => buildIncidentView({ id, number: 'INC0001001', title, callerName: null });
    await h.dataSource.transaction(async (manager) => {
      await writer.publish(manager, IncidentEvents.created, view(record, 'first'), { subject: record });
      await writer.publish(manager, IncidentEvents.created, view(record, 'second'), { subject: record });
      await writer.publish(manager, IncidentEvents.created, view(other, 'other'), { subject: other });
    });
    // The record's first event cannot be published: no stream takes its subject, so the broker refuses it.
    await h.database.query(`UPDATE relayorder.outbox SET subject = 'itsm.nowhere.v1' WHERE id = (SELECT min(id) FROM relayorder.outbox)`);
    const relay = new OutboxRelay(h.dataSource, h.nc.jetstream(), { service: 'relayorder', schema: h.schema, databaseUrl: h.database.url, batchSize: 50, pollIntervalMs: 600_000 }, silentLogger);

    await expect(relay.drain()).rejects.toThrow();
    const titles = async () => (await readEvents(h.nc, IncidentEvents.created.subject)).map((m) => (m.body.data as IncidentView).title);
    await expect(titles()).resolves.toEqual(['other']);
    await expect(h.database.query(`SELECT (envelope->'data'->>'title') AS title FROM relayorder.outbox WHERE sent_at IS NULL ORDER BY id`)).resolves.toEqual([{ title: 'first' }, { title: 'second' }]);

    await h.database.query(`UPDATE relayorder.outbox SET subject = $1 WHERE subject = 'itsm.nowhere.v1'`, [IncidentEvents.created.subject]);
    await relay.drain();
    await expect(titles()).resolves.toEqual(['other', 'first', 'second']);
  });
});
