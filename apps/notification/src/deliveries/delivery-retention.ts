import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PeriodicTask } from '@itsm/messaging';
import { SERVICE_CONFIG, SERVICE_OPTIONS, type ServiceRuntimeOptions } from '@itsm/runtime';
import type { NotificationConfig } from '../config';
import { Delivery } from './delivery.entity';

const BATCH = 1000;

/** Deletes settled deliveries (and their attempts) older than NOTIFICATION_DELIVERY_RETENTION_DAYS, in batches. */
@Injectable()
export class DeliveryRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @Inject(SERVICE_OPTIONS) options: ServiceRuntimeOptions,
  ) {
    this.task = new PeriodicTask(options.logger.child({ component: 'delivery-retention' }), 'delivery retention failed; trying again later');
  }

  onApplicationBootstrap(): void {
    this.task.start(this.config.HOUSEKEEPING_INTERVAL_MS, () => this.run());
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Returns how many deliveries it deleted. */
  async run(): Promise<number> {
    const table = this.dataSource.getMetadata(Delivery).tablePath;
    let total = 0;
    for (;;) {
      const [row]: Array<{ n: number }> = await this.dataSource.query(
        `WITH deleted AS (
           DELETE FROM ${table} WHERE id IN (
             SELECT id FROM ${table} WHERE created_at < now() - make_interval(days => $1) AND status IN ('delivered', 'failed') LIMIT ${BATCH}
             FOR UPDATE SKIP LOCKED)
           RETURNING id)
         SELECT count(*)::int AS n FROM deleted`,
        [this.config.NOTIFICATION_DELIVERY_RETENTION_DAYS],
      );
      const deleted = row?.n ?? 0;
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
