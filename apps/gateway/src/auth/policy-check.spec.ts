import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory, ModulesContainer } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NatsConnection } from 'nats';
import { IncidentRpc, Role, RoleSets } from '@itsm/contracts';
import { createLogger } from '@itsm/observability';
import { loadGatewayConfig } from '../config';
import { UNPREFIXED } from '../gateway';
import { GatewayModule } from '../gateway.module';
import { AUTHORIZATION_POLICY, accessOf, type RouteAccess } from './policy';
import { RolesOf } from './auth.decorators';
import { type ControllerRoute, controllerRoutes, policyProblems, type RegisteredRoutes } from './policy-check';
import { RolesGuard } from './roles.guard';

const everything: RegisteredRoutes = { has: () => true };
const nothing: RegisteredRoutes = { has: () => false };

function route(key: string, overrides: Partial<ControllerRoute> = {}): ControllerRoute {
  return { key, handler: 'IncidentsController.get', public: false, ...overrides };
}

describe('policyProblems', () => {
  const table: Record<string, RouteAccess> = {
    'GET /v1/incidents/:id': { roles: IncidentRpc.get.roles, apiKey: true },
    'GET /health/live': { public: true },
  };

  it('finds nothing when every route has its entry and agrees with its decorators', () => {
    const routes = [route('GET /v1/incidents/:id', { roles: [...IncidentRpc.get.roles].reverse() }), route('GET /health/live', { handler: 'HealthController.live', public: true })];

    expect(policyProblems(routes, nothing, table)).toEqual([]);
  });

  it('names a route without an entry, and an entry without a route', () => {
    expect(policyProblems([route('GET /v1/incidents/:id'), route('DELETE /v1/incidents/:id', { handler: 'IncidentsController.remove' })], nothing, table)).toEqual([
      'DELETE /v1/incidents/:id (IncidentsController.remove) has no entry in the authorization policy',
      'GET /health/live is in the authorization policy but the gateway serves no such route',
    ]);
  });

  it('names a route whose @Public() or roles say otherwise than the table', () => {
    expect(policyProblems([route('GET /v1/incidents/:id', { public: true }), route('GET /health/live', { handler: 'HealthController.live' })], nothing, table)).toEqual([
      'GET /v1/incidents/:id (IncidentsController.get) is @Public() but not public in the authorization policy',
      'GET /health/live (HealthController.live) is not @Public() but public in the authorization policy',
    ]);
    expect(policyProblems([route('GET /v1/incidents/:id', { roles: RoleSets.admins })], everything, table)).toEqual([
      `GET /v1/incidents/:id (IncidentsController.get) is decorated for roles [admin] but the authorization policy allows [${IncidentRpc.get.roles.join(', ')}]`,
    ]);
  });

  it('accepts a public route served outside the controllers, and no other', () => {
    const outside = { 'GET /openapi.json': { public: true }, 'GET /v1/secret': { roles: RoleSets.admins, apiKey: false } } satisfies Record<string, RouteAccess>;

    expect(policyProblems([], everything, outside)).toEqual(['GET /v1/secret is served outside the controllers, where no guard checks its policy']);
  });

  it('refuses an entry that names no role', () => {
    expect(policyProblems([route('GET /v1/incidents/:id')], nothing, { 'GET /v1/incidents/:id': { roles: [], apiKey: true } })).toEqual([
      'GET /v1/incidents/:id names no role in the authorization policy (RoleSets.everyone lets any authenticated caller in)',
    ]);
  });
});

describe('accessOf', () => {
  it('finds a route by method and path pattern, HEAD by its GET route', () => {
    expect(accessOf('GET', '/v1/incidents/:id')).toEqual({ roles: IncidentRpc.get.roles, apiKey: true });
    expect(accessOf('HEAD', '/v1/incidents/:id')).toBe(accessOf('GET', '/v1/incidents/:id'));
    expect(accessOf('GET', '/v1/incidents/3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10')).toBeUndefined();
    expect(accessOf('GET', 'constructor')).toBeUndefined();
    expect(accessOf('GET', undefined)).toBeUndefined();
  });

  it('closes key management to API keys, and opens the audit trail to auditors', () => {
    expect(accessOf('POST', '/v1/api-keys')).toEqual({ roles: [Role.Admin], apiKey: false });
    expect(accessOf('GET', '/v1/audit')).toEqual({ roles: [Role.Admin, Role.Auditor], apiKey: true });
  });
});

describe('the authorization policy of the gateway', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const config = loadGatewayConfig({ JWT_SECRET: 'x'.repeat(64) });
    app = await NestFactory.create<NestFastifyApplication>(
      GatewayModule.forRoot({ config, logger: createLogger('gateway', 'silent'), nc: Object.freeze({}) as NatsConnection }),
      new FastifyAdapter(),
      { logger: false, abortOnError: false },
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  it('has an entry for every route of every controller, agreeing with its decorators, and a route for every entry', () => {
    // Not initialised, the router holds no route yet: the controllers' routes are prefixed as the gateway does it,
    // and the OpenAPI document and its UI are the routes served outside them.
    const unprefixed = new Set(UNPREFIXED.map((path) => `/${path}`));
    const prefixed: RegisteredRoutes = { has: (_method, url) => !unprefixed.has(url.slice('/v1'.length)) };
    const routes = controllerRoutes(app.get(ModulesContainer), prefixed);
    const documents: RegisteredRoutes = { has: (method, url) => method === 'GET' && (url === '/openapi.json' || url === '/docs') };

    expect(routes.length).toBeGreaterThan(150);
    expect(policyProblems(routes, documents)).toEqual([]);
    expect(Object.keys(AUTHORIZATION_POLICY).length).toBe(routes.length + 2);
  });
});

describe('a gateway whose routes and policy disagree', () => {
  @Controller('incidents')
  class StrayController {
    @Get(':id')
    @RolesOf(IncidentRpc.get)
    get(): string {
      return 'listed';
    }

    @Get(':id/secrets')
    @RolesOf(IncidentRpc.get)
    secrets(): string {
      return 'not listed';
    }
  }

  @Module({ controllers: [StrayController], providers: [{ provide: APP_GUARD, useClass: RolesGuard }] })
  class StrayModule {}

  it('does not start, naming the route without a policy and the entries without a route', async () => {
    const app = await NestFactory.create<NestFastifyApplication>(StrayModule, new FastifyAdapter(), { logger: false, abortOnError: false });
    app.setGlobalPrefix('v1');
    try {
      const started = app.init();

      await expect(started).rejects.toThrow('GET /v1/incidents/:id/secrets (StrayController.secrets) has no entry in the authorization policy');
      await expect(started).rejects.toThrow('POST /v1/incidents is in the authorization policy but the gateway serves no such route');
      await expect(started).rejects.not.toThrow('GET /v1/incidents/:id ');
    } finally {
      await app.close();
    }
  });
});
