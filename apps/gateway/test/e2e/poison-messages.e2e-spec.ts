/**
 * Messages no producer of the suite would write, published straight on the bus: every durable consumer of every
 * service dead-letters each one with its reason, lets it have no effect, and goes on with the real events after it.
 */
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from 'nats';
import {
  type CloudEvent,
  type CreatedIncidentView,
  deadLetterSubject,
  DLQ_STREAM,
  type EventDeclaration,
  EVENTS_STREAM,
  Impact,
  IncidentEvents,
  KnowledgeEvents,
  type ProblemView,
  ProblemEvents,
  Role,
  SlaEvents,
  Urgency,
} from '@itsm/contracts';
import type { DeadLetter } from '@itsm/messaging';
import { mintToken, readStream, recordReliability, waitFor } from '@itsm/testing';
import { GatewayClient, type Reply } from './client';
import { type RunningSuite, SERVICES, startSuite } from './suite';

const ada = mintToken({ sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] });
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });
const maria = mintToken({ sub: 'maria', name: 'Maria Manager', roles: [Role.Manager] });

const WAIT = { timeoutMs: 30_000, intervalMs: 250 };

/**
 * An event each durable consumer handles, so that its data is checked against its contract there. A consumer that
 * appears on the broker without an entry here fails the test: every consumer must be covered.
 */
const HANDLED: Record<string, EventDeclaration> = {
  'change-incidents': IncidentEvents.created,
  'incident-knowledge-suggestions': KnowledgeEvents.suggested,
  'incident-problems': ProblemEvents.incidentLinked,
  'incident-sla-warning': SlaEvents.warning,
  'incident-sla-breached': SlaEvents.breached,
  'knowledge-known-errors': ProblemEvents.knownErrorPublished,
  'knowledge-suggestions': IncidentEvents.created,
  'notification-dispatch': IncidentEvents.created,
  'notification-event-log': IncidentEvents.created,
  'problem-detection': IncidentEvents.created,
  'sla-tickets': IncidentEvents.created,
};

/** Far above the largest event of the suite and below the broker's 1 MB max_payload. */
const OVERSIZED_BYTES = 900_000;

interface Poison {
  kind: string;
  oversized: boolean;
  /** What the dead letter's error must say. */
  reason: string | RegExp;
  /** The message for an event of this declaration, and the record id it names when it is an envelope. */
  build(event: EventDeclaration, record: string): string | Uint8Array;
}

function envelope(event: EventDeclaration, record: string, overrides: Partial<CloudEvent>): CloudEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'itsm/intruder',
    type: event.type,
    subject: record,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: randomUUID(),
    data: {},
    ...overrides,
  };
}

const POISONS: Poison[] = [
  { kind: 'bytes that are not JSON', oversized: false, reason: 'message is not JSON', build: () => Uint8Array.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x9c]) },
  { kind: 'JSON that is not a CloudEvent', oversized: false, reason: 'not a CloudEvents 1.0 envelope', build: (_, record) => JSON.stringify({ id: record, hello: 'world' }) },
  {
    kind: 'a type other than its subject’s',
    oversized: false,
    reason: /^type .* does not match subject/,
    // A type some consumer of the suite acts on, sent where that type never goes.
    build: (event, record) => JSON.stringify(envelope(event, record, { type: event === IncidentEvents.created ? SlaEvents.breached.type : IncidentEvents.created.type })),
  },
  { kind: 'data missing its required fields', oversized: false, reason: /^data does not match/, build: (event, record) => JSON.stringify(envelope(event, record, { data: {} })) },
  { kind: 'data with a field of the wrong type', oversized: false, reason: /^data does not match/, build: (event, record) => JSON.stringify(envelope(event, record, { data: { id: 42, ticketId: 42, incidentId: 42 } })) },
  {
    kind: 'a 900 KB event',
    oversized: true,
    reason: /^message is \d+ bytes, above the limit of \d+$/,
    build: (event, record) => JSON.stringify(envelope(event, record, { data: { padding: 'x'.repeat(OVERSIZED_BYTES) } })),
  },
];

interface Published {
  poison: Poison;
  subject: string;
  seq: number;
  /** The record the message names (when it is an envelope): no service may have acted on it. */
  record: string;
  /** Its event id, when it has one. */
  id?: string;
}

describe('poison messages on the bus', () => {
  let suite: RunningSuite;
  let client: GatewayClient;
  let durables: Array<{ name: string; filter: string }>;
  const published: Published[] = [];

  beforeAll(async () => {
    suite = await startSuite(SERVICES, { sla: { SLA_TIMER_INTERVAL_MS: '200' } });
    client = new GatewayClient(suite.baseUrl);
    const jsm = await suite.nc.jetstreamManager();
    durables = [];
    for await (const info of jsm.consumers.list(EVENTS_STREAM)) {
      if (info.config.durable_name) durables.push({ name: info.config.durable_name, filter: info.config.filter_subject ?? '' });
    }
  }, 90_000);

  afterAll(async () => {
    const codes = await suite?.stop();
    expect(Object.values(codes ?? {}).every((code) => code === 0)).toBe(true);
  }, 60_000);

  const call = <T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<Reply<T>> => client.call<T>(method, path, token, { body });

  /** A call that must succeed; its answer in the failure when it does not. */
  async function succeed<T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const reply = await call<T>(method, path, token, body);
    expect({ path, status: reply.status, body: reply.status < 300 ? undefined : reply.body }).toEqual({ path, status: expect.any(Number), body: undefined });
    return reply.body;
  }

  it('knows an event each durable consumer of the suite handles', () => {
    expect(durables.map(({ name }) => name).sort()).toEqual(Object.keys(HANDLED).sort());
    for (const { name, filter } of durables) expect({ name, takes: takes(filter, HANDLED[name]?.subject ?? '') }).toEqual({ name, takes: true });
  });

  it('dead-letters every poison at every consumer it reaches, with the reason, and acts on none', async () => {
    const js: JetStreamClient = suite.nc.jetstream();
    const subjects = [...new Set(Object.values(HANDLED))];
    for (const event of subjects) {
      for (const poison of POISONS) {
        const record = randomUUID();
        const body = poison.build(event, record);
        const ack = await js.publish(event.subject, body);
        const id = typeof body === 'string' ? (JSON.parse(body) as { id?: unknown }).id : undefined;
        published.push({ poison, subject: event.subject, seq: ack.seq, record, ...(typeof id === 'string' ? { id } : {}) });
      }
    }

    const outcome = new Map<Published, 'ok' | 'lost'>();
    for (const { name, filter } of durables) {
      const handled = HANDLED[name];
      const expected = published.filter((message) => message.subject === handled?.subject && takes(filter, message.subject));
      const letters = await waitFor(async () => {
        const found = await readStream<DeadLetter>(suite.nc, DLQ_STREAM, deadLetterSubject(name));
        const bySeq = new Map(found.map((letter) => [letter.body.streamSequence, letter.body]));
        return expected.every((message) => bySeq.has(message.seq)) ? bySeq : undefined;
      }, { ...WAIT, what: `the dead letters of ${name}` }).catch(() => undefined);
      for (const message of expected) {
        const letter = letters?.get(message.seq);
        const named = letter !== undefined && letter.consumer === name && letter.subject === message.subject && matches(letter.error.message, message.poison.reason);
        if (!named) outcome.set(message, 'lost');
        else if (!outcome.has(message)) outcome.set(message, 'ok');
        expect({ consumer: name, poison: message.poison.kind, reason: letter?.error.message }).toEqual({ consumer: name, poison: message.poison.kind, reason: expect.stringMatching(message.poison.reason) });
      }
      // A letter keeps a part of a message it could not read, never the whole of a large one.
      for (const letter of letters?.values() ?? []) expect(JSON.stringify(letter.event ?? '').length).toBeLessThan(20_000);
    }

    // No effect: the event log (which records every event it applies) and the SLA tickets know none of them.
    const records = published.map((message) => message.record);
    await expect(suite.database.query(`SELECT subject FROM notification.event_log WHERE subject = ANY($1::text[])`, [records])).resolves.toEqual([]);
    await expect(suite.database.query(`SELECT id FROM sla.tickets WHERE id = ANY($1::uuid[])`, [records])).resolves.toEqual([]);

    const stopped = await consumersNotDone();
    const count = (oversized: boolean, value: 'ok' | 'lost') => published.filter((message) => message.poison.oversized === oversized && outcome.get(message) === value).length;
    for (const oversized of [false, true]) {
      recordReliability({
        group: 'input',
        name: oversized ? 'oversized messages on the bus' : 'malformed messages on the bus',
        runs: durables.length,
        operations: published.filter((message) => message.poison.oversized === oversized).length,
        ok: count(oversized, 'ok'),
        lost: count(oversized, 'lost'),
        duplicated: 0,
        unexpected: stopped.length,
        notes: `${POISONS.filter((poison) => poison.oversized === oversized).map((poison) => poison.kind).join('; ')}, on a subject each consumer handles`,
      });
    }
    expect(stopped).toEqual([]);
  }, 120_000);

  it('goes on with the real events after the poison, at every consumer', async () => {
    // An SLA that warns and breaches within seconds, a problem the incident is linked to, and its known error.
    await succeed('POST', '/v1/sla/policies', ada, { name: 'Six seconds', kind: 'sla', conditions: { ticketTypes: ['incident'] }, targets: [{ metric: 'resolution', duration: 6, warnAt: [50] }] });
    const incident = await succeed<CreatedIncidentView>('POST', '/v1/incidents', sam, { title: 'VPN drops every few minutes', impact: Impact.Medium, urgency: Urgency.Medium });
    const problem = await succeed<ProblemView>('POST', '/v1/problems', sam, { title: 'VPN concentrator drops sessions', category: 'network', impact: Impact.Medium, urgency: Urgency.Low });
    await succeed('POST', `/v1/problems/${problem.id}/incidents`, sam, { incidentId: incident.id });
    await succeed('PATCH', `/v1/problems/${problem.id}`, sam, { rootCause: 'A firmware bug in the concentrator.', workaround: 'Reconnect with the backup profile.' });
    await succeed('POST', `/v1/problems/${problem.id}/known-error`, maria, { symptoms: 'The VPN drops every few minutes.' });

    // Each consumer's inbox shows the real events it applied after the poison; the knowledge suggestions it gets
    // only when an article matches, so that consumer is shown alive by having taken everything it was sent.
    const reached = await waitFor(async () => {
      const rows = await inboxRowsAfter(Math.max(...published.map((message) => message.seq)));
      const found = new Set(rows.map((row) => row.consumer));
      const missing = durables.map(({ name }) => name).filter((name) => name !== 'incident-knowledge-suggestions' && !found.has(name));
      return missing.length === 0 ? found : undefined;
    }, { ...WAIT, what: 'an event applied by every consumer after the poison' });
    expect(reached.size).toBeGreaterThanOrEqual(durables.length - 1);
    await expect(waitFor(async () => ((await consumersNotDone()).length === 0 ? true : undefined), { ...WAIT, what: 'every consumer done with what it was sent' })).resolves.toBe(true);
  }, 120_000);

  /** Inbox rows of every service for events published after a stream sequence (by the consumer's subject and time). */
  async function inboxRowsAfter(seq: number): Promise<Array<{ consumer: string; event_id: string }>> {
    const jsm = await suite.nc.jetstreamManager();
    const last = await jsm.streams.getMessage(EVENTS_STREAM, { seq });
    const since = last.time;
    const schemas = await suite.database.query<{ schema: string }>(
      `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'inbox' AND table_type = 'BASE TABLE'`,
    );
    const rows: Array<{ consumer: string; event_id: string }> = [];
    for (const { schema } of schemas) {
      rows.push(...(await suite.database.query<{ consumer: string; event_id: string }>(`SELECT consumer, event_id FROM "${schema}".inbox WHERE processed_at > $1`, [since])));
    }
    // A dead-lettered event is marked done in the inbox too: those rows are not the real events.
    const poison = new Set(published.map((message) => message.id));
    return rows.filter((row) => !poison.has(row.event_id));
  }

  /** Consumers that left something they were sent unacknowledged, or have not been sent all they take, or whose process is gone. */
  async function consumersNotDone(): Promise<string[]> {
    const jsm = await suite.nc.jetstreamManager();
    const notDone: string[] = [];
    for (const { name } of durables) {
      const done = await waitFor(async () => {
        const info = await jsm.consumers.info(EVENTS_STREAM, name);
        return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
      }, { ...WAIT, what: `${name} done` }).catch(() => false);
      const service = name.split('-')[0] ?? '';
      if (!done || suite.running(service).length === 0) notDone.push(name);
    }
    return notDone;
  }
});

/** Whether a NATS subject filter (`*` one token, `>` the rest) takes a subject. */
function takes(filter: string, subject: string): boolean {
  const wanted = filter.split('.');
  const tokens = subject.split('.');
  for (const [at, token] of wanted.entries()) {
    if (token === '>') return tokens.length > at;
    if (at >= tokens.length || (token !== '*' && token !== tokens[at])) return false;
  }
  return wanted.length === tokens.length;
}

function matches(text: string, reason: string | RegExp): boolean {
  return typeof reason === 'string' ? text.includes(reason) : reason.test(text);
}
