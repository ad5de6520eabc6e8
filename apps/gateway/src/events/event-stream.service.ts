import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { ALL_EVENTS, AllEvents, CommonError, CommonErrorCode, EVENTS_STREAM, findEventByType } from '@itsm/contracts';
import { NATS_CONNECTION } from '@itsm/messaging';
import { gauge } from '@itsm/observability';
import { GatewayConfig } from '../config';
import { GATEWAY_LOGGER } from '../gateway.tokens';

const clients = gauge('itsm_sse_clients', 'Open live event streams');

/** When a user at the cap is told to try again: about when a console that lost a stream has reconnected it. */
export const STREAM_RETRY_AFTER_SECONDS = 30;

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
  /** Open streams (and those being opened) per user: each holds a consumer on NATS and a connection here. */
  private readonly perUser = new Map<string, number>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
  ) {}

  /** Opens a stream for `user`; one beyond `EVENT_STREAMS_PER_USER` of theirs on this replica is refused (429). */
  async open(user: string, types: string[], after: number | undefined): Promise<OpenStream> {
    const held = this.perUser.get(user) ?? 0;
    if (held >= this.config.EVENT_STREAMS_PER_USER) {
      throw new CommonError(CommonErrorCode.TooManyStreams, `you already hold ${held} live event streams, the most one user may; close one first`, {
        limit: this.config.EVENT_STREAMS_PER_USER,
        retryAfterSeconds: STREAM_RETRY_AFTER_SECONDS,
      });
    }
    // Counted before the first await, so that streams opened at the same moment cannot all pass the check.
    this.perUser.set(user, held + 1);
    let messages: ConsumerMessages;
    try {
      messages = await this.consume(types, after);
    } catch (error) {
      this.release(user);
      throw error;
    }
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
        this.release(user);
        await messages.close().catch(() => undefined);
      },
    };
    this.streams.add(stream);
    clients.inc();
    return stream;
  }

  private async consume(types: string[], after: number | undefined): Promise<ConsumerMessages> {
    // One filter subject per consumer (nats-server 2.9): a single type is filtered by the server, several here.
    const [only] = types;
    const filter = types.length === 1 && only ? (findEventByType(only)?.subject ?? ALL_EVENTS) : ALL_EVENTS;
    const consumer = await this.nc.jetstream().consumers.get(EVENTS_STREAM, {
      filterSubjects: filter,
      ...(after === undefined ? { deliver_policy: DeliverPolicy.New } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }),
    });
    return consumer.consume({ max_messages: 256 });
  }

  private release(user: string): void {
    const held = (this.perUser.get(user) ?? 1) - 1;
    if (held > 0) this.perUser.set(user, held);
    else this.perUser.delete(user);
  }

  /** Ends every open stream, so closing the HTTP server does not wait for clients that never hang up. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.streams].map((stream) => stream.close()));
  }
}
