import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { API_KEY_SUBJECT_PREFIX, ApiKeyError, ApiKeyErrorCode } from '@itsm/contracts';

/** Refuses with 403 a caller authenticated by an API key: a key may not make, read or revoke keys, whatever its roles. */
@Injectable()
export class PeopleOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const actor = context.switchToHttp().getRequest<FastifyRequest>().actor;
    if (actor?.sub.startsWith(API_KEY_SUBJECT_PREFIX)) {
      throw new ApiKeyError(ApiKeyErrorCode.KeyNotAllowed, 'API keys cannot manage API keys; use the token of an admin');
    }
    return true;
  }
}
