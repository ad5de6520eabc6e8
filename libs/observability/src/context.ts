import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync, randomUUID } from 'node:crypto';
import type { Actor } from '@itsm/contracts';

/** What travels with a unit of work: across HTTP, RPC and events, into logs and outbox rows. */
export interface WorkContext {
  correlationId: string;
  /** Id of the message that caused this work (event id or RPC request id). */
  causationId?: string;
  /** W3C trace context of the current span. */
  traceparent: string;
  actor?: Actor;
  /** The actor exactly as it arrived (`x-actor`) with its signature (`x-actor-signature`), forwarded unchanged. */
  actorProof?: { json: string; signature: string };
}

const storage = new AsyncLocalStorage<WorkContext>();

export const WorkContexts = {
  run<T>(context: WorkContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  current(): WorkContext | undefined {
    return storage.getStore();
  },
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Random bytes for ids, drawn from a pool filled 4 KiB at a time (as `randomUUID` does): one `randomBytes` call per id
 * was a measurable share of a consumer's CPU, since every event, RPC and request opens a span.
 */
const randomPool = Buffer.alloc(4096);
let randomPoolAt = randomPool.length;

function randomHex(bytes: number): string {
  if (randomPoolAt + bytes > randomPool.length) {
    randomFillSync(randomPool);
    randomPoolAt = 0;
  }
  const hex = randomPool.toString('hex', randomPoolAt, randomPoolAt + bytes);
  randomPoolAt += bytes;
  return hex;
}

/** A new root trace context: `00-<trace id>-<span id>-01`. */
export function newTraceparent(): string {
  return `00-${randomHex(16)}-${randomHex(8)}-01`;
}

/** A child span of an incoming trace context, or a new trace when the incoming one is missing or malformed. */
export function childTraceparent(parent: string | undefined | null): string {
  const match = parent ? TRACEPARENT.exec(parent) : null;
  if (!match) return newTraceparent();
  return `00-${match[1]}-${randomHex(8)}-${match[3]}`;
}

export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
}

/** Builds the context of work that arrives with these (possibly absent) headers. */
export function contextFromHeaders(headers: {
  correlationId?: string | null;
  causationId?: string | null;
  traceparent?: string | null;
  actor?: Actor;
  actorProof?: { json: string; signature: string };
}): WorkContext {
  const context: WorkContext = {
    correlationId: headers.correlationId && headers.correlationId.length <= 200 ? headers.correlationId : randomUUID(),
    traceparent: childTraceparent(headers.traceparent),
  };
  if (headers.causationId) context.causationId = headers.causationId;
  if (headers.actor) context.actor = headers.actor;
  if (headers.actor && headers.actorProof) context.actorProof = headers.actorProof;
  return context;
}
