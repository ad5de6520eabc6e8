/**
 * What can be observed of a workload's effects once the suite has recovered, in three channels:
 *
 * - `records`: the incident service's tables (the incident with the token in its title, the note with the token in
 *   its body, the incident's state);
 * - `events`: the incident events on the JetStream stream, read by a subscriber of our own from the stream's
 *   start (an ordered consumer: nothing of the services' own consumers is shared);
 * - `consumers`: every durable consumer of the suite, by its inbox rows: each event of a type the consumer handles
 *   must have been applied by it, once.
 */
import { EVENTS_STREAM } from '@itsm/contracts';
import type { NatsConnection } from 'nats';
import type { Attempt, Observation } from './checker';
import type { TestDatabase } from '@itsm/testing';

export interface BusEvent {
  id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

/** The key of the workload operation an incident event is the effect of, or undefined for an event the workload does not check. */
export function keyOfEvent(event: BusEvent, prefix: string): string | undefined {
  const data = event.data;
  const token = (text: unknown) => (typeof text === 'string' && text.startsWith(`${prefix}-`) ? text.split(' ')[0] : undefined);
  if (event.type.endsWith('incident.created.v1')) {
    const created = token(data['title']);
    return created && `create:${created}`;
  }
  const incident = data['incident'] as { id: string; title: string } | undefined;
  if (event.type.endsWith('incident.state_changed.v1') && data['from'] === 'new' && data['to'] === 'in_progress' && incident && token(incident.title)) return `state:${incident.id}`;
  if (event.type.endsWith('incident.comment_added.v1')) {
    const note = token((data['comment'] as { body?: string } | undefined)?.body);
    return note && `comment:${note}`;
  }
  return undefined;
}

/** Every incident event on the stream, from its first, in stream order (redeliveries of one id included as they are stored). */
export async function readIncidentEvents(nc: NatsConnection): Promise<BusEvent[]> {
  const consumer = await nc.jetstream().consumers.get(EVENTS_STREAM, { filterSubjects: 'itsm.events.incident.>' });
  const events: BusEvent[] = [];
  for (;;) {
    let got = 0;
    let pending = 1;
    for await (const message of await consumer.fetch({ max_messages: 1000, expires: 2000 })) {
      got += 1;
      pending = message.info.pending;
      const envelope = message.json<{ id: string; type: string; data: Record<string, unknown> }>();
      events.push({ id: envelope.id, type: envelope.type, subject: message.subject, data: envelope.data });
    }
    if (got === 0 || pending === 0) return events;
  }
}

export function eventObservations(events: readonly BusEvent[], prefix: string): Observation[] {
  return events.flatMap((event) => {
    const key = keyOfEvent(event, prefix);
    return key ? [{ key, id: event.id }] : [];
  });
}

/** The records the workload's operations left in the incident service's tables. */
export async function recordObservations(database: TestDatabase, prefix: string): Promise<Observation[]> {
  const pattern = `${prefix.replace(/[\\%_]/g, '\\$&')}-%`;
  const incidents = await database.query<{ id: string; title: string; state: string }>(`SELECT id, title, state FROM incident.incidents WHERE title LIKE $1`, [pattern]);
  const notes = await database.query<{ id: string; body: string }>(`SELECT id, body FROM incident.incident_comments WHERE body LIKE $1`, [pattern]);
  return [
    ...incidents.map((row) => ({ key: `create:${row.title.split(' ')[0]}`, id: row.id })),
    ...incidents.filter((row) => row.state !== 'new').map((row) => ({ key: `state:${row.id}`, id: 'in the state it was moved to' })),
    ...notes.map((row) => ({ key: `comment:${row.body.split(' ')[0]}`, id: row.id })),
  ];
}

export interface ConsumerChannel {
  attempts: Attempt[];
  observations: Observation[];
}

/** Which event types each durable consumer applies: those it wrote an inbox row for, in the service that owns the inbox. */
export async function handledTypes(database: TestDatabase, events: readonly BusEvent[]): Promise<Map<string, Set<string>>> {
  const typeOf = new Map(events.map((event) => [event.id, event.type]));
  const handled = new Map<string, Set<string>>();
  for (const row of await inboxRows(database, [...typeOf.keys()])) {
    const type = typeOf.get(row.event_id);
    if (type) handled.set(row.consumer, (handled.get(row.consumer) ?? new Set()).add(type));
  }
  return handled;
}

async function inboxRows(database: TestDatabase, eventIds: string[]): Promise<Array<{ schema: string; consumer: string; event_id: string }>> {
  const schemas = await database.query<{ schema: string }>(`SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'inbox' AND table_type = 'BASE TABLE'`);
  const rows: Array<{ schema: string; consumer: string; event_id: string }> = [];
  for (const { schema } of schemas) {
    rows.push(...(await database.query<{ schema: string; consumer: string; event_id: string }>(`SELECT $2::text AS schema, consumer, event_id::text FROM "${schema}".inbox WHERE event_id = ANY($1::uuid[])`, [eventIds, schema])));
  }
  return rows;
}

/**
 * Every (consumer, event) pair that must have been applied, as an acknowledged attempt, and the inbox rows as
 * observations: a missing row is a lost delivery, and the inbox's key admits no second one.
 */
export async function consumerChannel(database: TestDatabase, events: readonly BusEvent[], handled: Map<string, Set<string>>, prefix: string): Promise<ConsumerChannel> {
  const ours = [...new Map(events.filter((event) => keyOfEvent(event, prefix)).map((event) => [event.id, event])).values()];
  const attempts = [...handled].flatMap(([consumer, types]) => ours.filter((event) => types.has(event.type)).map((event): Attempt => ({ key: `${consumer}:${event.id}`, outcome: 'acknowledged' })));
  const rows = await inboxRows(database, ours.map((event) => event.id));
  const expected = new Set(attempts.map((attempt) => attempt.key));
  const observations = rows.map((row) => ({ key: `${row.consumer}:${row.event_id}`, id: `${row.schema}:${row.consumer}:${row.event_id}` })).filter((observation) => expected.has(observation.key));
  return { attempts, observations };
}
