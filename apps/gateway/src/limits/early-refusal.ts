import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { API_KEY_SUBJECT_PREFIX, CommonError, CommonErrorCode } from '@itsm/contracts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem';
import { rejectedRequests, RejectionReason } from './limits.metrics';
import { rateLimitHeaders, routePathOf } from './rate-limit.guard';
import type { RateLimiter } from './rate-limiter';
import { routeClassOf } from './route-class';

const API_KEY = /^itsm_([A-Za-z0-9]+)_/;

/**
 * Who a request says it is, unverified: the id of its API key, or the `sub` of its bearer token's payload (decoded,
 * not checked). Used only to refuse a request early when that subject's quota is known to be used up.
 */
export function claimedSubject(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  const bearer = headers.authorization?.startsWith('Bearer ') ? headers.authorization.slice(7).trim() : undefined;
  const key = API_KEY.exec(typeof apiKey === 'string' ? apiKey : (bearer ?? ''));
  if (key) return `${API_KEY_SUBJECT_PREFIX}${key[1]}`;
  const payload = bearer?.split('.')[1];
  if (!payload) return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A client over its quota is refused before anything that costs: a Fastify hook, before authentication, answers
 * 429 to a request whose claimed subject this replica knows to be over quota for the route's class in the current
 * window (learnt from that subject's verified requests: see {@link RateLimiter.knownOverQuota}). A flood from one
 * client then costs the replica little more than reading its requests, and other clients are served beside it.
 * Requests of a client not known to be over quota go on to the guards, which count them as before.
 */
export function registerEarlyRefusal(fastify: FastifyInstance, limiterOf: () => RateLimiter | undefined): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const limiter = limiterOf();
    const path = routePathOf(request);
    if (!limiter?.enabled || !path.startsWith('/v1/')) return done();
    const sub = claimedSubject(request.headers);
    const routeClass = routeClassOf(request.method, path);
    const refusal = sub === undefined ? undefined : limiter.knownOverQuota(sub, routeClass);
    if (!refusal) return done();
    rejectedRequests.inc({ class: routeClass, reason: RejectionReason.RateLimit });
    const error = new CommonError(
      CommonErrorCode.RateLimited,
      `you have made the ${refusal.quota} ${routeClass} requests one client may make in ${refusal.windowSeconds} s; try again in ${refusal.resetSeconds} s`,
      { retryAfterSeconds: refusal.resetSeconds },
    );
    const { problem } = toProblem(error, request.url.split('?')[0] ?? request.url);
    void reply
      .code(429)
      .headers({ ...rateLimitHeaders(refusal), 'retry-after': String(refusal.resetSeconds), 'content-type': PROBLEM_CONTENT_TYPE })
      .send(JSON.stringify(problem));
  });
}
