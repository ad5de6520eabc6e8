import { SetMetadata } from '@nestjs/common';
import type { Role, RpcDeclaration } from '@itsm/contracts';

export const IS_PUBLIC = 'itsm:public';
export const REQUIRED_ROLES = 'itsm:roles';

/** Opens a route (or controller) to callers without a token: health and documentation. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Lets the route through when the caller holds at least one of these roles (routes that call no RPC: the event stream). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

/**
 * Lets the route through for the roles its RPC is declared for (`roles` of the declaration in `@itsm/contracts`),
 * the list the service itself checks again: the two cannot disagree.
 */
export const RolesOf = (declaration: Pick<RpcDeclaration, 'roles'>): MethodDecorator => SetMetadata(REQUIRED_ROLES, [...declaration.roles]);
