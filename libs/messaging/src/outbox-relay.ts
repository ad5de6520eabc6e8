import { headers as natsHeaders, type JetStreamClient } from 'nats';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { type CloudEvent, MessageHeaders } from '@itsm/contracts';
import { outboxChannel, quoteIdent } from '@itsm/persistence';
import { counter, gauge } from '@itsm/observability';

export interface OutboxRelayOptions {
  service: string;
  schema: string;
  databaseUrl: string;
  batchSize: number;
  /** Safety net when a notification is missed (e.g. the LISTEN connection was down). */
  pollIntervalMs: number;
}

interface PendingRow {
  id: string;
  event_id: string;
  subject: string;
  envelope: CloudEvent;
}

/** Relays running in this process; the backlog gauge reports each of them (tests run several services in one). */
const activeRelays = new Set<OutboxRelay>();
gauge('itsm_outbox_backlog', 'Outbox rows not yet published', ['service'], async function collect() {
  await Promise.all([...activeRelays].map(async (relay) => this.set({ service: relay.service }, await relay.backlog())));
});

const published = counter('itsm_outbox_published_total', 'Outbox events published to JetStream', ['service']);
const failures = counter('itsm_outbox_publish_failures_total', 'Outbox publish attempts that failed', ['service']);

/**
 * Publishes committed outbox rows to JetStream, oldest first, and marks them sent. One replica drains a
 * schema at a time (transaction-scoped advisory lock), so events of one record reach the stream in the
 * order they were written; rows are locked FOR UPDATE SKIP LOCKED, so a crash or a second relay never
 * loses one. A crash between publish and mark re-publishes with the same Nats-Msg-Id: JetStream drops it
 * within its duplicate window and consumers' inboxes drop it after that.
 */
export class OutboxRelay {
  private listener: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** A notification came in while a drain was running. */
  private noticedWhileRunning = false;
  /** Notifications received so far, and how many of them had arrived when the last batch was read. */
  private notices = 0;
  private noticesRead = 0;
  private stopped = true;
  private failureStreak = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly js: JetStreamClient,
    private readonly options: OutboxRelayOptions,
    private readonly logger: Logger,
  ) {
  }

  get service(): string {
    return this.options.service;
  }

  /** Committed rows not yet published. */
  async backlog(): Promise<number> {
    if (!this.dataSource.isInitialized) return 0;
    const rows = (await this.dataSource.query(`SELECT count(*) AS count FROM ${quoteIdent(this.options.schema)}."outbox" WHERE sent_at IS NULL`)) as Array<{ count: string }>;
    return Number(rows[0]?.count ?? 0);
  }

  async start(): Promise<void> {
    this.stopped = false;
    activeRelays.add(this);
    await this.listen();
    this.schedule(0);
  }

  /** Stops listening and publishes what is still pending, so a clean shutdown leaves nothing behind. */
  async stop(): Promise<void> {
    this.stopped = true;
    activeRelays.delete(this);
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.drain().catch((error: unknown) => this.logger.warn({ err: error }, 'final outbox flush failed; rows stay for the next start'));
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Publishes until no committed row is pending; returns how many were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.publishBatch();
      total += batch.published;
      if (!batch.more) return total;
    }
  }

  /** Runs a drain now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.drain()
      .then(() => {
        this.failureStreak = 0;
      })
      .catch((error: unknown) => {
        this.failureStreak += 1;
        this.logger.warn({ err: error, streak: this.failureStreak }, 'outbox relay round failed');
      })
      .finally(() => {
        this.running = undefined;
        // A notification that arrived before the last read announced a row that read saw (the commit comes
        // first): only a later one can mean more rows.
        const again = this.again || (this.noticedWhileRunning && (this.failureStreak > 0 || this.notices > this.noticesRead));
        this.again = false;
        this.noticedWhileRunning = false;
        if (again) {
          this.schedule(0);
        } else {
          // Back off while JetStream or the database is failing; poll slowly otherwise.
          const delay = this.failureStreak > 0 ? Math.min(200 * 2 ** this.failureStreak, 10_000) : this.options.pollIntervalMs;
          this.schedule(delay);
        }
      });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), delayMs);
    this.timer.unref();
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: `${this.options.service}-outbox-listener` });
    let listening = false;
    const onLost = (error?: Error): void => {
      // Only a connection that was listening is mourned; a failed attempt is retried by relisten().
      if (!listening) return;
      listening = false;
      if (this.listener === client) this.listener = undefined;
      if (this.stopped) return;
      this.logger.warn({ err: error }, 'outbox LISTEN connection lost; polling until it is back');
      this.relisten(1_000);
    };
    client.on('notification', () => {
      this.notices += 1;
      if (this.running) this.noticedWhileRunning = true;
      else this.wake();
    });
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(outboxChannel(this.options.schema))}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    listening = true;
    this.listener = client;
  }

  /** Tries to LISTEN again until it works (or the relay stops), then drains what was missed meanwhile. */
  private relisten(delayMs: number): void {
    setTimeout(() => {
      if (this.stopped || this.listener) return;
      this.listen().then(
        () => {
          this.logger.info('outbox LISTEN connection back');
          this.wake();
        },
        () => this.relisten(Math.min(delayMs * 2, 10_000)),
      );
    }, delayMs).unref();
  }

  private async publishBatch(): Promise<{ published: number; more: boolean }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const notices = this.notices;
      // The advisory lock is taken by the same statement: one replica drains a schema at a time, and a relay
      // that does not get the lock sees no rows (the holder publishes them).
      const rows = (await runner.query(
        `SELECT id, event_id, subject, envelope FROM ${quoteIdent(this.options.schema)}."outbox"
          WHERE sent_at IS NULL AND pg_try_advisory_xact_lock(hashtext($2))
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize, `itsm:outbox:${this.options.schema}`],
      )) as PendingRow[];
      this.noticesRead = notices;
      if (rows.length === 0) {
        await runner.commitTransaction();
        return { published: 0, more: false };
      }
      const sent: string[] = [];
      let failure: { row: PendingRow; error: unknown } | undefined;
      // Pipelined on one connection, so the stream keeps their order; but a record's next event is sent only once
      // its previous one is acknowledged: if one fails, nothing of that record gets ahead of it (it and the rest
      // of the record stay unsent for the next round), while other records go on.
      const previousOfRecord = new Map<string, Promise<boolean>>();
      const acks = rows.map((row) => {
        const record = `${row.envelope.source} ${row.envelope.subject}`;
        const previous = previousOfRecord.get(record) ?? Promise.resolve(true);
        const result = previous.then(async (ok) => {
          if (!ok) return { row, outcome: 'held' as const, error: undefined as unknown };
          return this.publishRow(row).then(
            () => ({ row, outcome: 'sent' as const, error: undefined as unknown }),
            (error: unknown) => ({ row, outcome: 'failed' as const, error }),
          );
        });
        previousOfRecord.set(record, result.then((done) => done.outcome === 'sent'));
        return result;
      });
      for (const result of await Promise.all(acks)) {
        if (result.outcome === 'sent') sent.push(result.row.id);
        else if (result.outcome === 'failed') failure ??= { row: result.row, error: result.error };
      }
      if (sent.length > 0) {
        await runner.query(`UPDATE ${quoteIdent(this.options.schema)}."outbox" SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`, [sent]);
      }
      if (failure) {
        await runner.query(`UPDATE ${quoteIdent(this.options.schema)}."outbox" SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
          failure.row.id,
          String((failure.error as Error)?.message ?? failure.error).slice(0, 2000),
        ]);
      }
      await runner.commitTransaction();
      published.inc({ service: this.options.service }, sent.length);
      if (failure) {
        failures.inc({ service: this.options.service });
        throw failure.error;
      }
      return { published: sent.length, more: rows.length === this.options.batchSize };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async publishRow(row: PendingRow): Promise<void> {
    const headers = natsHeaders();
    headers.set(MessageHeaders.correlationId, row.envelope.correlationid);
    if (row.envelope.traceparent) headers.set(MessageHeaders.traceparent, row.envelope.traceparent);
    if (row.envelope.causationid) headers.set(MessageHeaders.causationId, row.envelope.causationid);
    headers.set('Content-Type', 'application/cloudevents+json');
    await this.js.publish(row.subject, JSON.stringify(row.envelope), { msgID: row.event_id, headers, timeout: 10_000 });
  }
}
