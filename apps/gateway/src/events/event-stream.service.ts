import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { ALL_EVENTS, AllEvents, CommonError, CommonErrorCode, EVENTS_STREAM, findEventByType } from '@itsm/contracts';
import { NATS_CONNECTION } from '@itsm/messaging';
import { gauge } from '@itsm/observability';
import { GATEWAY_LOGGER } from '../gateway.tokens';

const clients = gauge('itsm_sse_clients', 'Open live event streams');

/** One frame of a live stream: the stream sequence (SSE id), the CloudEvents type and the event as JSON. */
export interface StreamFrame {
  sequence: number;
  type: string;
  data: string;
}

export interface OpenStream {
  frames: AsyncIterable<StreamFrame>;
  close(): Promise<void>;
}

/** Parses `?types=` into declared CloudEvents types; an unknown one is a 400 naming the field. */
export function parseTypes(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const types = [...new Set(raw.split(',').map((type) => type.trim()).filter(Boolean))];
  const unknown = types.filter((type) => !findEventByType(type));
  if (unknown.length > 0) {
    throw new CommonError(CommonErrorCode.InvalidRequest, 'unknown event types', {
      errors: [{ field: 'types', message: `unknown event types: ${unknown.join(', ')}; known: ${AllEvents.map((event) => event.type).join(', ')}` }],
    });
  }
  return types;
}

/** Parses `Last-Event-ID`: the stream sequence of the last event the client saw. */
export function parseLastEventId(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new CommonError(CommonErrorCode.InvalidRequest, 'Last-Event-ID must be a stream sequence number', { errors: [{ field: 'Last-Event-ID', message: 'must be a whole number' }] });
  return Number(raw);
}

/**
 * Live events for consoles and scripts, read from `ITSM_EVENTS` with an ephemeral ordered consumer per client: new
 * events, or everything after the `Last-Event-ID` a reconnecting client sends, so a short disconnection loses nothing.
 */
@Injectable()
export class EventStreamService implements OnModuleDestroy {
  private readonly streams = new Set<OpenStream>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  async open(types: string[], after: number | undefined): Promise<OpenStream> {
    // One filter subject per consumer (nats-server 2.9): a single type is filtered by the server, several here.
    const [only] = types;
    const filter = types.length === 1 && only ? (findEventByType(only)?.subject ?? ALL_EVENTS) : ALL_EVENTS;
    const consumer = await this.nc.jetstream().consumers.get(EVENTS_STREAM, {
      filterSubjects: filter,
      ...(after === undefined ? { deliver_policy: DeliverPolicy.New } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }),
    });
    const messages: ConsumerMessages = await consumer.consume({ max_messages: 256 });
    const wanted = new Set(types);
    const logger = this.logger;
    async function* frames(): AsyncIterable<StreamFrame> {
      for await (const message of messages) {
        let type: string;
        try {
          type = String(message.json<{ type?: unknown }>().type);
        } catch {
          logger.warn({ subject: message.subject, seq: message.seq }, 'skipping a message that is not JSON on the live stream');
          continue;
        }
        if (wanted.size > 0 && !wanted.has(type)) continue;
        yield { sequence: message.seq, type, data: message.string() };
      }
    }
    const stream: OpenStream = {
      frames: frames(),
      close: async () => {
        if (!this.streams.delete(stream)) return;
        clients.dec();
        await messages.close().catch(() => undefined);
      },
    };
    this.streams.add(stream);
    clients.inc();
    return stream;
  }

  /** Ends every open stream, so closing the HTTP server does not wait for clients that never hang up. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.streams].map((stream) => stream.close()));
  }
}
