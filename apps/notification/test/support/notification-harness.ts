import { ServiceHarness } from '@itsm/testing';
import { notificationApp } from '../../src/service-definition';
import type { NotificationConfig } from '../../src/config';

/** The notification service in-process on a fresh database, and what a test needs to drive and observe it. */
export class NotificationHarness extends ServiceHarness<NotificationConfig> {
  private constructor() {
    super(notificationApp);
  }

  /** `env` adds to or overrides the service's environment (e.g. `NOTIFICATION_ALLOWED_TARGETS`); `fresh: false` keeps the streams. */
  static start(env: Record<string, string> = {}, options: { fresh?: boolean } = {}): Promise<NotificationHarness> {
    return new NotificationHarness().boot(env, options);
  }

  /** One row of a notification table by its key column, as PostgreSQL returns it (snake_case columns). */
  async row(table: string, id: string, key = 'id'): Promise<Record<string, unknown>> {
    const [row] = await this.database.query<Record<string, unknown>>(`SELECT * FROM notification.${table} WHERE ${key} = $1`, [id]);
    if (!row) throw new Error(`no ${table} row ${id}`);
    return row;
  }
}
