import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { IdempotencyKey, InboxMessage, OutboxMessage } from '@itsm/persistence';
import { counter } from '@itsm/observability';
import { PeriodicTask } from './periodic-task';

export interface HousekeepingOptions {
  schema: string;
  /** Sent outbox rows older than this are deleted (keep it above the JetStream duplicate window). */
  outboxRetentionHours: number;
  /** Inbox rows older than this are deleted (keep it at least as long as events stay on the stream). */
  inboxRetentionDays: number;
  /** `Idempotency-Key`s older than this are forgotten (where the service keeps them). */
  idempotencyKeyRetentionHours?: number;
  intervalMs: number;
}

const deleted = counter('itsm_housekeeping_deleted_rows_total', 'Outbox and inbox rows removed by housekeeping', ['table']);

/**
 * Keeps the outbox and the inbox from growing for ever. Sent outbox rows are only history once JetStream's
 * duplicate window has passed; inbox rows only guard against redelivery while the event can still be delivered.
 * One replica cleans a schema at a time (advisory lock); deletes go in bounded batches.
 */
export class Housekeeping {
  private readonly task: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: HousekeepingOptions,
    private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask(logger, 'housekeeping failed; trying again later');
  }

  start(): void {
    this.task.start(this.options.intervalMs, () => this.run());
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One cleaning round; returns the rows deleted from each table. */
  async run(): Promise<{ outbox: number; inbox: number; idempotencyKeys: number }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`itsm:housekeeping:${this.options.schema}`])) as Array<{ locked: boolean }>;
      if (!lock?.locked) return { outbox: 0, inbox: 0, idempotencyKeys: 0 };
      try {
        const outbox = await this.deleteInBatches(
          runner.connection.getMetadata(OutboxMessage).tablePath,
          `sent_at IS NOT NULL AND sent_at < now() - make_interval(hours => $1)`,
          this.options.outboxRetentionHours,
          (sql, params) => runner.query(sql, params),
        );
        const inbox = await this.deleteInBatches(
          runner.connection.getMetadata(InboxMessage).tablePath,
          `processed_at < now() - make_interval(days => $1)`,
          this.options.inboxRetentionDays,
          (sql, params) => runner.query(sql, params),
        );
        // Idempotency keys protect retries of one client call; a day covers every sane retry policy.
        const idempotencyKeys = this.dataSource.hasMetadata(IdempotencyKey)
          ? await this.deleteInBatches(
              runner.connection.getMetadata(IdempotencyKey).tablePath,
              `created_at < now() - make_interval(hours => $1)`,
              this.options.idempotencyKeyRetentionHours ?? 24,
              (sql, params) => runner.query(sql, params),
            )
          : 0;
        deleted.inc({ table: 'outbox' }, outbox);
        deleted.inc({ table: 'inbox' }, inbox);
        deleted.inc({ table: 'idempotency_keys' }, idempotencyKeys);
        if (outbox + inbox + idempotencyKeys > 0) this.logger.info({ outbox, inbox, idempotencyKeys }, 'housekeeping removed old rows');
        return { outbox, inbox, idempotencyKeys };
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`itsm:housekeeping:${this.options.schema}`]);
      }
    } finally {
      await runner.release();
    }
  }

  private async deleteInBatches(table: string, condition: string, age: number, query: (sql: string, params: unknown[]) => Promise<unknown>): Promise<number> {
    let total = 0;
    for (;;) {
      // ctid batches keep each delete (and its locks) short on a large table.
      const result = (await query(
        `WITH doomed AS (SELECT ctid FROM ${table} WHERE ${condition} LIMIT 5000) DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM doomed)`,
        [age],
      )) as [unknown[], number];
      const count = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
      total += count;
      if (count < 5000) return total;
    }
  }
}
