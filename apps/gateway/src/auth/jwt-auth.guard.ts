import { createSecretKey } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { GatewayConfig } from '../config';
import { authenticate, type TokenVerification } from './authentication';
import { IS_PUBLIC } from './auth.decorators';

/** Every route needs a valid bearer token unless it is marked {@link Public}. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly verification: TokenVerification;

  constructor(
    private readonly reflector: Reflector,
    @Inject(GatewayConfig) config: GatewayConfig,
  ) {
    this.verification = {
      // Parsed once: given a string, jsonwebtoken tries it as a PEM public key on every verification.
      secret: createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8')),
      ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
      ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
    };
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.actor = authenticate(request.headers.authorization, this.verification);
    return true;
  }
}
