import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { connectNats } from '@itsm/messaging';
import { collectProcessMetrics, PinoNestLogger } from '@itsm/observability';
import { cacheValidationRules, natsSecurityOf } from '@itsm/runtime';
import type { GatewayConfig } from './config';
import { registerRequestContext } from './context/request-context';
import { OPENAPI_JSON_PATH, OPENAPI_UI_PATH, setupOpenApi } from './docs/openapi';
import { parseJsonBodiesWithinRules } from './errors/validation';
import { GatewayModule } from './gateway.module';
import { API_PREFIX } from './gateway.tokens';
import { GatewayReadiness } from './health/gateway-readiness';
import { refuseUnsupportedBodies } from './http/media-types';
import { registerSecurityHeaders } from './http/security-headers';
import { registerEarlyRefusal } from './limits/early-refusal';
import { registerLoadShedding } from './limits/load-shedding';
import { RateLimiter } from './limits/rate-limiter';

export const GATEWAY_SERVICE = 'gateway';

export interface Gateway {
  /** Initialised but not listening: the caller picks the port (0 in tests). */
  app: NestFastifyApplication;
  /** Fails readiness, closes the HTTP server, then drains NATS. Safe to call more than once. */
  close(): Promise<void>;
}

/** Routes outside the `/v1` prefix. */
export const UNPREFIXED = ['health/live', 'health/ready', 'metrics', OPENAPI_UI_PATH, OPENAPI_JSON_PATH, 'asyncapi.json'];

/**
 * Longest path parameter the router matches. Fastify's default (100) answers a longer id with its own 414 before any
 * validation; the request line is bounded by Node's header limit (16 KiB) anyway, so every id that arrives is matched
 * and refused by its route's own rule (400 naming the field).
 */
const MAX_PARAM_LENGTH = 16_384;

/** Builds the gateway: connects to NATS, wires the Nest app on Fastify, documents it, and initialises it. */
export async function createGateway(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  collectProcessMetrics({ service: GATEWAY_SERVICE });
  cacheValidationRules();
  const nc = await connectNats(config.NATS_URL, GATEWAY_SERVICE, natsSecurityOf(config, GATEWAY_SERVICE));
  let app: NestFastifyApplication;
  try {
    const adapter = new FastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES, trustProxy: config.TRUST_PROXY, routerOptions: { maxParamLength: MAX_PARAM_LENGTH } });
    registerRequestContext(adapter.getInstance(), logger);
    registerSecurityHeaders(adapter.getInstance());
    // Before anything that costs: a replica that cannot take more refuses at once.
    registerLoadShedding(adapter.getInstance(), config.GATEWAY_MAX_IN_FLIGHT);
    // A client known to be over its quota is refused before authentication (the limiter exists once Nest has built it).
    const built: { limiter?: RateLimiter } = {};
    registerEarlyRefusal(adapter.getInstance(), () => built.limiter);
    // Bodies are JSON (Fastify's own parser) unless a route takes more; no text or form parsers to misread them.
    adapter.getInstance().removeContentTypeParser('text/plain');
    parseJsonBodiesWithinRules(adapter.getInstance());
    refuseUnsupportedBodies(adapter.getInstance());
    app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot({ config, logger, nc }), adapter, {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
      bodyParser: false,
    });
    built.limiter = app.get(RateLimiter);
    app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED.map((path) => ({ path, method: RequestMethod.GET })) });
    setupOpenApi(app);
    await app.init();
  } catch (error) {
    await nc.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      app.get(GatewayReadiness).beginShutdown();
      try {
        await app.close();
      } finally {
        if (!nc.isClosed()) await nc.drain().catch((error: unknown) => logger.warn({ err: error }, 'NATS drain failed'));
      }
    })();
    return closing;
  };
  return { app, close };
}
