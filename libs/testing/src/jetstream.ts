import { AckPolicy, DeliverPolicy, type JetStreamManager, type NatsConnection } from 'nats';
import { type CloudEvent, DLQ_STREAM, EVENTS_STREAM, GATEWAY_BUCKETS } from '@itsm/contracts';

/**
 * Removes the suite's streams (and with them every consumer) and the gateway's buckets (API keys, rate-limit
 * counters), so a test file starts from an empty broker.
 */
export async function resetStreams(nc: NatsConnection): Promise<void> {
  const jsm = await nc.jetstreamManager();
  for (const stream of [EVENTS_STREAM, DLQ_STREAM, ...GATEWAY_BUCKETS.map((bucket) => `KV_${bucket}`)]) {
    await jsm.streams.delete(stream).catch(() => undefined);
  }
}

export interface StoredMessage<T = unknown> {
  subject: string;
  seq: number;
  headers: Record<string, string>;
  body: T;
}

/** Every message currently stored in a stream under a filter, read with an ephemeral consumer. */
export async function readStream<T = CloudEvent>(nc: NatsConnection, stream: string, filter: string): Promise<Array<StoredMessage<T>>> {
  const jsm: JetStreamManager = await nc.jetstreamManager();
  let info;
  try {
    info = await jsm.streams.info(stream, { subjects_filter: filter });
  } catch {
    return [];
  }
  const total = Object.values(info.state.subjects ?? {}).reduce((sum, count) => sum + count, 0);
  if (total === 0) return [];
  const consumer = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    filter_subject: filter,
    inactive_threshold: 30_000_000_000,
  });
  const js = nc.jetstream();
  const reader = await js.consumers.get(stream, consumer.name);
  const messages: Array<StoredMessage<T>> = [];
  while (messages.length < total) {
    const batch = await reader.fetch({ max_messages: Math.min(total - messages.length, 500), expires: 2_000 });
    let got = 0;
    for await (const message of batch) {
      got += 1;
      const headers: Record<string, string> = {};
      for (const key of message.headers?.keys() ?? []) headers[key] = message.headers?.get(key) ?? '';
      messages.push({ subject: message.subject, seq: message.seq, headers, body: message.json<T>() });
    }
    if (got === 0) break;
  }
  await jsm.consumers.delete(stream, consumer.name).catch(() => undefined);
  return messages;
}

export function readEvents(nc: NatsConnection, filter: string): Promise<Array<StoredMessage<CloudEvent>>> {
  return readStream<CloudEvent>(nc, EVENTS_STREAM, filter);
}
