import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { createLogger, exitOnStartFailure, loadConfig } from '@itsm/observability';
import type { DataSourceConfig } from '@itsm/persistence';
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

/** The whole `main.ts` of a service. */
export function runServiceMain<C extends ServiceConfig>(definition: ServiceDefinition<C>): void {
  exitOnStartFailure(async () => {
    const config = loadConfig(definition.config);
    const logger = createLogger(definition.name, config.LOG_LEVEL);
    await runService({ service: definition.name, config, logger, module: serviceModule(definition, config, logger) });
  });
}
