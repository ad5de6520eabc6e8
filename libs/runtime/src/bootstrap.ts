import 'reflect-metadata';
import { type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { exitOnSignals, PinoNestLogger } from '@itsm/observability';
import { DrainingNatsServer, natsConnectionOptions, trustActorIssuers } from '@itsm/messaging';
import { actorIssuersOf, natsSecurityOf } from './nats-security';
import { ServiceRuntime } from './runtime.module';
import type { ServiceConfig } from './service-config';
import { cacheValidationRules } from './validation-rules';

export interface RunningService {
  app: NestFastifyApplication;
  rpc: INestMicroservice;
  /** Bound HTTP port of health and metrics (useful when HEALTH_PORT was 0 in tests). */
  healthPort: number;
  /** Graceful stop: readiness off, wait, stop RPC intake, drain consumers, flush the outbox, close. */
  shutdown(): Promise<void>;
}

/**
 * Starts a service as a Nest hybrid app: RPC over NATS (queue group = service name) plus a small HTTP
 * port for health and metrics.
 */
export async function startService(options: {
  service: string;
  module: DynamicModule;
  config: ServiceConfig;
  logger: Logger;
}): Promise<RunningService> {
  const { service, config, logger } = options;
  cacheValidationRules();
  trustActorIssuers(actorIssuersOf(config));
  const app = await NestFactory.create<NestFastifyApplication>(options.module, new FastifyAdapter(), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const rpc = app.connectMicroservice<MicroserviceOptions>(
    {
      strategy: new DrainingNatsServer({
        ...natsConnectionOptions(config.NATS_URL, `${service}-rpc`, natsSecurityOf(config, service)),
        queue: service,
        gracefulShutdown: true,
        gracePeriod: 2_000,
      }),
    },
    { inheritAppConfig: true },
  );
  await app.init();
  await app.startAllMicroservices();
  await app.listen({ port: config.HEALTH_PORT, host: config.HOST });
  const address = app.getHttpServer().address();
  const healthPort = typeof address === 'object' && address ? address.port : config.HEALTH_PORT;
  logger.info({ healthPort }, `${service} ready`);

  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      app.get(ServiceRuntime).beginShutdown();
      if (config.SHUTDOWN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
      // Closing the RPC server first stops intake, then runs the shutdown hooks of the shared container
      // (consumers drain, outbox flushes, NATS drains, database closes); app.close() then ends the HTTP port.
      await rpc.close();
      await app.close();
      logger.info(`${service} stopped`);
    })();
    return closing;
  };
  return { app, rpc, healthPort, shutdown };
}

/** `main.ts` of a service: start, and stop cleanly on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS. */
export async function runService(options: Parameters<typeof startService>[0]): Promise<void> {
  const running = await startService(options);
  exitOnSignals(options.logger, options.config.SHUTDOWN_TIMEOUT_MS, running.shutdown);
}
