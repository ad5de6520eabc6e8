import { randomUUID } from 'node:crypto';
import { type CloudEvent, IncidentEvents, type IncidentView } from '@itsm/contracts';
import { eventOf, factEventId, OutboxRelay, OutboxWriter } from '@itsm/messaging';
import { buildIncidentView, killBroker, readEvents, restartBroker, waitFor } from '@itsm/testing';
import { openHarness, silentLogger, type Harness } from './harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function incident(id: string, title = 'Mail delivery delayed'): IncidentView {
  return buildIncidentView({ id, number: 'INC0001001', title, callerName: null });
}

describe('transactional outbox', () => {
  let h: Harness;
  let writer: OutboxWriter;
  const relays: OutboxRelay[] = [];

  function relay(pollIntervalMs = 10_000): OutboxRelay {
    const created = new OutboxRelay(
      h.dataSource,
      h.nc.jetstream(),
      { service: 'outboxtest', schema: h.schema, databaseUrl: h.database.url, batchSize: 50, pollIntervalMs },
      silentLogger,
    );
    relays.push(created);
    return created;
  }

  beforeEach(async () => {
    h = await openHarness('outboxtest');
    writer = new OutboxWriter('outboxtest');
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await h.close();
  });

  it('publishes nothing for a transaction that rolled back, and the committed event once', async () => {
    const running = relay(100);
    await running.start();
    const rolledBack = randomUUID();
    await expect(
      h.dataSource.transaction(async (manager) => {
        await writer.publish(manager, IncidentEvents.created, incident(rolledBack), { subject: rolledBack });
        throw new Error('business rule failed after the event was written');
      }),
    ).rejects.toThrow('business rule failed');
    const committed = randomUUID();
    await h.dataSource.transaction((manager) => writer.publish(manager, IncidentEvents.created, incident(committed), { subject: committed }));

    const events = await waitFor(async () => {
      const found = await readEvents(h.nc, IncidentEvents.created.subject);
      return found.length > 0 ? found : undefined;
    });
    await running.drain();
    const all = await readEvents(h.nc, IncidentEvents.created.subject);
    expect(all.map((m) => m.body.subject)).toEqual([committed]);
    expect(events[0]?.headers['Nats-Msg-Id']).toBe(events[0]?.body.id);
    await expect(h.database.query(`SELECT count(*)::int AS n FROM outboxtest.outbox WHERE sent_at IS NULL`)).resolves.toEqual([{ n: 0 }]);
  });

  it('wraps the payload in a CloudEvents 1.0 envelope with the declared type and source', async () => {
    const id = randomUUID();
    await h.dataSource.transaction((manager) => writer.publish(manager, IncidentEvents.created, incident(id), { subject: id }));
    await relay().drain();
    const [message] = await readEvents(h.nc, IncidentEvents.created.subject);
    const event = message?.body as CloudEvent<IncidentView>;
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'itsm.incident.created.v1',
      source: 'itsm/outboxtest',
      subject: id,
      datacontenttype: 'application/json',
      data: { id, title: 'Mail delivery delayed' },
    });
    expect(event.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(typeof event.correlationid).toBe('string');
  });

  it('writes the audit row of the change with its event, and neither when the change rolls back', async () => {
    const kept = randomUUID();
    const dropped = randomUUID();
    const audit = (id: string) => ({ entityType: 'incident', entityId: id, action: 'created', actorId: 'alice', before: null, after: { title: 'x' } });
    const event = await h.dataSource.transaction((manager) => writer.publish(manager, IncidentEvents.created, incident(kept), { subject: kept, audit: audit(kept) }));
    await expect(
      h.dataSource.transaction(async (manager) => {
        await writer.publish(manager, IncidentEvents.created, incident(dropped), { subject: dropped, audit: audit(dropped) });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await expect(h.database.query(`SELECT entity_id, action, actor_id, before, after, correlation_id FROM outboxtest.audit_log`)).resolves.toEqual([
      { entity_id: kept, action: 'created', actor_id: 'alice', before: null, after: { title: 'x' }, correlation_id: event.correlationid },
    ]);
    await expect(h.database.query(`SELECT event_id FROM outboxtest.outbox`)).resolves.toEqual([{ event_id: event.id }]);
  });

  it('publishes an event under the id it is given, once however often that id is written, with each audit row kept', async () => {
    const id = randomUUID();
    const fact = factEventId('itsm/outboxtest', id, 'created');
    const audit = (title: string) => ({ entityType: 'incident', entityId: id, action: 'created', actorId: 'alice', before: null, after: { title } });
    const first = await h.dataSource.transaction((manager) => writer.publish(manager, IncidentEvents.created, incident(id, 'first'), { subject: id, id: fact, audit: audit('first') }));
    await h.dataSource.transaction(async (manager) => {
      await writer.publish(manager, IncidentEvents.created, incident(id, 'second'), { subject: id, id: fact, audit: audit('second') });
      await writer.publish(manager, IncidentEvents.created, incident(id, 'third'), { subject: id, id: fact });
    });
    await relay().drain();

    const events = await readEvents(h.nc, IncidentEvents.created.subject);
    expect(events.map((m) => ({ id: m.body.id, msgId: m.headers['Nats-Msg-Id'], title: (m.body.data as IncidentView).title }))).toEqual([{ id: fact, msgId: fact, title: 'first' }]);
    expect(first.id).toBe(fact);
    await expect(h.database.query(`SELECT after->>'title' AS title FROM outboxtest.audit_log ORDER BY id`)).resolves.toEqual([{ title: 'first' }, { title: 'second' }]);
  });

  it('refuses to publish outside a transaction', async () => {
    const id = randomUUID();
    await expect(writer.publish(h.dataSource.manager, IncidentEvents.created, incident(id), { subject: id })).rejects.toThrow(/outside a transaction/);
  });

  it('rejects a payload that breaks its contract and rolls the change back', async () => {
    const id = randomUUID();
    const broken = { ...incident(id), priority: 9 } as unknown as IncidentView;
    await expect(h.dataSource.transaction((manager) => writer.publish(manager, IncidentEvents.created, broken, { subject: id }))).rejects.toThrow(/contract/);
    await expect(h.database.query(`SELECT count(*)::int AS n FROM outboxtest.outbox`)).resolves.toEqual([{ n: 0 }]);
  });

  it("writes a change's record, audit row and events by one statement, the events in the order given", async () => {
    const id = randomUUID();
    const statements: string[] = [];
    await h.dataSource.transaction(async (manager) => {
      const query = manager.query.bind(manager);
      manager.query = ((sql: string, parameters?: unknown[]) => {
        statements.push(sql);
        return query(sql, parameters);
      }) as typeof manager.query;
      await writer.record(manager, {
        subject: id,
        audit: { entityType: 'incident', entityId: id, action: 'created', actorId: 'alice', before: null, after: { title: 'x' } },
        events: [eventOf(IncidentEvents.created, incident(id, 'first')), eventOf(IncidentEvents.created, incident(id, 'second'))],
        // The record's own write: any statement with its own $1…$n, here a row of the audit table.
        write: { sql: `INSERT INTO outboxtest.audit_log (entity_type, entity_id, action) VALUES ($1, $2, $3)`, parameters: ['incident', id, 'record'] },
      });
    });
    expect(statements).toHaveLength(1);
    const rows = await h.database.query<{ title: string; correlationid: string }>(
      `SELECT envelope->'data'->>'title' AS title, envelope->>'correlationid' AS correlationid FROM outboxtest.outbox ORDER BY id`,
    );
    expect(rows.map((row) => row.title)).toEqual(['first', 'second']);
    await expect(h.database.query(`SELECT action, actor_id, correlation_id FROM outboxtest.audit_log ORDER BY action`)).resolves.toEqual([
      { action: 'created', actor_id: 'alice', correlation_id: rows[0]?.correlationid },
      { action: 'record', actor_id: null, correlation_id: null },
    ]);
  });

  it('writes the audit row of a change that announces nothing, with its record, by one statement', async () => {
    const id = randomUUID();
    await h.dataSource.transaction((manager) =>
      writer.record(manager, {
        subject: id,
        audit: { entityType: 'incident', entityId: id, action: 'commented', actorId: 'bob', before: null, after: { text: 'hi' } },
        events: [],
        write: { sql: `INSERT INTO outboxtest.audit_log (entity_type, entity_id, action) VALUES ($1, $2, $3)`, parameters: ['incident', id, 'record'] },
      }),
    );
    await expect(h.database.query(`SELECT action, after FROM outboxtest.audit_log ORDER BY action`)).resolves.toEqual([
      { action: 'commented', after: { text: 'hi' } },
      { action: 'record', after: null },
    ]);
    await expect(h.database.query(`SELECT count(*)::int AS n FROM outboxtest.outbox`)).resolves.toEqual([{ n: 0 }]);
  });

  it('loses no event when writers commit out of insert order, with two relays running', async () => {
    await relay(50).start();
    await relay(50).start();
    const writers = 60;
    const ids = Array.from({ length: writers }, () => randomUUID());
    // Each writer takes its outbox id early and commits after a random pause: commit order != id order.
    await Promise.all(
      ids.map((id) =>
        h.dataSource.transaction(async (manager) => {
          await writer.publish(manager, IncidentEvents.created, incident(id), { subject: id });
          await sleep(Math.floor(Math.random() * 300));
        }),
      ),
    );
    const events = await waitFor(async () => {
      const found = await readEvents(h.nc, IncidentEvents.created.subject);
      return found.length >= writers ? found : undefined;
    }, { what: `${writers} events on the stream` });
    await sleep(300);
    const final = await readEvents(h.nc, IncidentEvents.created.subject);
    expect(final).toHaveLength(writers);
    expect(new Set(events.map((m) => m.body.subject))).toEqual(new Set(ids));
    await expect(h.database.query(`SELECT count(*)::int AS n FROM outboxtest.outbox WHERE sent_at IS NULL`)).resolves.toEqual([{ n: 0 }]);
  });

  it('keeps the write order of one record on the stream', async () => {
    const id = randomUUID();
    await h.dataSource.transaction(async (manager) => {
      for (const title of ['first', 'second', 'third']) {
        await writer.publish(manager, IncidentEvents.created, incident(id, title), { subject: id });
      }
    });
    await relay().drain();
    const events = await readEvents(h.nc, IncidentEvents.created.subject);
    expect(events.map((m) => (m.body.data as IncidentView).title)).toEqual(['first', 'second', 'third']);
  });

  it('is woken by the commit itself rather than by its poll', async () => {
    // A poll interval far longer than the test: only LISTEN/NOTIFY can deliver the event in time.
    await relay(600_000).start();
    await sleep(200);
    const id = randomUUID();
    await h.dataSource.transaction((manager) => writer.publish(manager, IncidentEvents.created, incident(id), { subject: id }));
    const events = await waitFor(async () => {
      const found = await readEvents(h.nc, IncidentEvents.created.subject);
      return found.length > 0 ? found : undefined;
    }, { timeoutMs: 5_000, what: 'the event after NOTIFY' });
    expect(events[0]?.body.subject).toBe(id);
  });
});

describe('outbox relay across a broker outage', () => {
  let h: Harness;
  let relay: OutboxRelay;

  beforeEach(async () => {
    h = await openHarness('outagetest');
    relay = new OutboxRelay(
      h.dataSource,
      h.nc.jetstream(),
      { service: 'outagetest', schema: h.schema, databaseUrl: h.database.url, batchSize: 50, pollIntervalMs: 200 },
      silentLogger,
    );
    await relay.start();
  });

  afterEach(async () => {
    await restartBroker().catch(() => undefined);
    await relay.stop();
    await h.close();
  });

  it('keeps committed events while NATS is down and publishes each once when it is back', async () => {
    const writer = new OutboxWriter('outagetest');
    await killBroker();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) {
      await h.dataSource.transaction((manager) => writer.publish(manager, IncidentEvents.created, incident(id), { subject: id }));
    }
    await sleep(1_000);
    await expect(h.database.query(`SELECT count(*)::int AS n FROM outagetest.outbox WHERE sent_at IS NULL`)).resolves.toEqual([{ n: 5 }]);

    await restartBroker();
    const events = await waitFor(async () => {
      const found = await readEvents(h.nc, IncidentEvents.created.subject).catch(() => []);
      return found.length >= 5 ? found : undefined;
    }, { timeoutMs: 30_000, what: 'the backlog published after the outage' });
    expect(events.map((m) => m.body.subject).sort()).toEqual([...ids].sort());
    await waitFor(async () => {
      const [row] = await h.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM outagetest.outbox WHERE sent_at IS NULL`);
      return row?.n === 0;
    }, { what: 'the outbox drained' });
  });
});
