import { SetMetadata } from '@nestjs/common';
import type { EventDeclaration } from '@itsm/contracts';
import type { EventHandlerFn } from './consumer';

export const EVENT_HANDLER_METADATA = 'itsm:event-handler';

export interface EventHandlerMetadata {
  /** The consumer is named `<service>-<purpose>`. */
  purpose: string;
  /** The declared events it handles, or a subject filter for handlers that take every type (an event log, a router). */
  event: readonly EventDeclaration[] | { filter: string };
  deliver?: 'all' | 'new';
}

/**
 * Declares a method as the durable handler of one event type (or of several that it treats alike) for one purpose.
 * The method receives the CloudEvent typed by the declarations (`EventOf<typeof X.y>`, a union for several) and the
 * EntityManager of the transaction that also writes the inbox. That transaction may apply several events, one after
 * the other in stream order, with the same manager: a handler sees what the earlier ones wrote, and must not leave
 * the transaction aborted (a statement it expects to fail goes in a savepoint) nor commit or roll it back itself.
 */
export function OnEvent<E extends EventDeclaration>(purpose: string, event: E | readonly E[], options: { deliver?: 'all' | 'new' } = {}) {
  const events: readonly EventDeclaration[] = Array.isArray(event) ? event : [event as E];
  return (target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<EventHandlerFn<E>>): void => {
    SetMetadata<string, EventHandlerMetadata>(EVENT_HANDLER_METADATA, { purpose, event: events, ...options })(target, key, descriptor);
  };
}

/** Declares a method as the handler of every event under a subject filter (e.g. `ALL_EVENTS`). */
export function OnEvents(purpose: string, filter: string, options: { deliver?: 'all' | 'new' } = {}) {
  return (target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<EventHandlerFn>): void => {
    SetMetadata<string, EventHandlerMetadata>(EVENT_HANDLER_METADATA, { purpose, event: { filter }, ...options })(target, key, descriptor);
  };
}
