import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { NatsConnection } from 'nats';
import { createLogger } from '@itsm/observability';
import { loadGatewayConfig } from '../config';
import { UNPREFIXED } from '../gateway';
import { GatewayModule } from '../gateway.module';
import { API_PREFIX } from '../gateway.tokens';
import { buildOpenApiDocument } from './openapi';

/** Stands in for the NATS connection: documenting the routes calls none of its methods (the app is never initialised). */
const NO_NATS = Object.freeze({}) as NatsConnection;

/**
 * The document the gateway serves at `/openapi.json`, built from the same module and prefix without NATS, services
 * or a listening port (the client library is generated from it at build time).
 */
export async function createOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadGatewayConfig({ JWT_SECRET: 'x'.repeat(64) });
  const logger = createLogger('gateway', 'silent');
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot({ config, logger, nc: NO_NATS }), new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  try {
    app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED.map((path) => ({ path, method: RequestMethod.GET })) });
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
