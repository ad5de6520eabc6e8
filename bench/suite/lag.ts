/**
 * How long the suite's event consumers take to handle what a load produced, read from the database afterwards:
 * every service writes its outbox (`<schema>.outbox`, `created_at`) and every consumer its inbox
 * (`<schema>.inbox`, `processed_at`), all in one database, so joining them on `event_id` gives, per consumer, the
 * time from the producer's transaction to the consumer's (both `now()`, i.e. transaction start: the lag until the
 * consumer took the event up, the handler's own short transaction aside).
 *
 * Usage: `markEvents` before the load, `settle` after it (outboxes sent and every JetStream consumer idle),
 * then `consumerLag` for the events produced since the mark.
 */
import type { Suite } from './cluster';

/** Where every outbox stood before a load: events with a higher id were produced by it (or by its consequences). */
export interface EventMark {
  /** Last outbox id per schema. */
  outboxIds: Record<string, string>;
  /** Database time of the mark. */
  at: Date;
  /** Deliveries so far to each durable JetStream consumer (its consumer sequence). */
  delivered: Record<string, number>;
}

export interface ConsumerLag {
  consumer: string;
  /** Events of the window this consumer wrote an inbox row for. */
  handled: number;
  /** Events of the window whose subjects this consumer handled at least once, i.e. the types it takes. */
  ofItsTypes: number;
  /** Events of the window of types it never handled (not its types, or types it skips without an inbox row). */
  otherTypes: number;
  /** Lag in ms, processed_at − outbox created_at. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LagReport {
  /** Events written to every outbox since the mark. */
  produced: number;
  /** Per consumer that handled at least one of them, highest p99 first. */
  consumers: ConsumerLag[];
  /** The consumer with the highest p99. */
  worst?: ConsumerLag;
  /** Durable JetStream consumers that were delivered events of the window but wrote no inbox row for any. */
  silent: string[];
  /** Durable JetStream consumers that were delivered nothing new (none of their subjects was produced). */
  untouched: string[];
}

interface Schemas {
  outbox: string[];
  inbox: string[];
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

async function schemas(suite: Suite): Promise<Schemas> {
  const rows = await suite.database.query<{ schema: string; table: string }>(
    `SELECT table_schema AS schema, table_name AS "table" FROM information_schema.tables WHERE table_name IN ('outbox', 'inbox') AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return { outbox: rows.filter((r) => r.table === 'outbox').map((r) => r.schema), inbox: rows.filter((r) => r.table === 'inbox').map((r) => r.schema) };
}

/** Deliveries so far to every durable JetStream consumer of the suite (its consumer sequence: only what matched its filter). */
async function deliveredSequences(suite: Suite): Promise<Record<string, number>> {
  const delivered: Record<string, number> = {};
  const jsm = await suite.nc.jetstreamManager();
  for await (const stream of jsm.streams.list()) {
    for await (const consumer of jsm.consumers.list(stream.config.name)) {
      if (consumer.config.durable_name) delivered[consumer.config.durable_name] = consumer.delivered.consumer_seq;
    }
  }
  return delivered;
}

export async function markEvents(suite: Suite): Promise<EventMark> {
  const { outbox } = await schemas(suite);
  const rows = await suite.database.query<{ schema: string; id: string; at: Date }>(
    outbox.map((s) => `SELECT '${s}' AS schema, coalesce(max(id), 0)::text AS id, now() AS at FROM ${quote(s)}.outbox`).join(' UNION ALL '),
  );
  return { outboxIds: Object.fromEntries(rows.map((r) => [r.schema, r.id])), at: rows[0]?.at ?? new Date(), delivered: await deliveredSequences(suite) };
}

/** Every consumer that has ever written an inbox row, by schema (`SELECT DISTINCT consumer` over every inbox). */
export async function inboxConsumers(suite: Suite): Promise<Record<string, string[]>> {
  const { inbox } = await schemas(suite);
  const rows = await suite.database.query<{ schema: string; consumer: string }>(
    inbox.map((s) => `SELECT DISTINCT '${s}' AS schema, consumer FROM ${quote(s)}.inbox`).join(' UNION ALL '),
  );
  const bySchema: Record<string, string[]> = {};
  for (const row of rows) (bySchema[row.schema] ??= []).push(row.consumer);
  return bySchema;
}

/**
 * Waits until everything a load set off has been handled: no outbox row unsent in any schema and every JetStream
 * consumer idle (`suite.consumersIdle()`), both at once (a consumer that handles an event may write new ones, and
 * an event not yet relayed leaves the consumers looking idle). Returns the ms it waited.
 */
export async function settle(suite: Suite, timeoutMs = 600_000): Promise<number> {
  const t0 = performance.now();
  const { outbox } = await schemas(suite);
  const unsentSql = `SELECT (${outbox.map((s) => `(SELECT count(*) FROM ${quote(s)}.outbox WHERE sent_at IS NULL)`).join(' + ')})::int AS n`;
  const unsent = async () => (await suite.database.query<{ n: number }>(unsentSql))[0]?.n ?? 0;
  for (;;) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`the suite had not settled after ${timeoutMs} ms`);
    if ((await unsent()) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    await suite.consumersIdle(Math.max(1, timeoutMs - (performance.now() - t0)));
    if ((await unsent()) === 0) return performance.now() - t0;
  }
}

/** Per-consumer lag of the events produced since `mark`; call it once the suite has settled. */
export async function consumerLag(suite: Suite, mark: EventMark): Promise<LagReport> {
  const { outbox, inbox } = await schemas(suite);
  const params: unknown[] = outbox.map((s) => mark.outboxIds[s] ?? '0');
  const produced = outbox.map((s, i) => `SELECT event_id, subject, created_at FROM ${quote(s)}.outbox WHERE id > $${i + 1}::bigint`).join(' UNION ALL ');
  // Only recent inbox rows can be of the window; the bound keeps the join small after many loads.
  const since = `$${params.length + 1}::timestamptz`;
  const handled = inbox.map((s) => `SELECT consumer, event_id, processed_at FROM ${quote(s)}.inbox WHERE processed_at >= ${since}`).join(' UNION ALL ');
  const rows = await suite.database.query<{ consumer: string; handled: number; subjects: string[]; p50: number; p95: number; p99: number; max: number }>(
    `WITH produced AS (${produced}), handled AS (${handled}),
          lag AS (SELECT h.consumer, p.subject, extract(epoch FROM h.processed_at - p.created_at)::float8 * 1000 AS ms FROM handled h JOIN produced p USING (event_id))
     SELECT consumer, count(*)::int AS handled, array_agg(DISTINCT subject) AS subjects,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
            percentile_disc(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
       FROM lag GROUP BY consumer`,
    [...params, new Date(mark.at.getTime() - 60_000)],
  );
  const bySubject = await suite.database.query<{ subject: string; n: number }>(`WITH produced AS (${produced}) SELECT subject, count(*)::int AS n FROM produced GROUP BY subject`, params);
  const total = bySubject.reduce((sum, r) => sum + r.n, 0);
  const round = (ms: number) => Math.round(ms);
  const consumers = rows
    .map((r): ConsumerLag => {
      const ofItsTypes = bySubject.filter((s) => r.subjects.includes(s.subject)).reduce((sum, s) => sum + s.n, 0);
      return { consumer: r.consumer, handled: r.handled, ofItsTypes, otherTypes: total - ofItsTypes, p50: round(r.p50), p95: round(r.p95), p99: round(r.p99), max: round(r.max) };
    })
    .sort((a, b) => b.p99 - a.p99);
  const seen = new Set(consumers.map((c) => c.consumer));
  const delivered = await deliveredSequences(suite);
  const quiet = Object.keys(delivered)
    .filter((name) => !seen.has(name))
    .sort();
  const received = (name: string) => (delivered[name] ?? 0) > (mark.delivered[name] ?? 0);
  return { produced: total, consumers, worst: consumers[0], silent: quiet.filter(received), untouched: quiet.filter((name) => !received(name)) };
}

/** The lag figures of a row's `extra`: the worst consumer's p99 and every consumer's p50/p95/p99 and count. */
export function lagExtra(lag: LagReport): Record<string, number | string> {
  const partial = lag.consumers.filter((c) => c.otherTypes > 0);
  const missing = lag.consumers.filter((c) => c.handled < c.ofItsTypes);
  return {
    events: lag.produced,
    'worst lag p99 ms': lag.worst?.p99 ?? Number.NaN,
    'worst consumer': lag.worst?.consumer ?? 'none',
    'lag p50/p95/p99 ms (handled) by consumer': lag.consumers.map((c) => `${c.consumer} ${c.p50}/${c.p95}/${c.p99} (${c.handled})`).join('; '),
    ...(partial.length > 0 ? { 'counted only its types': partial.map((c) => `${c.consumer} ${c.handled} of ${lag.produced}`).join('; ') } : {}),
    ...(missing.length > 0 ? { 'fewer than its types': missing.map((c) => `${c.consumer} ${c.handled} of ${c.ofItsTypes}`).join('; ') } : {}),
    ...(lag.silent.length > 0 ? { 'delivered events but wrote no inbox row': lag.silent.join('; ') } : {}),
  };
}
