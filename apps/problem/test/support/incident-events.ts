import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { type CloudEvent, type EventDeclaration, IncidentEvents, type IncidentView } from '@itsm/contracts';
import { buildIncidentView } from '@itsm/testing';

const HOUR_MS = 60 * 60 * 1000;

/** One incident event as the incident service would put it on the stream (a fresh event id: a copy is not deduplicated). */
export interface IncidentMessage {
  event: EventDeclaration;
  subject: string;
  data: unknown;
}

/** An incident opened `hoursAgo` hours ago, as its events carry it. */
export function incidentAt(hoursAgo: number, overrides: Partial<IncidentView> = {}): IncidentView {
  const createdAt = new Date(Date.now() - hoursAgo * HOUR_MS).toISOString();
  return buildIncidentView({ createdAt, openedAt: createdAt, updatedAt: createdAt, ...overrides });
}

/** The created event of an incident (version 1). */
export function created(incident: IncidentView): IncidentMessage {
  return { event: IncidentEvents.created, subject: incident.id, data: incident };
}

/** An update of an incident to the next version, with the given changes applied. */
export function updated(incident: IncidentView, changes: Partial<IncidentView>): { next: IncidentView; message: IncidentMessage } {
  const next = { ...incident, ...changes, version: incident.version + 1, updatedAt: new Date().toISOString() };
  const fieldChanges = Object.keys(changes).map((field) => ({ field, from: (incident as unknown as Record<string, unknown>)[field] ?? null, to: (next as unknown as Record<string, unknown>)[field] ?? null }));
  return { next, message: { event: IncidentEvents.updated, subject: incident.id, data: { incident: next, changes: fieldChanges } } };
}

/** Publishes messages in the order given, each with an id of its own; returns the ids. */
export async function publishAll(nc: NatsConnection, messages: readonly IncidentMessage[]): Promise<string[]> {
  const js = nc.jetstream();
  const ids: string[] = [];
  for (const message of messages) {
    const id = randomUUID();
    const envelope: CloudEvent<unknown> = {
      specversion: '1.0',
      id,
      source: 'itsm/incident',
      type: message.event.type,
      subject: message.subject,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      correlationid: randomUUID(),
      data: message.data,
    };
    await js.publish(message.event.subject, JSON.stringify(envelope), { msgID: id });
    ids.push(id);
  }
  return ids;
}

/** A fixed shuffle (a seeded generator), so that a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed = 42): T[] {
  const copy = [...items];
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
