import type { NatsConnection } from 'nats';
import type { DataSource, EntityManager } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { CloudEvent, EventDeclaration } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { type RunningService, type ServiceConfig, type ServiceDefinition, startServiceFrom } from '@itsm/runtime';
import { asServiceRole, createTestDatabase, serviceTestEnv, type TestDatabase, waitFor, connectTestNats } from './environment';
import { readEvents, resetStreams } from './jetstream';

export interface ServiceHarnessOptions {
  /** `false` keeps the streams (and so the consumers of a service already running in the same test file). */
  fresh?: boolean;
  /** Instances of the service to start on the one database. */
  replicas?: number;
}

export interface AuditRow {
  entity_type: string;
  action: string;
  actor_id: string | null;
  before: unknown;
  after: unknown;
  at: Date;
}

/** The field names of a refused RPC (`details.errors[].field`), sorted and without repeats. */
export function fieldsOf(error: unknown): string[] {
  return [...new Set(((error as { details?: { errors?: Array<{ field: string }> } }).details?.errors ?? []).map((e) => e.field))].sort();
}

/** Starts a service in-process, as its own database role (see `asServiceRole`). */
export function startTestService<C extends ServiceConfig>(definition: ServiceDefinition<C>, env: NodeJS.ProcessEnv): Promise<RunningService> {
  return startServiceFrom(definition, asServiceRole(env, definition.name));
}

/**
 * A service in-process on a fresh database and this worker's broker, and what every test drives and observes it
 * with. A service's own harness extends it with the helpers of that service and a `start` of its own.
 */
export class ServiceHarness<C extends ServiceConfig = ServiceConfig> {
  database!: TestDatabase;
  nc!: NatsConnection;
  /** The instances started, all on the one database. */
  readonly replicas: RunningService[] = [];
  rpc!: RpcClient;

  protected constructor(private readonly definition: ServiceDefinition<C>) {}

  /** The first instance. */
  get service(): RunningService {
    const [service] = this.replicas;
    if (!service) throw new Error(`${this.definition.name} is not started`);
    return service;
  }

  /** `env` adds to or overrides the service's test environment. */
  protected async boot(env: Record<string, string>, options: ServiceHarnessOptions): Promise<this> {
    this.database = await createTestDatabase();
    this.nc = await connectTestNats(`${this.definition.name}-test`);
    if (options.fresh ?? true) await resetStreams(this.nc);
    this.connected?.();
    for (let i = 0; i < (options.replicas ?? 1); i += 1) {
      this.replicas.push(await startTestService(this.definition, serviceTestEnv(this.database, env)));
    }
    this.rpc = new RpcClient(this.nc, 10_000);
    return this;
  }

  /** Runs once the broker is connected, before the service starts: a subscription made here misses nothing it sends. */
  protected connected?(): void;

  async stop(): Promise<void> {
    for (const replica of this.replicas) await replica.shutdown();
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

  /** Rows in a table of the service's schema: `count('outbox')`, `count('audit_log WHERE entity_id = $1', [id])`. */
  async count(tableAndWhere: string, params: unknown[] = []): Promise<number> {
    const [row] = await this.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.definition.name}.${tableAndWhere}`, params);
    return row?.n ?? -1;
  }

  /** Audit rows of one entity, oldest first. */
  audit(entityId: string): Promise<AuditRow[]> {
    return this.database.query(`SELECT entity_type, action, actor_id, before, after, at FROM ${this.definition.name}.audit_log WHERE entity_id = $1 ORDER BY id`, [entityId]);
  }

  /** Resolves once the service's outbox has published everything written so far. */
  async outboxDrained(): Promise<void> {
    await waitFor(async () => (await this.count('outbox WHERE sent_at IS NULL')) === 0, { what: `the ${this.definition.name} outbox to drain` });
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
    await this.outboxDrained();
    return (await readEvents(this.nc, event.subject)).map((m) => m.body as CloudEvent<T>).filter((body) => body.subject === subject);
  }
}
