import type { NatsConnection } from 'nats';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type CloudEvent, type EventDeclaration, Role } from '@itsm/contracts';
import { connectNats, RpcClient, type RunningService, startServiceFrom } from '@itsm/messaging';
import { createTestDatabase, readEvents, resetStreams, serviceTestEnv, testNatsUrl, type TestDatabase, waitFor } from '@itsm/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { cmdbApp } from '../../src/app.module';

export const ada: Actor = { sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] };
export const sam: Actor = { sub: 'sam', name: 'Sam Agent', roles: [Role.Agent], groups: ['service-desk'] };
export const maria: Actor = { sub: 'maria', name: 'Maria Manager', roles: [Role.Manager] };
export const carl: Actor = { sub: 'carl', name: 'Carl CAB', roles: [Role.Cab] };
export const alice: Actor = { sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] };

/** The field names of a refused RPC (`details.errors[].field`), sorted and without repeats. */
export function fieldsOf(error: unknown): string[] {
  return [...new Set(((error as { details?: { errors?: Array<{ field: string }> } }).details?.errors ?? []).map((e) => e.field))].sort();
}

/** The cmdb service on a fresh database, and what a test needs to drive and observe it. */
export class CmdbHarness {
  database!: TestDatabase;
  nc!: NatsConnection;
  service!: RunningService;
  rpc!: RpcClient;

  /** `fresh: false` keeps the streams (and so the consumers of a service already running in the same test file). */
  static async start(env: Record<string, string> = {}, options: { fresh?: boolean } = {}): Promise<CmdbHarness> {
    const harness = new CmdbHarness();
    harness.database = await createTestDatabase();
    harness.nc = await connectNats(testNatsUrl(), 'cmdb-test');
    if (options.fresh ?? true) await resetStreams(harness.nc);
    harness.service = await startServiceFrom(cmdbApp, serviceTestEnv(harness.database, env));
    harness.rpc = new RpcClient(harness.nc, 10_000);
    return harness;
  }

  async stop(): Promise<void> {
    await this.service.shutdown();
    await this.nc.drain();
    await this.database.drop();
  }

  /** A provider of the running service (e.g. `CiWriter`, `ClassRegistry`), to drive it directly. */
  get<T>(token: new (...args: never[]) => T): T {
    return this.service.app.get(token, { strict: false });
  }

  /** Runs `work` in one transaction of the service's own data source (as a use case would). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.service.app.get<DataSource>(getDataSourceToken(), { strict: false }).transaction(work);
  }

  /** One row of a cmdb table by id, as PostgreSQL returns it (snake_case columns). */
  async row(table: string, id: string): Promise<Record<string, unknown>> {
    const [row] = await this.database.query<Record<string, unknown>>(`SELECT * FROM cmdb.${table} WHERE id = $1`, [id]);
    if (!row) throw new Error(`no ${table} row ${id}`);
    return row;
  }

  /** `count('cis')`, `count('audit_log WHERE entity_id = $1', [id])`. */
  async count(tableAndWhere: string, params: unknown[] = []): Promise<number> {
    const [row] = await this.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM cmdb.${tableAndWhere}`, params);
    return row?.n ?? -1;
  }

  /** Audit rows of one entity, oldest first. */
  audit(entityId: string): Promise<Array<{ entity_type: string; action: string; actor_id: string | null; before: unknown; after: unknown; at: Date }>> {
    return this.database.query(`SELECT entity_type, action, actor_id, before, after, at FROM cmdb.audit_log WHERE entity_id = $1 ORDER BY id`, [entityId]);
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

  /** Events of one type about one record that are on the stream now (after the outbox has drained). */
  async eventsNow<T>(event: EventDeclaration<string, T>, subject: string): Promise<Array<CloudEvent<T>>> {
    await waitFor(async () => (await this.count('outbox WHERE sent_at IS NULL')) === 0, { what: 'the outbox to drain' });
    return (await readEvents(this.nc, event.subject)).map((m) => m.body as CloudEvent<T>).filter((body) => body.subject === subject);
  }
}
