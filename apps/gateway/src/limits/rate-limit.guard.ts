import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommonError, CommonErrorCode } from '@itsm/contracts';
import { rejectedRequests, RejectionReason } from './limits.metrics';
import { type RateLimitDecision, RateLimiter } from './rate-limiter';
import { routeClassOf } from './route-class';

/** The route template where known (so `/v1/reports/…` is matched as declared), else the path without its query. */
export function routePathOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0] ?? request.url;
}

/** `RateLimit-Policy` and `RateLimit` of draft-ietf-httpapi-ratelimit-headers, as structured fields. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const name = `"${decision.routeClass}"`;
  return {
    'ratelimit-policy': `${name};q=${decision.quota};w=${decision.windowSeconds}`,
    ...(decision.remaining === undefined ? {} : { ratelimit: `${name};r=${decision.remaining};t=${decision.resetSeconds}` }),
  };
}

/**
 * Shared rate limits per client and route class (runs after authentication, before the role check). Public routes
 * (health, documentation) have no caller and are not limited.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || !this.limiter.enabled) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!request.actor) return true;
    const decision = await this.limiter.check(request.actor.sub, routeClassOf(request.method, routePathOf(request)));
    void http.getResponse<FastifyReply>().headers(rateLimitHeaders(decision));
    if (decision.allowed) return true;
    rejectedRequests.inc({ class: decision.routeClass, reason: RejectionReason.RateLimit });
    throw new CommonError(
      CommonErrorCode.RateLimited,
      `you have made the ${decision.quota} ${decision.routeClass} requests one client may make in ${decision.windowSeconds} s; try again in ${decision.resetSeconds} s`,
      { retryAfterSeconds: decision.resetSeconds },
    );
  }
}
