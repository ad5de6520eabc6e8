import {
  Controller,
  type DynamicModule,
  Get,
  Global,
  Header,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ALL_EVENTS, BUS_SERVICES, type BusService, domainEvents, type EventDeclaration, SERVICE_CONSUMERS } from '@itsm/contracts';
import { collectProcessMetrics, metricsRegistry } from '@itsm/observability';
import { dataSourceOptions, type DataSourceConfig, hasPendingMigrations, runMigrations } from '@itsm/persistence';
import { connectNats, ConsumerLeases, EVENT_HANDLER_METADATA, EventConsumer, type ConsumerDefinition, type EventHandlerFn, type EventHandlerMetadata, ensureStreams, Housekeeping, NATS_CONNECTION, OutboxRelay, OutboxWriter, RpcClient } from '@itsm/messaging';
import type { ServiceConfig } from './service-config';
import { natsSecurityOf } from './nats-security';

export const SERVICE_OPTIONS = Symbol('SERVICE_OPTIONS');
/** The service's validated configuration (its own `config.ts` class): `@Inject(SERVICE_CONFIG) config: IncidentConfig`. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

export interface ServiceRuntimeOptions {
  /** Service name: `source` of its events, queue group of its RPC, prefix of its consumers. */
  service: string;
  /** The PostgreSQL schema it owns. */
  schema: string;
  config: ServiceConfig;
  logger: Logger;
  entities: DataSourceConfig['entities'];
  migrations: DataSourceConfig['migrations'];
}

/** Start and stop of the service's messaging, in the order the architecture asks for. */
@Injectable()
export class ServiceRuntime implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private relay: OutboxRelay | undefined;
  private housekeeping: Housekeeping | undefined;
  private consumers: EventConsumer[] = [];
  private leases: ConsumerLeases | undefined;
  private ready = false;

  constructor(
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceRuntimeOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  async onModuleInit(): Promise<void> {
    const { config, schema, logger } = this.options;
    const applied = await runMigrations(this.dataSource, schema);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    await ensureStreams(await this.nc.jetstreamManager(), {
      replicas: config.NATS_STREAM_REPLICAS,
      maxAgeDays: config.EVENTS_MAX_AGE_DAYS,
      duplicateWindowSeconds: config.EVENTS_DUPLICATE_WINDOW_SECONDS,
      maxBytes: config.EVENTS_MAX_BYTES,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { config, service, schema, logger } = this.options;
    const js = this.nc.jetstream();
    const jsm = await this.nc.jetstreamManager();
    if (config.OUTBOX_RELAY_ENABLED) {
      this.relay = new OutboxRelay(
        this.dataSource,
        js,
        { service, schema, databaseUrl: config.DATABASE_URL, batchSize: config.OUTBOX_BATCH_SIZE, pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS },
        logger.child({ component: 'outbox-relay' }),
      );
      await this.relay.start();
    }
    const settings = {
      maxDeliver: config.CONSUMER_MAX_DELIVER,
      backoffMs: config.CONSUMER_BACKOFF_MS,
      ackWaitMs: config.CONSUMER_ACK_WAIT_MS,
      concurrency: config.CONSUMER_CONCURRENCY,
      maxBatch: config.CONSUMER_MAX_BATCH,
      leaseRetryMs: config.CONSUMER_LEASE_RETRY_MS,
      maxEventBytes: config.CONSUMER_MAX_EVENT_BYTES,
    };
    const definitions = this.discoverConsumers();
    // One connection per process holds the leases of all its consumers.
    if (definitions.length > 0) this.leases = new ConsumerLeases(config.DATABASE_URL, `${service}-consumer-leases`, logger.child({ component: 'consumer-leases' }));
    for (const definition of definitions) {
      const consumer = new EventConsumer(definition, settings, this.dataSource, js, jsm, logger.child({ consumer: definition.name }), this.leases);
      await consumer.start();
      this.consumers.push(consumer);
    }
    this.housekeeping = new Housekeeping(
      this.dataSource,
      {
        schema,
        outboxRetentionHours: config.OUTBOX_RETENTION_HOURS,
        inboxRetentionDays: config.INBOX_RETENTION_DAYS,
        intervalMs: config.HOUSEKEEPING_INTERVAL_MS,
      },
      logger.child({ component: 'housekeeping' }),
    );
    this.housekeeping.start();
    this.ready = true;
  }

  /** First step of shutdown: readiness fails, so the orchestrator stops sending work. */
  beginShutdown(): void {
    this.ready = false;
  }

  /**
   * Runs right after the RPC server stopped taking requests (NestMicroservice.close stops its server before
   * the hooks) and while the database is still open: finish in-flight events, then flush the outbox.
   */
  async onModuleDestroy(): Promise<void> {
    this.ready = false;
    await this.housekeeping?.stop();
    this.housekeeping = undefined;
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    this.consumers = [];
    await this.leases?.close();
    this.leases = undefined;
    await this.relay?.stop();
    this.relay = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }

  status(): { ready: boolean; natsConnected: boolean } {
    return { ready: this.ready, natsConnected: !this.nc.isClosed() };
  }

  async pendingMigrations(): Promise<boolean> {
    return hasPendingMigrations(this.dataSource);
  }

  private discoverConsumers(): ConsumerDefinition[] {
    const byPurpose = new Map<string, { metas: EventHandlerMetadata[]; definition: ConsumerDefinition }>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const meta = this.reflector.get<EventHandlerMetadata | undefined>(EVENT_HANDLER_METADATA, fn as () => unknown);
        if (!meta) continue;
        assertDeclaredConsumer(this.options.service, meta.purpose);
        const name = `${this.options.service}-${meta.purpose}`;
        const entry = byPurpose.get(name) ?? {
          metas: [],
          definition: { name, filter: '', handlers: new Map<string, EventHandlerFn>(), deliver: meta.deliver ?? 'all' },
        };
        const bound = (fn as EventHandlerFn).bind(instance);
        if (Array.isArray(meta.event)) for (const event of meta.event as readonly EventDeclaration[]) entry.definition.handlers.set(event.type, bound);
        else entry.definition.fallback = bound;
        entry.metas.push(meta);
        byPurpose.set(name, entry);
      }
    }
    return [...byPurpose.values()].map(({ metas, definition }) => ({ ...definition, filter: filterFor(metas) }));
  }
}

/**
 * A service of the suite keeps only the consumers declared for it in the contracts (`SERVICE_CONSUMERS`): its broker
 * credential allows exactly those, so an undeclared one is refused here, at start, with a message saying where to
 * declare it.
 */
export function assertDeclaredConsumer(service: string, purpose: string): void {
  if (!(BUS_SERVICES as readonly string[]).includes(service)) return;
  if (!SERVICE_CONSUMERS[service as BusService].includes(purpose)) {
    throw new Error(`consumer ${service}-${purpose} is not declared: add '${purpose}' to SERVICE_CONSUMERS.${service} in libs/contracts (bus-access.ts)`);
  }
}

/** The narrowest single subject filter that covers every handler of a consumer. */
export function filterFor(metas: EventHandlerMetadata[]): string {
  const explicit = metas.map((meta) => meta.event).find((event): event is { filter: string } => !Array.isArray(event));
  if (explicit) return explicit.filter;
  const events = metas.flatMap((meta) => meta.event as readonly EventDeclaration[]);
  const subjects = new Set(events.map((event) => event.subject));
  if (subjects.size === 1) return [...subjects][0] as string;
  const domains = new Set(events.map((event) => event.domain));
  const [first] = events;
  return domains.size === 1 && first ? domainEvents(first.domain) : ALL_EVENTS;
}

@Controller()
export class OperationsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly runtime: ServiceRuntime,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
  ) {}

  @Get('health/live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const state = this.runtime.status();
        return state.ready ? this.indicators.check('service').up() : this.indicators.check('service').down({ message: 'starting or shutting down' });
      },
      async () => {
        const session = this.indicators.check('database');
        try {
          await this.dataSource.query('SELECT 1');
          return session.up();
        } catch (error) {
          return session.down({ message: (error as Error).message });
        }
      },
      async () => {
        const session = this.indicators.check('migrations');
        const pending = await this.runtime.pendingMigrations().catch(() => true);
        return pending ? session.down({ message: 'migrations pending' }) : session.up();
      },
      async () => {
        const session = this.indicators.check('nats');
        return this.runtime.status().natsConnected ? session.up() : session.down({ message: 'not connected' });
      },
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

/** Database, NATS, outbox, consumers, health and metrics of one service: imported once by the root module of its service definition. */
@Global()
@Module({})
export class ServiceRuntimeModule {
  static forRoot(options: ServiceRuntimeOptions): DynamicModule {
    collectProcessMetrics({ service: options.service });
    return {
      module: ServiceRuntimeModule,
      imports: [
        DiscoveryModule,
        TerminusModule.forRoot({ logger: false }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: options.config.DATABASE_URL,
            schema: options.schema,
            applicationName: options.service,
            entities: options.entities,
            migrations: options.migrations,
            poolSize: options.config.DATABASE_POOL_SIZE,
            poolTimeoutMs: options.config.DATABASE_POOL_TIMEOUT_MS,
          }),
          retryAttempts: 0,
        }),
      ],
      controllers: [OperationsController],
      providers: [
        { provide: SERVICE_OPTIONS, useValue: options },
        { provide: SERVICE_CONFIG, useValue: options.config },
        { provide: NATS_CONNECTION, useFactory: () => connectNats(options.config.NATS_URL, options.service, natsSecurityOf(options.config, options.service)) },
        { provide: OutboxWriter, useValue: new OutboxWriter(options.service) },
        { provide: RpcClient, useFactory: (nc: NatsConnection) => new RpcClient(nc, options.config.RPC_TIMEOUT_MS), inject: [NATS_CONNECTION] },
        ServiceRuntime,
      ],
      exports: [SERVICE_OPTIONS, SERVICE_CONFIG, NATS_CONNECTION, OutboxWriter, RpcClient, ServiceRuntime, TypeOrmModule],
    };
  }
}
