import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { NATS_CONNECTION, RpcClient } from '@itsm/messaging';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { RolesGuard } from './auth/roles.guard';
import { GatewayConfig } from './config';
import { WorkContextInterceptor } from './context/work-context.interceptor';
import { DocsModule } from './docs/docs.module';
import { ProblemFilter } from './errors/problem.filter';
import { createValidationPipe } from './errors/validation';
import { QueryParametersInterceptor } from './errors/query-parameters.interceptor';
import { GATEWAY_LOGGER } from './gateway.tokens';
import { HealthModule } from './health/health.module';
import { EventsModule } from './events/events.module';
import { IncidentsModule } from './incidents/incidents.module';
import { ChangesModule } from './changes/changes.module';
import { ProblemsModule } from './problems/problems.module';
import { KnowledgeModule } from './knowledge/knowledge.module';
import { RequestsModule } from './requests/requests.module';
import { CmdbModule } from './cmdb/cmdb.module';
import { NotificationsModule } from './notifications/notifications.module';
import { SlaModule } from './sla/sla.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { LimitsModule } from './limits/limits.module';
import { RateLimitGuard } from './limits/rate-limit.guard';
import { ReportsModule } from './reports/reports.module';

export interface GatewayModuleOptions {
  config: GatewayConfig;
  logger: Logger;
  nc: NatsConnection;
}

/** Configuration, NATS, RPC client and the global guards, pipe, interceptor and filter of the gateway. */
@Global()
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [HealthModule, DocsModule, IncidentsModule, ProblemsModule, ChangesModule, KnowledgeModule, RequestsModule, CmdbModule, SlaModule, NotificationsModule, EventsModule, ApiKeysModule, AuditModule, ReportsModule, LimitsModule],
      providers: [
        { provide: GatewayConfig, useValue: options.config },
        { provide: GATEWAY_LOGGER, useValue: options.logger },
        { provide: NATS_CONNECTION, useValue: options.nc },
        { provide: RpcClient, useFactory: (nc: NatsConnection) => new RpcClient(nc, options.config.RPC_TIMEOUT_MS), inject: [NATS_CONNECTION] },
        // Guards run in this order: who is calling, within their rate limit, then may they.
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_INTERCEPTOR, useClass: WorkContextInterceptor },
        { provide: APP_INTERCEPTOR, useClass: QueryParametersInterceptor },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [GatewayConfig, GATEWAY_LOGGER, NATS_CONNECTION, RpcClient],
    };
  }
}
