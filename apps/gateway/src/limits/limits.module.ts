import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RateLimiter } from './rate-limiter';
import { RequestDeadlineInterceptor } from './request-deadline.interceptor';

/**
 * Rate limits shared across gateway replicas (the guard is registered with the other global guards), request
 * deadlines, and load shedding (a Fastify hook, see `registerLoadShedding`).
 */
@Module({
  providers: [RateLimiter, { provide: APP_INTERCEPTOR, useClass: RequestDeadlineInterceptor }],
  exports: [RateLimiter],
})
export class LimitsModule {}
