/**
 * A complete outside subscriber of the suite's events: it connects with the read-only credential that
 * `npm run nats:subscriber` minted, keeps its durable consumer on the events stream, checks every event against the
 * contracts, handles it, and acknowledges only after handling.
 *
 *   NATS_URL=tls://nats.itsm.svc:4222 SUBSCRIBER_NAME=crm-sync SUBJECT='itsm.events.incident.>' \
 *   NATS_NKEY_SEED_FILE=/var/run/secrets/itsm/crm-sync.nk [NATS_TLS_CA_FILE=/etc/itsm/ca.pem] \
 *   node -r @swc-node/register docs/examples/event-subscriber.ts
 *
 * It needs the `nats` client and `@itsm/contracts` (the declarations and payload classes of every event), nothing of
 * the suite's services. Replace `logEvent` with what your system does with an event: delivery is at least once, so
 * make it idempotent by the event's `id`.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import {
  AckPolicy,
  connect,
  type ConnectionOptions,
  DeliverPolicy,
  type ConsumerConfig,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  nkeyAuthenticator,
} from 'nats';
import {
  type CloudEvent,
  EVENTS_STREAM,
  type EventDeclaration,
  eventSubjectOfType,
  findEventByType,
  inboxPrefixOf,
  MessageHeaders,
  validatePayload,
} from '@itsm/contracts';

export interface SubscriberOptions {
  /** Broker URL(s), comma-separated. */
  url: string;
  /** The subscriber's name: its credential, its inbox prefix and its durable consumer all carry it. */
  name: string;
  /** The one granted subject its consumer filters on, e.g. `itsm.events.incident.>`. */
  subject: string;
  /** Reads the nkey seed (`SU…`); called at every (re)connection, so a rotated Secret is picked up without a restart. */
  seed: () => string;
  /** PEM file of the CA of the broker's certificate: set it when the broker speaks TLS. */
  tlsCaFile?: string;
  /** What the subscriber does with a checked event; throwing means "try again later". */
  handle: (event: CloudEvent, declaration: EventDeclaration) => Promise<void>;
  log?: (line: string) => void;
  /** Connection name, as the broker's monitoring shows it. */
  connectionName?: string;
  /** Pause before an event whose handling failed is offered again; 5 s by default. */
  retryDelayMs?: number;
}

export interface RunningSubscriber {
  /** Stops pulling, finishes the event in hand, and closes the connection. */
  stop(): Promise<void>;
  /** Settles when the subscriber has stopped: rejected when it stopped because of an error. */
  done: Promise<void>;
}

/** A checked event, or why it cannot be handled. */
export type CheckedEvent = { ok: true; event: CloudEvent; declaration: EventDeclaration } | { ok: false; reason: string };

/** Redeliveries of an event whose handling fails, and the pause before each. */
const MAX_DELIVER = 10;
const RETRY_DELAY_MS = 5_000;

const REQUIRED_STRINGS = ['id', 'source', 'type', 'subject', 'time'] as const;

/**
 * Checks one message against the contracts: a CloudEvents 1.0 JSON envelope with the attributes the suite always
 * sets, a type this version of `@itsm/contracts` declares, published on the subject of that type, with a payload
 * that passes the type's payload class.
 */
export async function checkEvent(subject: string, body: Uint8Array): Promise<CheckedEvent> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'the body is not a JSON object' };
  const envelope = parsed as Record<string, unknown>;
  if (envelope['specversion'] !== '1.0') return { ok: false, reason: `specversion is ${JSON.stringify(envelope['specversion'])}, not "1.0"` };
  for (const attribute of REQUIRED_STRINGS) {
    const value = envelope[attribute];
    if (typeof value !== 'string' || value === '') return { ok: false, reason: `the CloudEvents attribute ${attribute} is missing or not a string` };
  }
  if (envelope['datacontenttype'] !== undefined && envelope['datacontenttype'] !== 'application/json') return { ok: false, reason: 'datacontenttype is not application/json' };
  const type = envelope['type'] as string;
  if (eventSubjectOfType(type) !== subject) return { ok: false, reason: `an event of type ${type} does not belong on ${subject}` };
  const declaration = findEventByType(type);
  // A type the contracts do not know is a newer one than this subscriber was built with: update @itsm/contracts.
  if (!declaration) return { ok: false, reason: `type ${type} is not declared in this version of @itsm/contracts` };
  const payload = await validatePayload(declaration.payload as new () => object, envelope['data']);
  if (!payload.ok) return { ok: false, reason: `data does not match ${type}: ${payload.errors.map((error) => `${error.field || 'data'}: ${error.message}`).join('; ')}` };
  return { ok: true, event: envelope as unknown as CloudEvent, declaration };
}

/**
 * Creates the subscriber's durable consumer, or brings its filter up to date. Its credential allows exactly this
 * consumer, named after it, filtered on a granted subject.
 */
export async function ensureConsumer(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: name,
    filter_subject: subject,
    ack_policy: AckPolicy.Explicit,
    // A new subscriber starts with what the stream still holds; an existing consumer keeps its position.
    deliver_policy: DeliverPolicy.All,
    ack_wait: 30_000_000_000,
    max_deliver: MAX_DELIVER,
    description: `Outside subscriber ${name}`,
  };
  const current = await jsm.consumers.info(EVENTS_STREAM, name).catch((error: unknown) => {
    if (String((error as Error).message).includes('consumer not found')) return undefined;
    throw error;
  });
  if (!current) await jsm.consumers.add(EVENTS_STREAM, config);
  else if (current.config.filter_subject !== subject) await jsm.consumers.update(EVENTS_STREAM, name, { filter_subject: subject });
}

export function subscriberConnectionOptions(options: Pick<SubscriberOptions, 'url' | 'name' | 'seed' | 'tlsCaFile' | 'connectionName'>): ConnectionOptions {
  return {
    servers: options.url.split(',').map((server) => server.trim()),
    name: options.connectionName ?? options.name,
    // Replies (consumer info, pulled messages) come on the subscriber's own inbox: its credential allows no other.
    inboxPrefix: inboxPrefixOf(options.name),
    authenticator: nkeyAuthenticator(() => new TextEncoder().encode(options.seed().trim())),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    ...(options.tlsCaFile ? { tls: { caFile: options.tlsCaFile } } : {}),
  };
}

/**
 * Connects, keeps the durable consumer and handles its events one at a time, in stream order: a checked event is
 * handled, then acknowledged (`ackAck` waits for the broker to record it, so a restart cannot deliver it again).
 * An event that can never be handled (not a CloudEvent, unknown type, wrong subject, invalid payload) is
 * terminated: the broker does not offer it again, and the log says why, with its stream sequence, so it can be
 * looked at. An event whose handling throws is offered again after a pause, at most MAX_DELIVER times.
 */
export async function runSubscriber(options: SubscriberOptions): Promise<RunningSubscriber> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const nc: NatsConnection = await connect(subscriberConnectionOptions(options));
  try {
    await ensureConsumer(await nc.jetstreamManager(), options.name, options.subject);
  } catch (error) {
    await nc.close();
    throw error;
  }
  const consumer = await nc.jetstream().consumers.get(EVENTS_STREAM, options.name);
  const messages = await consumer.consume({ max_messages: 64 });

  const handleOne = async (msg: JsMsg): Promise<void> => {
    const where = `event #${msg.seq} on ${msg.subject} (id ${msg.headers?.get(MessageHeaders.msgId) || 'unknown'})`;
    const checked = await checkEvent(msg.subject, msg.data);
    if (!checked.ok) {
      log(`terminated ${where}: ${checked.reason}`);
      // Without a reason: brokers before 2.10 do not understand `term(reason)` and leave the event pending.
      msg.term();
      return;
    }
    try {
      await options.handle(checked.event, checked.declaration);
    } catch (error) {
      log(`handling ${where} failed (delivery ${msg.info.deliveryCount} of ${MAX_DELIVER}), retrying later: ${(error as Error).message}`);
      msg.nak(options.retryDelayMs ?? RETRY_DELAY_MS);
      return;
    }
    try {
      await msg.ackAck();
    } catch (error) {
      // The broker went away before confirming (a restart, a lost connection): the event comes again after the
      // acknowledgement wait. Delivery is at least once, so handling must be idempotent by event id.
      log(`acknowledgement of ${where} not confirmed, it may come again: ${(error as Error).message}`);
    }
  };

  const done = (async () => {
    for await (const msg of messages) await handleOne(msg);
  })();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await messages.close();
      await done.catch(() => undefined);
      await nc.drain();
    })());
  return { stop, done };
}

/** Replace with your system's work: write to a CRM, open a chat thread, ... */
async function logEvent(event: CloudEvent, declaration: EventDeclaration): Promise<void> {
  process.stdout.write(`${JSON.stringify({ type: declaration.type, subject: event.subject, id: event.id, time: event.time })}\n`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const seedFile = required('NATS_NKEY_SEED_FILE');
  const subscriber = await runSubscriber({
    url: required('NATS_URL'),
    name: required('SUBSCRIBER_NAME'),
    subject: required('SUBJECT'),
    seed: () => readFileSync(seedFile, 'utf8'),
    ...(process.env['NATS_TLS_CA_FILE'] ? { tlsCaFile: process.env['NATS_TLS_CA_FILE'] } : {}),
    handle: logEvent,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void subscriber.stop());
  await subscriber.done;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
