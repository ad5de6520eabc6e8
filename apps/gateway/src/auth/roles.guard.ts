import { type CanActivate, type ExecutionContext, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify';
import { AuthenticationError } from './authentication';
import { accessOf } from './policy';
import { assertPolicyCoversRoutes } from './policy-check';
import { authorize } from './roles';

/**
 * Lets a request through as the authorization policy (`policy.ts`) says for its route, and nothing else: 403 for a
 * caller holding none of the route's roles, or an API key on a route closed to keys. At bootstrap it compares the
 * routes with the policy and stops the gateway from starting when they disagree.
 */
@Injectable()
export class RolesGuard implements CanActivate, OnApplicationBootstrap {
  constructor(
    private readonly modules: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    assertPolicyCoversRoutes(this.modules, { has: (method, url) => fastify.hasRoute({ method: method as HTTPMethods, url }) });
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const access = accessOf(request.method, request.routeOptions.url);
    // The bootstrap check leaves no route without an entry; should one slip through, it is closed, not open.
    if (!access) throw new Error(`no authorization policy for ${request.method} ${request.routeOptions.url ?? request.url}`);
    if (access.public) return true;
    const actor = request.actor;
    if (!actor) throw new AuthenticationError('this request needs an authenticated caller', false);
    authorize(access, actor);
    return true;
  }
}
