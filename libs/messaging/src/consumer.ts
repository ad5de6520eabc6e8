import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  headers as natsHeaders,
  nanos,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from 'nats';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import {
  type CloudEvent,
  deadLetterSubject,
  EVENTS_STREAM,
  type EventDeclaration,
  findEventByType,
  MessageHeaders,
  type PayloadOf,
  validatePayload,
} from '@itsm/contracts';
import { InboxMessage, isTransientDatabaseError } from '@itsm/persistence';
import { contextFromHeaders, counter, WorkContexts } from '@itsm/observability';
import { headerValue } from './nats';

export type EventHandlerFn<E extends EventDeclaration = EventDeclaration> = (event: CloudEvent<PayloadOf<E>>, manager: EntityManager) => Promise<void>;

export interface ConsumerDefinition {
  /** `<service>-<purpose>`: the durable name on JetStream and the inbox key. */
  name: string;
  /** One subject filter (exact subject, or a wildcard from `domainEvents()`/`ALL_EVENTS`). */
  filter: string;
  /** Handlers by CloudEvents type; events without a handler are acknowledged and skipped. */
  handlers: Map<string, EventHandlerFn>;
  /** Called for every event when set (e.g. an event log), typed loosely as it takes all types. */
  fallback?: EventHandlerFn;
  /** Where a new consumer starts: every retained event, or only new ones. */
  deliver: 'all' | 'new';
}

export interface ConsumerSettings {
  /** Deliveries before an event goes to the dead-letter subject. */
  maxDeliver: number;
  /** Delay before each redelivery after a failure, in ms; the last value repeats. */
  backoffMs: number[];
  ackWaitMs: number;
  /** Events handled at once; 1 keeps the stream's order. */
  concurrency: number;
}

/** How long one pull waits on the broker for events; a stop waits for the pull in progress at most this long. */
const PULL_EXPIRES_MS = 2_000;
const PULL_RETRY_MS = 1_000;

const handled = counter('itsm_consumer_events_total', 'Events taken by a consumer, by outcome', ['consumer', 'outcome']);
const redeliveries = counter('itsm_consumer_redeliveries_total', 'Events delivered again after a failure or timeout', ['consumer']);
const deadLetters = counter('itsm_consumer_dead_letters_total', 'Events sent to the dead-letter subject', ['consumer']);

/** Dead letter as published on `itsm.dlq.<consumer>`. */
export interface DeadLetter {
  consumer: string;
  subject: string;
  streamSequence: number;
  deliveries: number;
  error: { name: string; message: string; stack?: string };
  failedAt: string;
  /** The event as it arrived (CloudEvent, or the raw text when it was not JSON). */
  event: unknown;
}

class PoisonMessage extends Error {
  override name = 'PoisonMessage';
}

/**
 * A durable pull consumer: explicit ack, inbox de-duplication in the handler's transaction, bounded
 * redelivery with backoff, dead-lettering after the last attempt.
 */
export class EventConsumer {
  private loop: Promise<void> | undefined;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly definition: ConsumerDefinition,
    private readonly settings: ConsumerSettings,
    private readonly dataSource: DataSource,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly logger: Logger,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  async start(): Promise<void> {
    await this.ensureConsumer();
    const consumer = await this.js.consumers.get(EVENTS_STREAM, this.definition.name);
    this.stopping = false;
    this.loop = this.run(consumer);
  }

  /**
   * Stops pulling: the pull in progress ends (full, or expired after about PULL_EXPIRES_MS), every event it brought
   * is handled (acked or nak'ed), then it returns. Nothing is left to wait for its ack wait on another replica.
   */
  async stop(): Promise<void> {
    const loop = this.loop;
    this.loop = undefined;
    if (!loop) return;
    this.stopping = true;
    await loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async ensureConsumer(): Promise<void> {
    const config = {
      durable_name: this.definition.name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: this.definition.deliver === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
      filter_subject: this.definition.filter,
      // Unbounded on the server: this class bounds attempts itself and dead-letters at the last one, so an
      // event whose dead letter could not be written yet is retried rather than dropped by JetStream.
      max_deliver: -1,
      ack_wait: nanos(this.settings.ackWaitMs),
      max_ack_pending: 1_000,
    };
    try {
      const info = await this.jsm.consumers.info(EVENTS_STREAM, this.definition.name);
      const current = info.config;
      if (current.filter_subject !== config.filter_subject || current.max_deliver !== config.max_deliver || current.ack_wait !== config.ack_wait) {
        await this.jsm.consumers.update(EVENTS_STREAM, this.definition.name, {
          filter_subject: config.filter_subject,
          max_deliver: config.max_deliver,
          ack_wait: config.ack_wait,
        });
      }
    } catch {
      try {
        await this.jsm.consumers.add(EVENTS_STREAM, config);
      } catch (error) {
        if (!String(error).includes('already')) throw error;
      }
    }
  }

  /**
   * One pull at a time, each left to end by itself. Closing a `consume()` iterator instead forgets its subscription at
   * once, and the events the broker had already sent for it are dropped on arrival: they wait out their ack wait
   * before another replica gets them. A pull that ends by itself has delivered everything it was sent.
   */
  private async run(consumer: Consumer): Promise<void> {
    const batch = Math.max(this.settings.concurrency * 4, 16);
    while (!this.stopping) {
      try {
        const pulledAt = Date.now();
        let received = 0;
        const messages = await consumer.fetch({ max_messages: batch, expires: PULL_EXPIRES_MS });
        for await (const message of messages) {
          received += 1;
          const work = this.process(message).finally(() => this.inFlight.delete(work));
          this.inFlight.add(work);
          if (this.inFlight.size >= this.settings.concurrency) await Promise.race(this.inFlight);
        }
        // A pull that came back empty long before its time (the broker away) is not repeated at once.
        if (received === 0 && Date.now() - pulledAt < PULL_EXPIRES_MS / 2) await new Promise((resolve) => setTimeout(resolve, PULL_RETRY_MS));
      } catch (error) {
        // The broker is away or the consumer was removed: pull again a moment later (a reconnect brings both back).
        if (this.stopping) break;
        this.logger.warn({ err: error, consumer: this.definition.name }, 'pulling events failed; pulling again');
        await new Promise((resolve) => setTimeout(resolve, PULL_RETRY_MS));
      }
    }
  }

  private async process(message: JsMsg): Promise<void> {
    const consumer = this.definition.name;
    const deliveries = message.info.redeliveryCount;
    if (message.redelivered) redeliveries.inc({ consumer });
    let event: CloudEvent | undefined;
    try {
      event = this.decode(message);
      const decoded = event;
      const context = contextFromHeaders({
        correlationId: decoded.correlationid ?? headerValue(message.headers, MessageHeaders.correlationId),
        causationId: decoded.id,
        traceparent: decoded.traceparent ?? headerValue(message.headers, MessageHeaders.traceparent),
      });
      const outcome = await WorkContexts.run(context, () => this.apply(decoded, message.subject));
      message.ack();
      handled.inc({ consumer, outcome });
    } catch (error) {
      const poison = error instanceof PoisonMessage;
      // An unreachable database or a lost serialization race says nothing about the event: retry it for as
      // long as it takes instead of dead-lettering good events during an outage.
      const transient = !poison && isTransientDatabaseError(error);
      if (poison || (!transient && deliveries >= this.settings.maxDeliver)) {
        await this.deadLetter(message, event, error, deliveries);
        return;
      }
      const delay = this.settings.backoffMs[Math.min(deliveries - 1, this.settings.backoffMs.length - 1)] ?? 1_000;
      this.logger.warn({ err: error, consumer, subject: message.subject, deliveries, transient, retryInMs: delay }, 'event handler failed; will retry');
      handled.inc({ consumer, outcome: transient ? 'retry_transient' : 'retry' });
      message.nak(delay);
    }
  }

  private decode(message: JsMsg): CloudEvent {
    let event: CloudEvent;
    try {
      event = message.json<CloudEvent>();
    } catch {
      throw new PoisonMessage('message is not JSON');
    }
    if (!event || typeof event.id !== 'string' || typeof event.type !== 'string' || event.specversion !== '1.0') {
      throw new PoisonMessage('message is not a CloudEvents 1.0 envelope');
    }
    return event;
  }

  /** Runs the handler and writes the inbox row in one transaction; returns the outcome for metrics. */
  private async apply(event: CloudEvent, subject: string): Promise<'applied' | 'duplicate' | 'skipped'> {
    const handler = this.definition.handlers.get(event.type) ?? this.definition.fallback;
    if (!handler) return 'skipped';
    const declaration = findEventByType(event.type);
    if (declaration && this.definition.handlers.has(event.type)) {
      const checked = await validatePayload(declaration.payload as new () => object, event.data);
      if (!checked.ok) throw new PoisonMessage(`data does not match ${event.type}: ${checked.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    }
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(InboxMessage)
        .values({ consumer: this.definition.name, eventId: event.id, subject })
        .orIgnore()
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return 'duplicate' as const;
      await handler(event, manager);
      return 'applied' as const;
    });
  }

  private async deadLetter(message: JsMsg, event: CloudEvent | undefined, error: unknown, deliveries: number): Promise<void> {
    const consumer = this.definition.name;
    const failure = error instanceof Error ? error : new Error(String(error));
    const letter: DeadLetter = {
      consumer,
      subject: message.subject,
      streamSequence: message.seq,
      deliveries,
      error: { name: failure.name, message: failure.message, ...(failure.stack ? { stack: failure.stack } : {}) },
      failedAt: new Date().toISOString(),
      event: event ?? message.string(),
    };
    const headers = natsHeaders();
    if (event?.correlationid) headers.set(MessageHeaders.correlationId, event.correlationid);
    try {
      await this.js.publish(deadLetterSubject(consumer), JSON.stringify(letter), {
        msgID: `${consumer}:${message.info.streamSequence}`,
        headers,
      });
      message.term();
      deadLetters.inc({ consumer });
      handled.inc({ consumer, outcome: 'dead_letter' });
      this.logger.error({ err: failure, consumer, subject: message.subject, deliveries }, 'event sent to the dead-letter subject');
    } catch (publishError) {
      // Not acknowledged: JetStream delivers it again and we try the dead letter again.
      this.logger.error({ err: publishError, consumer }, 'could not publish dead letter; leaving the event for redelivery');
      message.nak(this.settings.backoffMs[this.settings.backoffMs.length - 1] ?? 5_000);
    }
  }
}
