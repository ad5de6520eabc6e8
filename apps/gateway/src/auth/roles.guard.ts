import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { CommonError, CommonErrorCode, type Role } from '@itsm/contracts';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import { AuthenticationError } from './authentication';
import { hasAnyRole } from './roles';

/** Refuses with 403 a caller holding none of the roles a route asks for with {@link Roles}. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets) ?? [];
    const actor = context.switchToHttp().getRequest<FastifyRequest>().actor;
    if (!actor) throw new AuthenticationError('this request needs an authenticated caller', false);
    if (!hasAnyRole(actor, required)) {
      throw new CommonError(CommonErrorCode.RoleRequired, `this operation needs one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}
