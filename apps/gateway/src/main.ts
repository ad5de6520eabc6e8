import 'reflect-metadata';
import { createLogger, exitOnStartFailure } from '@itsm/observability';
import { loadGatewayConfig } from './config';
import { createGateway, GATEWAY_SERVICE } from './gateway';
import { GatewayReadiness } from './health/gateway-readiness';

exitOnStartFailure(async () => {
  const config = loadGatewayConfig();
  const logger = createLogger(GATEWAY_SERVICE, config.LOG_LEVEL);
  const gateway = await createGateway(config, logger);
  await gateway.app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ port: config.PORT, host: config.HOST }, 'gateway listening');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('graceful shutdown timed out');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    void (async () => {
      // Readiness fails first, so the load balancer stops routing here before the server stops accepting.
      gateway.app.get(GatewayReadiness).beginShutdown();
      if (config.SHUTDOWN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
      await gateway.close();
      logger.info('gateway stopped');
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
});
