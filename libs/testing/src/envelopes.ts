import { randomUUID } from 'node:crypto';
import type { CloudEvent, EventDeclaration } from '@itsm/contracts';

/**
 * A CloudEvents envelope of a declared event as a service's outbox would write it (source `itsm/<domain>` unless
 * given), for tests that publish events in another service's place.
 */
export function testEnvelope<T>(event: EventDeclaration<string, T>, subject: string, data: T, options: { source?: string; id?: string } = {}): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    source: options.source ?? `itsm/${event.domain}`,
    type: event.type,
    subject,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: randomUUID(),
    data,
  };
}
