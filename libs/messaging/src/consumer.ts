import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  headers as natsHeaders,
  nanos,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StoredMsg,
} from 'nats';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import {
  type CloudEvent,
  deadLetterSubject,
  eventSubjectOfType,
  EVENTS_STREAM,
  type EventDeclaration,
  findEventByType,
  MessageHeaders,
  type PayloadOf,
  validatePayload,
} from '@itsm/contracts';
import { InboxMessage, isTransientDatabaseError, pgErrorCode } from '@itsm/persistence';
import { contextFromHeaders, counter, gauge, WorkContexts } from '@itsm/observability';
import { ConsumerLeases } from './consumer-lease';
import { deferInserts, writeDeferredInserts } from './deferred-inserts';
import { headerValue } from './nats';
import { isNotFound } from './streams';

export type EventHandlerFn<E extends EventDeclaration = EventDeclaration> = (event: CloudEvent<PayloadOf<E>>, manager: EntityManager) => Promise<void>;

export interface ConsumerDefinition {
  /** `<service>-<purpose>`: the durable name on JetStream, the inbox key and the lease name. */
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
  /** Attempts before an event goes to the dead-letter subject. */
  maxDeliver: number;
  /** Delay before each new attempt after a failure, in ms; the last value repeats. */
  backoffMs: number[];
  /** The broker's acknowledgement wait; events held longer are kept with progress signals at a third of it. */
  ackWaitMs: number;
  /**
   * Transactions applying events at once. Each applies the events ready at the time (at most `maxBatch`) one after
   * the other; one record's events are always applied one at a time, in stream order.
   */
  concurrency: number;
  /** Events applied in one transaction at most (default {@link DEFAULT_MAX_BATCH}); 1 gives each event its own. */
  maxBatch?: number;
  /** How often a replica without the consumer's lease tries to take it, in ms. */
  leaseRetryMs?: number;
  /** Largest message taken as an event, in bytes (default {@link DEFAULT_MAX_EVENT_BYTES}); a larger one is dead-lettered at once. */
  maxEventBytes?: number;
}

/** How long one pull waits on the broker for events; a stop waits for the pull in progress at most this long. */
const PULL_EXPIRES_MS = 2_000;
const PULL_RETRY_MS = 1_000;
const LEASE_RETRY_MS = 2_000;
/** Events a takeover reads back from the stream before it waits for some of them to be handled. */
const CATCH_UP_HELD = 256;
/**
 * Events applied in one transaction at most: one commit (one WAL flush) and one inbox statement for all of them.
 * A batch is what is ready when a transaction starts; nothing waits for a batch to fill.
 */
export const DEFAULT_MAX_BATCH = 32;
/**
 * Largest event taken by default: far above what the contracts of the suite's events allow (their longest texts are
 * bounded), and half the broker's default `max_payload`, so a message this large did not come from a producer of the
 * suite and is refused before it is parsed or held.
 */
export const DEFAULT_MAX_EVENT_BYTES = 524_288;
/** Characters of a message that is not an event kept in its dead letter: enough to recognise it, never a payload too big to publish. */
const DEAD_LETTER_EXCERPT = 4_096;
/** SQLSTATE of a statement in a transaction that an earlier failed statement aborted: says nothing about its event. */
const IN_FAILED_TRANSACTION = '25P02';

const handled = counter('itsm_consumer_events_total', 'Events taken by a consumer, by outcome', ['consumer', 'outcome']);
const redeliveries = counter('itsm_consumer_redeliveries_total', 'Events delivered again after a failure or timeout', ['consumer']);
const deadLetters = counter('itsm_consumer_dead_letters_total', 'Events sent to the dead-letter subject', ['consumer']);
const takeovers = counter('itsm_consumer_takeovers_total', 'Times this replica took the lease of a consumer', ['consumer']);
const caughtUp = counter('itsm_consumer_caught_up_total', 'Events read back from the stream at a takeover because the previous holder had not acknowledged them', ['consumer']);
const heldEvents = gauge('itsm_consumer_held_events', 'Events a consumer holds: waiting for an earlier event of their record, running or waiting to be tried again', ['consumer']);

/** Dead letter as published on `itsm.dlq.<consumer>`. */
export interface DeadLetter {
  consumer: string;
  subject: string;
  streamSequence: number;
  /** Attempts made (1 for an event refused at once). */
  deliveries: number;
  error: { name: string; message: string; stack?: string };
  failedAt: string;
  /** The event as it arrived (its CloudEvent, or the first 4,096 characters of its text when it was not JSON or too large). */
  event: unknown;
}

class PoisonMessage extends Error {
  override name = 'PoisonMessage';
}

/** One event this replica holds, from its delivery (or its read-back at a takeover) until it is settled. */
interface HeldEvent {
  /** Stream sequence: the order of the record's events. */
  seq: number;
  /** The record it is about: its source and subject. */
  record: string;
  subject: string;
  event: CloudEvent;
  /** The delivery to acknowledge; none for an event read back from the stream at a takeover. */
  message: JsMsg | undefined;
  attempts: number;
  state: 'waiting' | 'running' | 'retrying';
  /** Applied in a transaction of its own from now on: it was in a batch that failed, or it failed itself. */
  alone?: boolean;
  timer?: NodeJS.Timeout;
}

type Outcome = 'applied' | 'duplicate' | 'skipped';

/**
 * A durable pull consumer: explicit ack, inbox de-duplication in the handler's transaction, bounded attempts with
 * backoff, dead-lettering after the last attempt, and each record's events applied one at a time in stream order:
 *
 * - the events ready when a transaction starts are applied together in it, in stream order (a record's events
 *   consecutively, none after an earlier one of its record that is still held back), with one inbox statement for
 *   all of them, and acknowledged after its commit; a batch that fails is rolled back whole, the event whose
 *   handler threw counts an attempt as it would alone, and every event of the batch is then applied in a
 *   transaction of its own, so retries, backoff and dead letters are per event;
 * - one replica at a time consumes (it holds the consumer's lease, {@link ConsumerLeases}); the others stand by;
 * - a record's events wait for its earlier ones (in this replica), and a failed event is tried again in place,
 *   its delivery kept alive with progress signals, so nothing of the record overtakes it;
 * - a replica that takes the lease over first reads back from the stream what its predecessor received but did
 *   not acknowledge (between the consumer's ack floor and the last delivered sequence), and applies it before
 *   anything new: no waiting out the acknowledgement wait, and no record's later event before its earlier one.
 *   What the predecessor had applied is found in the inbox and skipped.
 */
export class EventConsumer {
  private readonly leases: ConsumerLeases;
  private readonly ownLeases: boolean;
  private consumer: Consumer | undefined;
  private supervising: Promise<void> | undefined;
  private pulling: Promise<void> | undefined;
  private stopping = false;
  private active = false;
  private epoch = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private napping: (() => void) | undefined;
  private readonly events = new Map<number, HeldEvent>();
  private readonly records = new Map<string, number[]>();
  private running = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly definition: ConsumerDefinition,
    private readonly settings: ConsumerSettings,
    private readonly dataSource: DataSource,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly logger: Logger,
    leases?: ConsumerLeases,
  ) {
    this.ownLeases = !leases;
    this.leases = leases ?? new ConsumerLeases((dataSource.options as { url?: string }).url ?? '', `${definition.name}-lease`, logger);
  }

  get name(): string {
    return this.definition.name;
  }

  /** Whether this replica holds the consumer's lease and consumes. */
  get consuming(): boolean {
    return this.active;
  }

  /** Creates or updates the durable consumer, then consumes when the lease is free (tried at once, then every few seconds). */
  async start(): Promise<void> {
    await this.ensureConsumer();
    this.consumer = await this.js.consumers.get(EVENTS_STREAM, this.definition.name);
    this.stopping = false;
    this.heartbeat = setInterval(() => this.keepAlive(), Math.max(500, Math.floor(this.settings.ackWaitMs / 3)));
    this.heartbeat.unref();
    await this.tryTakeOver();
    this.supervising = this.supervise();
  }

  /**
   * Stops pulling: the pull in progress ends (full, or expired after about PULL_EXPIRES_MS), every event it holds is
   * handled, except those waiting to be tried again after a failure (and the later events of their records): they go
   * back to the broker at once. Then the lease is released and a standby replica takes over.
   */
  async stop(): Promise<void> {
    if (!this.supervising) return;
    this.stopping = true;
    this.napping?.();
    await this.supervising;
    this.supervising = undefined;
    await this.pulling;
    this.pulling = undefined;
    while (this.running > 0 || this.nextWork().length > 0) await this.changed();
    for (const event of this.events.values()) {
      clearTimeout(event.timer);
      try {
        event.message?.nak();
      } catch {
        // The connection is gone: the broker sends it again after its ack wait, or the next holder reads it back.
      }
    }
    this.events.clear();
    this.records.clear();
    heldEvents.set({ consumer: this.name }, 0);
    clearInterval(this.heartbeat);
    this.active = false;
    await this.leases.release(this.name);
    if (this.ownLeases) await this.leases.close();
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

  /** Tries for the lease until the consumer stops; each time it is taken, consumes until it is lost. */
  private async supervise(): Promise<void> {
    while (!this.stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.leaseRetryMs ?? LEASE_RETRY_MS);
        this.napping = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.napping = undefined;
      if (!this.stopping && !this.active) await this.tryTakeOver();
    }
  }

  private async tryTakeOver(): Promise<void> {
    const taken = await this.leases.tryAcquire(this.name, () => this.leaseLost()).catch((error: unknown) => {
      this.logger.warn({ err: error, consumer: this.name }, 'could not ask for the consumer lease; asking again');
      return false;
    });
    if (!taken || this.stopping) {
      if (taken) await this.leases.release(this.name);
      return;
    }
    this.active = true;
    this.epoch += 1;
    takeovers.inc({ consumer: this.name });
    const epoch = this.epoch;
    const previous = this.pulling;
    this.pulling = (async () => {
      await previous;
      await this.catchUp(epoch);
      await this.pull(epoch);
    })();
  }

  /**
   * The lease's connection is gone, so another replica may take over at any moment: nothing more is started, and the
   * events not yet running are let go without an acknowledgement (the next holder reads them back). Those running
   * finish: their transaction decides, and the inbox makes the next holder skip them if they committed.
   */
  private leaseLost(): void {
    if (!this.active) return;
    this.active = false;
    for (const event of [...this.events.values()]) if (event.state !== 'running') this.settle(event);
    this.notify();
  }

  private isCurrent(epoch: number): boolean {
    return this.active && this.epoch === epoch && !this.stopping;
  }

  /**
   * At a takeover: the events the consumer delivered but nobody acknowledged lie between its ack floor and its last
   * delivered sequence. They are read back from the stream, in order, before anything new is pulled, so none of
   * their records' later events is applied first and none waits out the acknowledgement wait. Events the previous
   * holder applied (or dead-lettered) are in the inbox and are skipped; their deliveries come back later and are
   * acknowledged as duplicates.
   */
  private async catchUp(epoch: number): Promise<void> {
    while (this.isCurrent(epoch)) {
      try {
        const info = await this.jsm.consumers.info(EVENTS_STREAM, this.name);
        if (info.num_ack_pending === 0) return;
        const last = info.delivered.stream_seq;
        let seq = info.ack_floor.stream_seq + 1;
        let count = 0;
        while (seq <= last && this.isCurrent(epoch)) {
          if (this.events.size >= CATCH_UP_HELD) {
            await this.changed();
            continue;
          }
          const stored = await this.readFrom(seq);
          if (!stored || stored.seq > last) break;
          seq = stored.seq + 1;
          if (this.events.has(stored.seq) || stored.data.length > this.maxEventBytes) continue; // too large: its own delivery dead-letters it
          let event: CloudEvent;
          try {
            event = this.decode(() => stored.json<CloudEvent>());
          } catch {
            continue; // not an event: its own delivery dead-letters it
          }
          this.hold({ seq: stored.seq, record: recordOf(event, stored.seq), subject: stored.subject, event, message: undefined, attempts: 0, state: 'waiting' });
          count += 1;
        }
        if (count > 0) {
          caughtUp.inc({ consumer: this.name }, count);
          this.logger.info({ consumer: this.name, events: count, from: info.ack_floor.stream_seq + 1, to: last }, 'took the consumer over: applying what the previous holder had not acknowledged');
        }
        return;
      } catch (error) {
        this.logger.warn({ err: error, consumer: this.name }, 'reading back unacknowledged events failed; trying again');
        await sleep(PULL_RETRY_MS);
      }
    }
  }

  private async readFrom(seq: number): Promise<StoredMsg | undefined> {
    try {
      // `next_by_subj` (with wildcards) is supported by the server since 2.9; the client's type for this call lacks it.
      return await this.jsm.streams.getMessage(EVENTS_STREAM, { next_by_subj: this.definition.filter, seq } as unknown as { seq: number });
    } catch (error) {
      if (isNotFound(error) || String(error).includes('no message found')) return undefined;
      throw error;
    }
  }

  /**
   * One pull at a time, each left to end by itself. Closing a `consume()` iterator instead forgets its subscription at
   * once, and the events the broker had already sent for it are dropped on arrival: they wait out their ack wait
   * before another replica gets them. A pull that ends by itself has delivered everything it was sent.
   */
  private async pull(epoch: number): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    const batch = Math.max(this.settings.concurrency * 4, 16);
    // Room for a batch to gather while the transactions run.
    const limit = Math.max(batch * 2, this.maxBatch * (this.settings.concurrency + 1));
    while (this.isCurrent(epoch)) {
      const room = limit - this.events.size;
      if (room <= 0) {
        await this.changed();
        continue;
      }
      try {
        const pulledAt = Date.now();
        let received = 0;
        const messages = await consumer.fetch({ max_messages: Math.min(batch, room), expires: PULL_EXPIRES_MS });
        for await (const message of messages) {
          received += 1;
          // After the lease is lost nothing more is taken; the next holder reads these back.
          if (this.active && this.epoch === epoch) this.receive(message);
        }
        // A pull that came back empty long before its time (the broker away) is not repeated at once.
        if (received === 0 && Date.now() - pulledAt < PULL_EXPIRES_MS / 2) await sleep(PULL_RETRY_MS);
      } catch (error) {
        // The broker is away or the consumer was removed: pull again a moment later (a reconnect brings both back).
        if (!this.isCurrent(epoch)) break;
        this.logger.warn({ err: error, consumer: this.name }, 'pulling events failed; pulling again');
        await sleep(PULL_RETRY_MS);
      }
    }
  }

  private receive(message: JsMsg): void {
    if (message.redelivered) redeliveries.inc({ consumer: this.name });
    const known = this.events.get(message.seq);
    if (known) {
      // Delivered again while held here (read back at a takeover, or its ack wait passed): the newest delivery is the one to acknowledge.
      known.message = message;
      return;
    }
    if (message.data.length > this.maxEventBytes) {
      const refused = new PoisonMessage(`message is ${message.data.length} bytes, above the limit of ${this.maxEventBytes}`);
      void this.deadLetter({ seq: message.seq, subject: message.subject, message, raw: excerpt(message) }, refused, message.info.redeliveryCount);
      return;
    }
    let event: CloudEvent;
    try {
      event = this.decode(() => message.json<CloudEvent>());
    } catch (error) {
      void this.deadLetter({ seq: message.seq, subject: message.subject, message, raw: excerpt(message) }, error, message.info.redeliveryCount);
      return;
    }
    this.hold({ seq: message.seq, record: recordOf(event, message.seq), subject: message.subject, event, message, attempts: 0, state: 'waiting' });
  }

  private hold(event: HeldEvent): void {
    this.events.set(event.seq, event);
    const queue = this.records.get(event.record);
    if (!queue) this.records.set(event.record, [event.seq]);
    else {
      let at = queue.length;
      while (at > 0 && (queue[at - 1] ?? 0) > event.seq) at -= 1;
      queue.splice(at, 0, event.seq);
    }
    heldEvents.set({ consumer: this.name }, this.events.size);
    this.pump();
  }

  /** Done with an event (handled, dead-lettered, or let go): its record's next event may run. */
  private settle(event: HeldEvent): void {
    clearTimeout(event.timer);
    this.events.delete(event.seq);
    const queue = this.records.get(event.record);
    if (queue) {
      const at = queue.indexOf(event.seq);
      if (at >= 0) queue.splice(at, 1);
      if (queue.length === 0) this.records.delete(event.record);
    }
    heldEvents.set({ consumer: this.name }, this.events.size);
  }

  private get maxEventBytes(): number {
    return this.settings.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  private get maxBatch(): number {
    return Math.max(1, this.settings.maxBatch ?? DEFAULT_MAX_BATCH);
  }

  /**
   * What the next transaction applies, in stream order: the earliest held event that is first of its record and
   * waiting, and with it (unless it is to be applied alone) the other waiting events whose earlier events of their
   * record are all in the batch too, up to `maxBatch`. An event to be applied alone ends its record's run.
   */
  private nextWork(): HeldEvent[] {
    if (!this.active) return [];
    let first: HeldEvent | undefined;
    const ready: HeldEvent[] = [];
    for (const queue of this.records.values()) {
      for (const [index, seq] of queue.entries()) {
        const event = this.events.get(seq);
        if (event?.state !== 'waiting') break;
        if (index === 0 && (!first || event.seq < first.seq)) first = event;
        if (event.alone) break;
        ready.push(event);
      }
    }
    if (!first || first.alone || this.maxBatch === 1) return first ? [first] : [];
    ready.sort((a, b) => a.seq - b.seq);
    return ready.length > this.maxBatch ? ready.slice(0, this.maxBatch) : ready;
  }

  private pump(): void {
    while (this.running < this.settings.concurrency) {
      const batch = this.nextWork();
      const [only] = batch;
      if (!only) return;
      for (const event of batch) event.state = 'running';
      this.running += 1;
      void (batch.length === 1 ? this.process(only) : this.processBatch(batch)).finally(() => {
        this.running -= 1;
        this.pump();
        this.notify();
      });
    }
  }

  private async process(held: HeldEvent): Promise<void> {
    try {
      const outcome = await WorkContexts.run(contextOf(held), () => this.apply(held));
      held.message?.ack();
      handled.inc({ consumer: this.name, outcome });
      this.settle(held);
    } catch (error) {
      await this.failed(held, error);
    }
  }

  /**
   * Applies a batch in one transaction: one inbox statement for all its events (the ids it returns are the new
   * ones; the others are skipped as duplicates, as is a second copy of an event within the batch), then each new
   * event's handler in stream order, in the event's own work context, so each sees what the earlier ones wrote.
   * Acknowledged after the commit. On any failure the whole batch is rolled back and its events are applied alone.
   */
  private async processBatch(batch: HeldEvent[]): Promise<void> {
    const running: { event?: HeldEvent } = {};
    let outcomes: Outcome[];
    try {
      const handlers = await Promise.all(batch.map((held) => this.handlerFor(held)));
      // Events of types this consumer does not handle need no transaction (nor an inbox row).
      outcomes = handlers.some(Boolean) ? await this.applyBatch(batch, handlers, running) : batch.map(() => 'skipped');
    } catch (error) {
      await this.batchFailed(batch, running.event, error);
      return;
    }
    for (const [at, held] of batch.entries()) {
      held.message?.ack();
      handled.inc({ consumer: this.name, outcome: outcomes[at] ?? 'applied' });
      this.settle(held);
    }
  }

  /** The transaction of a batch; `running.event` names the event whose handler runs, i.e. the one that threw. */
  private applyBatch(batch: readonly HeldEvent[], handlers: ReadonlyArray<EventHandlerFn | undefined>, running: { event?: HeldEvent }): Promise<Outcome[]> {
    return this.dataSource.transaction(async (manager) => {
      const fresh = await this.insertInbox(manager, batch.filter((_, at) => handlers[at]));
      // Rows the handlers insert at commit are written for the whole batch at once, after the last handler: a
      // failure there names no event, so the batch is then applied one event per transaction (see batchFailed).
      deferInserts(manager);
      const outcomes: Outcome[] = [];
      for (const [at, held] of batch.entries()) {
        const handler = handlers[at];
        if (!handler) outcomes.push('skipped');
        else if (!fresh.delete(canonicalUuid(held.event.id))) outcomes.push('duplicate');
        else {
          running.event = held;
          await WorkContexts.run(contextOf(held), () => handler(held.event, manager));
          running.event = undefined;
          outcomes.push('applied');
        }
      }
      await writeDeferredInserts(manager);
      return outcomes;
    });
  }

  /**
   * A rolled-back batch: the event whose handler threw (if one did, and not merely because an earlier statement had
   * aborted the transaction) counts the attempt, as it would have alone; every event of the batch is then applied in
   * a transaction of its own, the others at once, so a failure is retried, backed off and dead-lettered per event.
   */
  private async batchFailed(batch: HeldEvent[], failing: HeldEvent | undefined, error: unknown): Promise<void> {
    const blamed = failing && pgErrorCode(error) !== IN_FAILED_TRANSACTION ? failing : undefined;
    if (!blamed) this.logger.warn({ err: error, consumer: this.name, events: batch.length }, 'a batch of events failed; applying them one at a time');
    for (const held of batch) {
      if (held === blamed) continue;
      held.alone = true;
      // The lease went while it ran: let it go, the next holder reads it back.
      if (!this.active) this.settle(held);
      else held.state = 'waiting';
    }
    if (blamed) await this.failed(blamed, error);
  }

  /** One failed attempt of an event: dead-lettered after the last one, otherwise tried again in place after a delay. */
  private async failed(held: HeldEvent, error: unknown): Promise<void> {
    const consumer = this.name;
    held.attempts += 1;
    held.alone = true;
    const poison = error instanceof PoisonMessage;
    // An unreachable database or a lost serialization race says nothing about the event: retry it for as
    // long as it takes instead of dead-lettering good events during an outage.
    const transient = !poison && isTransientDatabaseError(error);
    if ((poison || (!transient && held.attempts >= this.settings.maxDeliver)) && (await this.deadLetter(held, error, held.attempts))) {
      this.settle(held);
      return;
    }
    if (!this.active) {
      // The lease went while it ran: let it go, the next holder reads it back.
      this.settle(held);
      return;
    }
    const delay = this.settings.backoffMs[Math.min(held.attempts - 1, this.settings.backoffMs.length - 1)] ?? 1_000;
    this.logger.warn({ err: error, consumer, subject: held.subject, attempts: held.attempts, transient, retryInMs: delay }, 'event handler failed; will retry');
    handled.inc({ consumer, outcome: transient ? 'retry_transient' : 'retry' });
    // Tried again here, after the delay, with its delivery kept alive: the record's later events wait for it.
    held.state = 'retrying';
    held.timer = setTimeout(() => {
      held.timer = undefined;
      held.state = 'waiting';
      this.pump();
      this.notify();
    }, delay);
  }

  private decode(read: () => CloudEvent): CloudEvent {
    let event: CloudEvent;
    try {
      event = read();
    } catch {
      throw new PoisonMessage('message is not JSON');
    }
    if (!event || typeof event.id !== 'string' || typeof event.type !== 'string' || event.specversion !== '1.0') {
      throw new PoisonMessage('message is not a CloudEvents 1.0 envelope');
    }
    return event;
  }

  /** Runs the handler and writes the inbox row in one transaction; returns the outcome for metrics. */
  private async apply(held: HeldEvent): Promise<Outcome> {
    const handler = await this.handlerFor(held);
    if (!handler) return 'skipped';
    return this.dataSource.transaction(async (manager) => {
      if ((await this.insertInbox(manager, [held])).size === 0) return 'duplicate' as const;
      deferInserts(manager);
      await handler(held.event, manager);
      await writeDeferredInserts(manager);
      return 'applied' as const;
    });
  }

  /**
   * The event's handler (none: acknowledged and skipped), once the event is checked: its type names the subject it
   * came on (a handler picked by type must not act on an event routed as another), and its data matches the
   * declaration of its type, for a handler of every type (an event log, a router) as for one of that type.
   */
  private async handlerFor(held: HeldEvent): Promise<EventHandlerFn | undefined> {
    const { event, subject } = held;
    const routed = eventSubjectOfType(event.type);
    if (routed !== subject) throw new PoisonMessage(`type ${event.type} does not match subject ${subject} (its subject is ${routed})`);
    const handler = this.definition.handlers.get(event.type) ?? this.definition.fallback;
    if (!handler) return undefined;
    const declaration = findEventByType(event.type);
    if (declaration) {
      const checked = await validatePayload(declaration.payload as new () => object, event.data);
      if (!checked.ok) throw new PoisonMessage(`data does not match ${event.type}: ${checked.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    }
    return handler;
  }

  /**
   * Writes the events' inbox rows in one statement; returns the ids (canonical form) of those that were not there,
   * i.e. the events to apply. A second copy of an id within the statement is skipped like one already stored.
   */
  private async insertInbox(manager: EntityManager, events: readonly HeldEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const table = manager.connection.getMetadata(InboxMessage).tablePath;
    const parameters: string[] = [this.name];
    const rows = events.map(({ event, subject }) => {
      parameters.push(event.id, subject);
      return `($1, $${parameters.length - 1}, $${parameters.length})`;
    });
    const inserted = await manager.query<Array<{ event_id: string }>>(
      `INSERT INTO ${table} (consumer, event_id, subject) VALUES ${rows.join(', ')} ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
      parameters,
    );
    return new Set(inserted.map((row) => row.event_id));
  }

  /**
   * Publishes the dead letter, then marks the event done in the inbox (so a takeover reading it back, or its late
   * redelivery, skips it), then terminates its delivery. Returns false when that could not be done: the event is
   * tried again later, and its dead letter, de-duplicated by the broker, is published once.
   */
  private async deadLetter(
    held: { seq: number; subject: string; message: JsMsg | undefined; event?: CloudEvent; raw?: string },
    error: unknown,
    attempts: number,
  ): Promise<boolean> {
    const consumer = this.name;
    const failure = error instanceof Error ? error : new Error(String(error));
    const letter: DeadLetter = {
      consumer,
      subject: held.subject,
      streamSequence: held.seq,
      deliveries: attempts,
      error: { name: failure.name, message: failure.message, ...(failure.stack ? { stack: failure.stack } : {}) },
      failedAt: new Date().toISOString(),
      event: held.event ?? held.raw,
    };
    const headers = natsHeaders();
    if (held.event?.correlationid) headers.set(MessageHeaders.correlationId, held.event.correlationid);
    try {
      await this.js.publish(deadLetterSubject(consumer), JSON.stringify(letter), { msgID: `${consumer}:${held.seq}`, headers });
      if (held.event) {
        await this.dataSource.createQueryBuilder().insert().into(InboxMessage).values({ consumer, eventId: held.event.id, subject: held.subject }).orIgnore().execute();
      }
      held.message?.term();
      deadLetters.inc({ consumer });
      handled.inc({ consumer, outcome: 'dead_letter' });
      this.logger.error({ err: failure, consumer, subject: held.subject, attempts }, 'event sent to the dead-letter subject');
      return true;
    } catch (publishError) {
      this.logger.error({ err: publishError, consumer }, 'could not write the dead letter; the event will be tried again');
      if (!held.event) held.message?.nak(this.settings.backoffMs[this.settings.backoffMs.length - 1] ?? 5_000);
      return false;
    }
  }

  /** Tells the broker that the events held here are still being worked on, so it does not send them elsewhere. */
  private keepAlive(): void {
    if (!this.active) return;
    for (const event of this.events.values()) event.message?.working();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      // Never wait forever on a missed signal.
      setTimeout(resolve, PULL_EXPIRES_MS).unref();
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The work context of an event's handler: its correlation, the event as cause, and its trace. */
function contextOf(held: HeldEvent): ReturnType<typeof contextFromHeaders> {
  const { event, message } = held;
  return contextFromHeaders({
    correlationId: event.correlationid ?? headerValue(message?.headers, MessageHeaders.correlationId),
    causationId: event.id,
    traceparent: event.traceparent ?? headerValue(message?.headers, MessageHeaders.traceparent),
  });
}

/**
 * A UUID as PostgreSQL prints it (lower case, 8-4-4-4-12), from any form it accepts (upper case, braces, other
 * hyphenation), to match the ids an inbox statement returns with the events sent.
 */
function canonicalUuid(id: string): string {
  const hex = id.replace(/[{}-]/g, '').toLowerCase();
  return hex.length === 32 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : id;
}

/** The start of a message that is not an event, for its dead letter. */
function excerpt(message: JsMsg): string {
  const text = new TextDecoder().decode(message.data.subarray(0, DEAD_LETTER_EXCERPT * 4));
  return text.length > DEAD_LETTER_EXCERPT ? text.slice(0, DEAD_LETTER_EXCERPT) : text;
}

/** The record an event is about: its source and subject (an event without a subject is a record of its own). */
function recordOf(event: CloudEvent, seq: number): string {
  return typeof event.subject === 'string' && event.subject.length > 0 ? `${event.source} ${event.subject}` : `#${seq}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
