import 'reflect-metadata';
import { createLogger, exitOnSignals, exitOnStartFailure } from '@itsm/observability';
import { loadGatewayConfig } from './config';
import { createGateway, GATEWAY_SERVICE } from './gateway';
import { GatewayReadiness } from './health/gateway-readiness';

exitOnStartFailure(async () => {
  const config = loadGatewayConfig();
  const logger = createLogger(GATEWAY_SERVICE, config.LOG_LEVEL);
  const gateway = await createGateway(config, logger);
  await gateway.app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ port: config.PORT, host: config.HOST }, 'gateway listening');

  exitOnSignals(logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
    // Readiness fails first, so the load balancer stops routing here before the server stops accepting.
    gateway.app.get(GatewayReadiness).beginShutdown();
    if (config.SHUTDOWN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
    await gateway.close();
    logger.info('gateway stopped');
  });
});
