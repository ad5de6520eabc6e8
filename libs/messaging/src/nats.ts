import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from 'nats';
import { MessageHeaders } from '@itsm/contracts';
import type { WorkContext } from '@itsm/observability';

/** Injection token of a process's NATS connection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((server) => server.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
    timeout: 5_000,
  });
}

/** Headers that carry the work context from one service to the next. */
export function contextHeaders(context: WorkContext | undefined, into: MsgHdrs = natsHeaders()): MsgHdrs {
  if (!context) return into;
  into.set(MessageHeaders.correlationId, context.correlationId);
  into.set(MessageHeaders.traceparent, context.traceparent);
  if (context.causationId) into.set(MessageHeaders.causationId, context.causationId);
  if (context.actor) into.set(MessageHeaders.actor, JSON.stringify(context.actor));
  return into;
}

export function headerValue(headers: MsgHdrs | undefined, name: string): string | undefined {
  const value = headers?.get(name);
  return value ? value : undefined;
}
