import type { NatsConnection } from 'nats';
import type { DataSource, EntityManager } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type Actor, type CloudEvent, type EventDeclaration, Role } from '@itsm/contracts';
import { connectNats, RpcClient, type RunningService, startServiceFrom } from '@itsm/messaging';
import { createTestDatabase, readEvents, resetStreams, serviceTestEnv, testNatsUrl, type TestDatabase, waitFor } from '@itsm/testing';
import { notificationApp } from '../../src/app.module';

export const ada: Actor = { sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] };
export const maria: Actor = { sub: 'maria', name: 'Maria Manager', roles: [Role.Manager] };
export const sam: Actor = { sub: 'sam', name: 'Sam Agent', roles: [Role.Agent], groups: ['service-desk'] };
export const tom: Actor = { sub: 'tom', name: 'Tom Agent', roles: [Role.Agent], groups: ['network'] };
export const carl: Actor = { sub: 'carl', name: 'Carl CAB', roles: [Role.Cab] };
export const alice: Actor = { sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] };

/** The field names of a refused RPC (`details.errors[].field`), sorted and without repeats. */
export function fieldsOf(error: unknown): string[] {
  return [...new Set(((error as { details?: { errors?: Array<{ field: string }> } }).details?.errors ?? []).map((e) => e.field))].sort();
}

/** The notification service in-process on a fresh database, and what a test needs to drive and observe it. */
export class NotificationHarness {
  database!: TestDatabase;
  nc!: NatsConnection;
  service!: RunningService;
  rpc!: RpcClient;

  /** `env` adds to or overrides the service's environment (e.g. `NOTIFICATION_ALLOWED_TARGETS`); `fresh: false` keeps the streams. */
  static async start(env: Record<string, string> = {}, options: { fresh?: boolean } = {}): Promise<NotificationHarness> {
    const harness = new NotificationHarness();
    harness.database = await createTestDatabase();
    harness.nc = await connectNats(testNatsUrl(), 'notification-test');
    if (options.fresh ?? true) await resetStreams(harness.nc);
    harness.service = await startServiceFrom(notificationApp, serviceTestEnv(harness.database, env));
    harness.rpc = new RpcClient(harness.nc, 10_000);
    return harness;
  }

  async stop(): Promise<void> {
    await this.service.shutdown();
    await this.nc.drain();
    await this.database.drop();
  }

  /** A provider of the running service, to drive it directly. */
  get<T>(token: new (...args: never[]) => T): T {
    return this.service.app.get(token, { strict: false });
  }

  /** Runs `work` in one transaction of the service's own data source (as a use case would). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.service.app.get<DataSource>(getDataSourceToken(), { strict: false }).transaction(work);
  }

  /** One row of a notification table by its key column, as PostgreSQL returns it (snake_case columns). */
  async row(table: string, id: string, key = 'id'): Promise<Record<string, unknown>> {
    const [row] = await this.database.query<Record<string, unknown>>(`SELECT * FROM notification.${table} WHERE ${key} = $1`, [id]);
    if (!row) throw new Error(`no ${table} row ${id}`);
    return row;
  }

  /** `count('subscriptions')`, `count('deliveries WHERE subscription_id = $1', [id])`. */
  async count(tableAndWhere: string, params: unknown[] = []): Promise<number> {
    const [row] = await this.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification.${tableAndWhere}`, params);
    return row?.n ?? -1;
  }

  /** Audit rows of one entity, oldest first. */
  audit(entityId: string): Promise<Array<{ entity_type: string; action: string; actor_id: string | null; before: unknown; after: unknown; at: Date }>> {
    return this.database.query(`SELECT entity_type, action, actor_id, before, after, at FROM notification.audit_log WHERE entity_id = $1 ORDER BY id`, [entityId]);
  }

  /** Events of one type about one record, once at least `atLeast` are on the stream. */
  async events<T>(event: EventDeclaration<string, T>, subject: string, atLeast = 1): Promise<Array<CloudEvent<T>>> {
    return waitFor(
      async () => {
        const found = (await readEvents(this.nc, event.subject)).map((m) => m.body as CloudEvent<T>).filter((body) => body.subject === subject);
        return found.length >= atLeast ? found : undefined;
      },
      { what: `${atLeast} ${event.type} about ${subject}` },
    );
  }
}
