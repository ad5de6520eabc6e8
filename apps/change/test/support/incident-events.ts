import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { type CloudEvent, type IncidentCreatedV1, IncidentEvents, type IncidentUpdatedV1, type IncidentView } from '@itsm/contracts';
import { buildIncidentView } from '@itsm/testing';

/** One incident event as the incident service puts it on the stream. */
export type IncidentMessage = { event: typeof IncidentEvents.created; subject: string; data: IncidentCreatedV1 } | { event: typeof IncidentEvents.updated; subject: string; data: IncidentUpdatedV1 };

/** An incident opened at `openedAt` on these CIs (version 1). */
export function incidentOpened(openedAt: string, ciIds: string[]): IncidentView {
  return buildIncidentView({ createdAt: openedAt, openedAt, updatedAt: openedAt, ciIds });
}

export function created(incident: IncidentView): IncidentMessage {
  return { event: IncidentEvents.created, subject: incident.id, data: incident };
}

/** The next version of an incident with its CIs changed, and its updated event. */
export function ciIdsChanged(incident: IncidentView, ciIds: string[]): { next: IncidentView; message: IncidentMessage } {
  const next = { ...incident, ciIds, version: incident.version + 1 };
  return { next, message: { event: IncidentEvents.updated, subject: incident.id, data: { incident: next, changes: [{ field: 'ciIds', from: incident.ciIds, to: ciIds }] } } };
}

/** Publishes the messages in order, each with an event id of its own (a copy is not deduplicated); returns the ids. */
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
