import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, type ModulesContainer } from '@nestjs/core';
import type { Role } from '@itsm/contracts';
import { API_PREFIX } from '../gateway.tokens';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import { AUTHORIZATION_POLICY, type RouteAccess } from './policy';

/** A route a controller serves, with what its decorators say about who may call it. */
export interface ControllerRoute {
  /** `METHOD /path/:param` as the router registered it. */
  key: string;
  /** Where it is declared, for the message: `IncidentsController.create`. */
  handler: string;
  /** `@Public()` on the method or its controller. */
  public: boolean;
  /** The roles of `@RolesOf` / `@Roles` on the method (else its controller), when it carries them. */
  roles?: readonly Role[];
}

/** What the router knows: whether it holds a route, by method and path pattern. */
export interface RegisteredRoutes {
  has(method: string, url: string): boolean;
}

/** Why the routes and the table disagree; empty when they agree. */
export function policyProblems(routes: readonly ControllerRoute[], registered: RegisteredRoutes, table: Readonly<Record<string, RouteAccess>> = AUTHORIZATION_POLICY): string[] {
  const problems: string[] = [];
  const served = new Set<string>();
  for (const route of routes) {
    served.add(route.key);
    const access = Object.prototype.hasOwnProperty.call(table, route.key) ? table[route.key] : undefined;
    if (!access) {
      problems.push(`${route.key} (${route.handler}) has no entry in the authorization policy`);
      continue;
    }
    if (route.public !== (access.public === true)) {
      // The authentication guard reads @Public(): the table and the decorator must say the same.
      problems.push(`${route.key} (${route.handler}) is ${route.public ? '' : 'not '}@Public() but ${access.public ? 'public' : 'not public'} in the authorization policy`);
    }
    if (route.roles && !access.public && !sameRoles(route.roles, access.roles)) {
      problems.push(`${route.key} (${route.handler}) is decorated for roles [${route.roles.join(', ')}] but the authorization policy allows [${access.roles.join(', ')}]`);
    }
  }
  for (const [key, access] of Object.entries(table)) {
    if (!access.public && access.roles.length === 0) problems.push(`${key} names no role in the authorization policy (RoleSets.everyone lets any authenticated caller in)`);
    if (served.has(key)) continue;
    const [method = '', url = ''] = key.split(' ');
    if (!registered.has(method, url)) problems.push(`${key} is in the authorization policy but the gateway serves no such route`);
    // Served outside the controllers (the OpenAPI document): no guard ever sees it, so only a public route may be.
    else if (!access.public) problems.push(`${key} is served outside the controllers, where no guard checks its policy`);
  }
  return problems;
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((role) => right.has(role));
}

function pathsOf(metadata: unknown): string[] {
  if (metadata === undefined) return [''];
  return (Array.isArray(metadata) ? metadata : [metadata]).map((path) => String(path));
}

function join(...parts: string[]): string {
  return `/${parts.flatMap((part) => part.split('/')).filter((segment) => segment.length > 0).join('/')}`;
}

/**
 * Every route of every controller Nest registered, with its path as the router holds it: the path with the API
 * prefix when the router has that one, else without (the probes and documents outside `/v1`).
 */
export function controllerRoutes(modules: ModulesContainer, registered: RegisteredRoutes): ControllerRoute[] {
  const scanner = new MetadataScanner();
  const routes: ControllerRoute[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype;
      if (typeof controller !== 'function') continue;
      const prototype = controller.prototype as Record<string, unknown>;
      const controllerPaths = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
      const controllerPublic = Reflect.getMetadata(IS_PUBLIC, controller) === true;
      const controllerRoles = Reflect.getMetadata(REQUIRED_ROLES, controller) as readonly Role[] | undefined;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const methodPath: unknown = Reflect.getMetadata(PATH_METADATA, handler);
        if (requestMethod === undefined || methodPath === undefined) continue;
        const method = RequestMethod[requestMethod];
        const isPublic = Reflect.getMetadata(IS_PUBLIC, handler) === true || controllerPublic;
        const roles = (Reflect.getMetadata(REQUIRED_ROLES, handler) as readonly Role[] | undefined) ?? controllerRoles;
        for (const controllerPath of controllerPaths) {
          for (const path of pathsOf(methodPath)) {
            const bare = join(controllerPath, path);
            const prefixed = join(API_PREFIX, bare);
            const url = registered.has(method, prefixed) ? prefixed : bare;
            routes.push({ key: `${method} ${url}`, handler: `${controller.name}.${name}`, public: isPublic, ...(roles ? { roles } : {}) });
          }
        }
      }
    }
  }
  return routes;
}

/**
 * Refuses to start a gateway whose routes and authorization policy disagree: a route without an entry, an entry
 * without a route, or a controller whose `@Public` / `@RolesOf` / `@Roles` says otherwise than the table.
 */
export function assertPolicyCoversRoutes(modules: ModulesContainer, registered: RegisteredRoutes): void {
  const problems = policyProblems(controllerRoutes(modules, registered), registered);
  if (problems.length > 0) {
    throw new Error(`The authorization policy (apps/gateway/src/auth/policy.ts) does not match the routes:\n- ${problems.join('\n- ')}`);
  }
}
