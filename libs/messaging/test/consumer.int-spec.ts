import { randomUUID } from 'node:crypto';
import { headers as natsHeaders } from 'nats';
import type { EntityManager } from 'typeorm';
import { type CloudEvent, deadLetterSubject, DLQ_STREAM, IncidentEvents } from '@itsm/contracts';
import { type ConsumerDefinition, type ConsumerSettings, type DeadLetter, EventConsumer, type EventHandlerFn } from '@itsm/messaging';
import { metricsRegistry } from '@itsm/observability';
import { killBroker, readEvents, readStream, restartBroker, waitFor } from '@itsm/testing';
import { openHarness, silentLogger, type Harness } from './harness';

const CONSUMER = 'consumertest-apply';

function envelope(overrides: Partial<CloudEvent> = {}): CloudEvent {
  const id = randomUUID();
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'itsm/test',
    type: 'itsm.test.happened.v1',
    subject: id,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: randomUUID(),
    data: { note: 'hello' },
    ...overrides,
  };
}

describe('durable event consumer', () => {
  let h: Harness;
  let consumer: EventConsumer | undefined;

  beforeEach(async () => {
    h = await openHarness('consumertest');
    await h.dataSource.query(`CREATE TABLE consumertest.applied (event_id uuid NOT NULL, note text)`);
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await h.close();
  });

  /** Publishes raw, like any producer; `msgId` asks JetStream to de-duplicate. */
  async function publish(event: CloudEvent, subject = 'itsm.events.test.happened.v1', msgId?: string): Promise<void> {
    const headers = natsHeaders();
    await h.nc.jetstream().publish(subject, JSON.stringify(event), { headers, ...(msgId ? { msgID: msgId } : {}) });
  }

  /** A started consumer of `definition`: one event at a time, quick retries, `settings` on top. */
  async function startConsumer(definition: ConsumerDefinition, settings: Partial<ConsumerSettings> = {}): Promise<EventConsumer> {
    const started = new EventConsumer(definition, { maxDeliver: 5, backoffMs: [50], ackWaitMs: 5_000, concurrency: 1, ...settings }, h.dataSource, h.nc.jetstream(), await h.nc.jetstreamManager(), silentLogger);
    await started.start();
    return started;
  }

  async function start(handler: EventHandlerFn, maxDeliver = 3): Promise<void> {
    consumer = await startConsumer({ name: CONSUMER, filter: 'itsm.events.test.>', handlers: new Map(), fallback: handler, deliver: 'all' }, { maxDeliver, backoffMs: [50, 100] });
  }

  const record: EventHandlerFn = async (event: CloudEvent, manager: EntityManager) => {
    await manager.query(`INSERT INTO consumertest.applied (event_id, note) VALUES ($1, $2)`, [event.id, (event.data as { note: string }).note]);
  };

  async function appliedRows(): Promise<Array<{ event_id: string; note: string }>> {
    return h.database.query(`SELECT event_id, note FROM consumertest.applied ORDER BY note`);
  }

  async function pending(): Promise<{ pending: number; ackPending: number }> {
    const info = await (await h.nc.jetstreamManager()).consumers.info('ITSM_EVENTS', CONSUMER);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  }

  it('applies an event that arrives twice only once, and acknowledges both copies', async () => {
    await start(record);
    const event = envelope();
    await publish(event);
    await publish(event); // the same event id, a second message on the stream
    await waitFor(async () => {
      const state = await pending();
      return state.pending === 0 && state.ackPending === 0;
    }, { what: 'both copies acknowledged' });
    await expect(appliedRows()).resolves.toEqual([{ event_id: event.id, note: 'hello' }]);
    await expect(h.database.query(`SELECT consumer, event_id FROM consumertest.inbox`)).resolves.toEqual([{ consumer: CONSUMER, event_id: event.id }]);
  });

  it('stores a re-publication with the same Nats-Msg-Id once on the stream', async () => {
    const event = envelope();
    await publish(event, undefined, event.id);
    await publish(event, undefined, event.id);
    await expect(readEvents(h.nc, 'itsm.events.test.>')).resolves.toHaveLength(1);
  });

  it('rolls back a failed attempt and applies the redelivery once', async () => {
    let attempts = 0;
    await start(async (event, manager) => {
      attempts += 1;
      await record(event, manager);
      if (attempts === 1) throw new Error('database hiccup after the write');
    });
    const event = envelope();
    await publish(event);
    await waitFor(async () => (await appliedRows()).length > 0, { what: 'the redelivery applied' });
    await waitFor(async () => (await pending()).ackPending === 0, { what: 'the ack' });
    expect(attempts).toBe(2);
    await expect(appliedRows()).resolves.toHaveLength(1);
  });

  it('retries an event past the attempt limit while the database is unavailable, and applies it once it is back', async () => {
    let attempts = 0;
    await start(async (event, manager) => {
      attempts += 1;
      // As pg reports a server that is restarting, for more deliveries than the dead-letter limit.
      if (attempts <= 5) throw Object.assign(new Error('the database system is starting up'), { code: '57P03' });
      await record(event, manager);
    }, 3);
    const event = envelope({ data: { note: 'survives-outage' } });
    await publish(event);
    await waitFor(async () => (await appliedRows()).length === 1, { timeoutMs: 20_000, what: 'the event applied after the outage' });
    expect(attempts).toBe(6);
    await expect(readStream(h.nc, DLQ_STREAM, deadLetterSubject(CONSUMER))).resolves.toEqual([]);
  });

  it('dead-letters an event whose handler always throws after the last attempt, and goes on with the next events', async () => {
    const poison = envelope({ data: { note: 'poison' } });
    const before = envelope({ data: { note: 'a-before' } });
    const after = envelope({ data: { note: 'b-after' } });
    let poisonAttempts = 0;
    await start(async (event, manager) => {
      if ((event.data as { note: string }).note === 'poison') {
        poisonAttempts += 1;
        throw new Error('ticket references a deleted category');
      }
      await record(event, manager);
    }, 3);
    await publish(before);
    await publish(poison);
    await publish(after);

    const letters = await waitFor(async () => {
      const found = await readStream<DeadLetter>(h.nc, DLQ_STREAM, deadLetterSubject(CONSUMER));
      return found.length > 0 ? found : undefined;
    }, { what: 'a dead letter' });
    expect(letters).toHaveLength(1);
    expect(letters[0]?.subject).toBe(`itsm.dlq.${CONSUMER}`);
    expect(letters[0]?.body).toMatchObject({
      consumer: CONSUMER,
      subject: 'itsm.events.test.happened.v1',
      deliveries: 3,
      error: { message: 'ticket references a deleted category' },
      event: { id: poison.id, data: { note: 'poison' } },
    });
    expect(poisonAttempts).toBe(3);
    await waitFor(async () => (await appliedRows()).length === 2, { what: 'the other events applied' });
    await expect(appliedRows()).resolves.toEqual([
      { event_id: before.id, note: 'a-before' },
      { event_id: after.id, note: 'b-after' },
    ]);
    await waitFor(async () => (await pending()).ackPending === 0, { what: 'nothing left unacknowledged' });
    const metrics = await metricsRegistry.getSingleMetricAsString('itsm_consumer_dead_letters_total');
    expect(metrics).toContain(`itsm_consumer_dead_letters_total{consumer="${CONSUMER}"} 1`);
  });

  it('dead-letters a message that is not a CloudEvent at once', async () => {
    await start(record, 5);
    await h.nc.jetstream().publish('itsm.events.test.happened.v1', 'this is not json');
    const letters = await waitFor(async () => {
      const found = await readStream<DeadLetter>(h.nc, DLQ_STREAM, deadLetterSubject(CONSUMER));
      return found.length > 0 ? found : undefined;
    }, { what: 'a dead letter' });
    expect(letters[0]?.body).toMatchObject({ deliveries: 1, error: { name: 'PoisonMessage' }, event: 'this is not json' });
  });

  it('goes on consuming after the broker was killed and restarted', async () => {
    await start(record);
    const first = envelope({ data: { note: 'a-before-outage' } });
    await publish(first);
    await waitFor(async () => (await appliedRows()).length === 1, { what: 'the first event' });
    await killBroker();
    await restartBroker();
    const second = envelope({ data: { note: 'b-after-outage' } });
    await waitFor(async () => {
      await publish(second, undefined, second.id);
      return true;
    }, { timeoutMs: 20_000, what: 'a publish after the restart' });
    await waitFor(async () => (await appliedRows()).length === 2, { timeoutMs: 30_000, what: 'the event after the outage' });
    await expect(appliedRows()).resolves.toEqual([
      { event_id: first.id, note: 'a-before-outage' },
      { event_id: second.id, note: 'b-after-outage' },
    ]);
  });

  it('dead-letters a declared event whose data breaks its contract', async () => {
    const handled: string[] = [];
    consumer = await startConsumer({
      name: CONSUMER,
      filter: IncidentEvents.created.subject,
      handlers: new Map<string, EventHandlerFn>([[IncidentEvents.created.type, async (event) => void handled.push(event.id)]]),
      deliver: 'all',
    });
    await publish(envelope({ type: IncidentEvents.created.type, data: { id: 'not-a-uuid' } }), IncidentEvents.created.subject);
    const letters = await waitFor(async () => {
      const found = await readStream<DeadLetter>(h.nc, DLQ_STREAM, deadLetterSubject(CONSUMER));
      return found.length > 0 ? found : undefined;
    }, { what: 'a dead letter' });
    expect(letters[0]?.body.error.message).toContain('does not match itsm.incident.created.v1');
    expect(handled).toEqual([]);
  });

  it('dead-letters a declared event whose data breaks its contract at a handler of every type too', async () => {
    consumer = await startConsumer({ name: CONSUMER, filter: 'itsm.events.incident.>', handlers: new Map(), fallback: record, deliver: 'all' });
    await publish(envelope({ type: IncidentEvents.created.type, data: { note: 'not an incident' } }), IncidentEvents.created.subject);
    const letters = await waitFor(async () => {
      const found = await readStream<DeadLetter>(h.nc, DLQ_STREAM, deadLetterSubject(CONSUMER));
      return found.length > 0 ? found : undefined;
    }, { what: 'a dead letter' });
    expect(letters[0]?.body).toMatchObject({ deliveries: 1, error: { name: 'PoisonMessage', message: expect.stringContaining('does not match itsm.incident.created.v1') } });
    await expect(appliedRows()).resolves.toEqual([]);
  });

  it('dead-letters an event whose type is not the one of the subject it came on, and goes on with the next events', async () => {
    await start(record, 5);
    const misrouted = envelope({ type: 'itsm.test.other.v1', data: { note: 'a-misrouted' } });
    const next = envelope({ data: { note: 'b-next' } });
    await publish(misrouted);
    await publish(next);
    const letters = await waitFor(async () => {
      const found = await readStream<DeadLetter>(h.nc, DLQ_STREAM, deadLetterSubject(CONSUMER));
      return found.length > 0 ? found : undefined;
    }, { what: 'a dead letter' });
    expect(letters[0]?.body).toMatchObject({
      deliveries: 1,
      error: { name: 'PoisonMessage', message: 'type itsm.test.other.v1 does not match subject itsm.events.test.happened.v1 (its subject is itsm.events.test.other.v1)' },
      event: { id: misrouted.id },
    });
    await waitFor(async () => (await appliedRows()).length === 1, { what: 'the next event applied' });
    await expect(appliedRows()).resolves.toEqual([{ event_id: next.id, note: 'b-next' }]);
  });

  it('dead-letters a message above the size limit at once with the start of its text, and goes on with the next events', async () => {
    consumer = await startConsumer({ name: CONSUMER, filter: 'itsm.events.test.>', handlers: new Map(), fallback: record, deliver: 'all' }, { maxEventBytes: 10_000 });
    const large = envelope({ data: { note: 'x'.repeat(20_000) } });
    const next = envelope({ data: { note: 'small' } });
    await publish(large);
    await publish(next);
    const letters = await waitFor(async () => {
      const found = await readStream<DeadLetter>(h.nc, DLQ_STREAM, deadLetterSubject(CONSUMER));
      return found.length > 0 ? found : undefined;
    }, { what: 'a dead letter' });
    const size = Buffer.byteLength(JSON.stringify(large));
    expect(letters[0]?.body).toMatchObject({ deliveries: 1, error: { name: 'PoisonMessage', message: `message is ${size} bytes, above the limit of 10000` } });
    expect(letters[0]?.body.event).toBe(JSON.stringify(large).slice(0, 4_096));
    await waitFor(async () => (await appliedRows()).length === 1, { what: 'the next event applied' });
    await expect(appliedRows()).resolves.toEqual([{ event_id: next.id, note: 'small' }]);
  });
});
