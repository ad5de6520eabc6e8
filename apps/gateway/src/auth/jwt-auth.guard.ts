import { createSecretKey } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { GatewayConfig } from '../config';
import type { Logger } from 'pino';
import { GATEWAY_LOGGER } from '../gateway.tokens';
import { ApiKeyStore } from '../api-keys/api-key.store';
import { apiKeyOf, authenticate, type TokenVerification } from './authentication';
import { JwksKeys } from './jwks';
import { IS_PUBLIC } from './auth.decorators';

/** Every route needs a valid bearer token or API key unless it is marked {@link Public}. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly verification: TokenVerification;

  constructor(
    private readonly reflector: Reflector,
    @Inject(GatewayConfig) config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) logger: Logger,
    private readonly apiKeys: ApiKeyStore,
  ) {
    this.verification = {
      // Parsed once: given a string, jsonwebtoken tries it as a PEM public key on every verification.
      ...(config.JWT_SECRET ? { secret: createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8')) } : {}),
      ...(config.JWT_JWKS_URL
        ? {
            signingKeys: new JwksKeys(config.JWT_JWKS_URL, logger.child({ component: 'jwks' }), {
              minRefreshMs: config.JWT_JWKS_REFRESH_MS,
              maxAgeMs: 600_000,
              timeoutMs: 5_000,
            }),
          }
        : {}),
      ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
      ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const apiKey = apiKeyOf(request.headers);
    // `request.ip` is the client's address, or the one X-Forwarded-For gives when TRUST_PROXY is on.
    request.actor = apiKey === undefined ? await authenticate(request.headers.authorization, this.verification) : this.apiKeys.authenticate(apiKey, request.ip);
    return true;
  }
}
