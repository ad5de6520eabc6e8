import { SetMetadata } from '@nestjs/common';
import type { Role, RpcDeclaration } from '@itsm/contracts';

export const IS_PUBLIC = 'itsm:public';
export const REQUIRED_ROLES = 'itsm:roles';

/**
 * Opens a route (or controller) to callers without credentials: health and documentation. The authentication guard
 * reads it; the route's entry in the authorization policy must be `PUBLIC` too, or the gateway does not start.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * Names, at the route, the roles its entry in the authorization policy (`policy.ts`) allows, for a route that calls
 * no single RPC (the event stream, API keys). The guard reads the policy; the startup check refuses a route whose
 * decorator names other roles than its entry.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

/**
 * Names, at the route, the roles of the RPC it calls (`roles` of the declaration in `@itsm/contracts`), which its
 * entry in the authorization policy takes from the same declaration; the startup check keeps the two equal.
 */
export const RolesOf = (declaration: Pick<RpcDeclaration, 'roles'>): MethodDecorator => SetMetadata(REQUIRED_ROLES, [...declaration.roles]);
