import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { createLogger, exitOnStartFailure, loadConfig } from '@itsm/observability';
import { createDataSource, type DataSourceConfig, runMigrations } from '@itsm/persistence';
import { auditTrailModule } from './audit-trail';
import { runService, startService, type RunningService } from './bootstrap';
import { ServiceRuntimeModule } from './runtime.module';
import type { ServiceConfig } from './service-config';

/** Everything that makes one service: the parts that differ from one service to the next. */
export interface ServiceDefinition<C extends ServiceConfig = ServiceConfig> {
  /** Name and schema (they are the same in this suite). */
  name: string;
  config: new () => C;
  entities: DataSourceConfig['entities'];
  migrations: DataSourceConfig['migrations'];
  /** Feature modules of the service. */
  modules: Array<Type | DynamicModule>;
}

@Module({})
class ServiceRootModule {}

export function serviceModule<C extends ServiceConfig>(definition: ServiceDefinition<C>, config: C, logger: Logger): DynamicModule {
  return {
    module: ServiceRootModule,
    imports: [
      ServiceRuntimeModule.forRoot({
        service: definition.name,
        schema: definition.name,
        config,
        logger,
        entities: definition.entities,
        migrations: definition.migrations,
      }),
      // Every service answers reads of its own audit trail, with no code of its own.
      auditTrailModule(definition.name),
      ...definition.modules,
    ],
  };
}

/** Starts a service from its definition and an environment (tests pass their own). */
export async function startServiceFrom<C extends ServiceConfig>(definition: ServiceDefinition<C>, env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(definition.config, env);
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  return startService({ service: definition.name, config, logger, module: serviceModule(definition, config, logger) });
}

/**
 * Applies the service's pending migrations and returns their names: what `main.js migrate` does before the
 * service starts (a Kubernetes init container, a release step). The advisory lock makes concurrent runs safe.
 */
export async function migrateService<C extends ServiceConfig>(definition: ServiceDefinition<C>, config: C): Promise<string[]> {
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    schema: definition.name,
    applicationName: `${definition.name}-migrate`,
    entities: definition.entities,
    migrations: definition.migrations,
    // One connection holds the advisory lock while another applies the migrations.
    poolSize: 2,
    poolTimeoutMs: config.DATABASE_POOL_TIMEOUT_MS,
  });
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource, definition.name);
  } finally {
    await dataSource.destroy();
  }
}

/** The whole `main.ts` of a service: runs it, or with the argument `migrate` only applies its migrations and exits. */
export function runServiceMain<C extends ServiceConfig>(definition: ServiceDefinition<C>, argv: readonly string[] = process.argv.slice(2)): void {
  exitOnStartFailure(async () => {
    const config = loadConfig(definition.config);
    const logger = createLogger(definition.name, config.LOG_LEVEL);
    const [command, ...rest] = argv;
    if (command === 'migrate' && rest.length === 0) {
      const applied = await migrateService(definition, config);
      logger.info({ migrations: applied }, applied.length > 0 ? 'migrations applied' : 'no pending migrations');
      return;
    }
    if (command !== undefined) throw new Error(`unknown command ${JSON.stringify(argv.join(' '))}: run without arguments to start the service, or with "migrate"`);
    await runService({ service: definition.name, config, logger, module: serviceModule(definition, config, logger) });
  });
}
