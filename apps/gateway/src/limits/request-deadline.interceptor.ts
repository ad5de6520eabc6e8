import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, throwError, timeout } from 'rxjs';
import { CommonError, CommonErrorCode } from '@itsm/contracts';
import { IMPORT_RPC_TIMEOUT_MS } from '../cmdb/imports.controller';
import { GatewayConfig } from '../config';
import { EventStreamController } from '../events/event-stream.controller';
import { routePathOf } from './rate-limit.guard';
import { rejectedRequests, RejectionReason } from './limits.metrics';
import { RouteClass, routeClassOf } from './route-class';

/** How far the overall deadline lies beyond the RPC timeout when REQUEST_TIMEOUT_MS is not set. */
const DEFAULT_MARGIN_MS = 1_000;

/** Deadlines of a request, counted from its arrival, by route class. */
export function requestDeadlines(config: Pick<GatewayConfig, 'REQUEST_TIMEOUT_MS' | 'RPC_TIMEOUT_MS'>): Readonly<Record<RouteClass, number>> {
  const base = config.REQUEST_TIMEOUT_MS ?? config.RPC_TIMEOUT_MS + DEFAULT_MARGIN_MS;
  // An import waits for its own, longer RPC timeout: its deadline keeps the same margin beyond that.
  const margin = Math.max(0, base - config.RPC_TIMEOUT_MS);
  const imports = Math.max(base, Math.max(IMPORT_RPC_TIMEOUT_MS, config.RPC_TIMEOUT_MS) + margin);
  return { [RouteClass.Read]: base, [RouteClass.Write]: base, [RouteClass.Report]: base, [RouteClass.Import]: imports };
}

/**
 * Every request is answered within its deadline: a route that makes several RPCs, or waits on anything else, answers
 * 504 problem+json (`DEADLINE_EXCEEDED`) when the time is up, instead of keeping the client waiting. The time spent
 * before the handler (authentication, rate limit) counts. Live event streams stay open by design and are exempt.
 */
@Injectable()
export class RequestDeadlineInterceptor implements NestInterceptor {
  private readonly deadlines: Readonly<Record<RouteClass, number>>;

  constructor(@Inject(GatewayConfig) config: GatewayConfig) {
    this.deadlines = requestDeadlines(config);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || context.getClass() === EventStreamController) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const routeClass = routeClassOf(request.method, routePathOf(request));
    const deadlineMs = this.deadlines[routeClass];
    const left = Math.max(0, Math.floor(deadlineMs - http.getResponse<FastifyReply>().elapsedTime));
    return next.handle().pipe(
      timeout({
        first: left,
        with: () => {
          rejectedRequests.inc({ class: routeClass, reason: RejectionReason.Deadline });
          return throwError(() => new CommonError(CommonErrorCode.DeadlineExceeded, `the request was not answered within its deadline of ${deadlineMs} ms`));
        },
      }),
    );
  }
}
