import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CommonError, CommonErrorCode } from '@itsm/contracts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem';
import { inFlightRequests, rejectedRequests, RejectionReason } from './limits.metrics';
import { routePathOf } from './rate-limit.guard';
import { routeClassOf } from './route-class';

/** What a shed request is told: load is measured in requests that usually take milliseconds. */
export const SHED_RETRY_AFTER_SECONDS = 1;

/**
 * Routes that are never shed and not counted: probes and metrics must answer while the replica is busy (a probe
 * that fails under load would take a busy replica out, making the others busier still), and a live event stream is
 * idle most of its long life and bounded by EVENT_STREAMS_PER_USER instead.
 */
export const UNSHED_ROUTES: ReadonlySet<string> = new Set(['/health/live', '/health/ready', '/metrics', '/v1/events/stream']);

/**
 * Back-pressure: at most `maxInFlight` requests in progress on this replica. One more is answered 503 problem+json
 * (`OVERLOADED`) with `Retry-After` at once, before authentication or anything else that costs, so that an overloaded
 * replica spends nothing on the requests it cannot serve.
 */
export function registerLoadShedding(fastify: FastifyInstance, maxInFlight: number): void {
  let inFlight = 0;

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const path = routePathOf(request);
    if (UNSHED_ROUTES.has(path)) return done();
    if (inFlight >= maxInFlight) {
      rejectedRequests.inc({ class: routeClassOf(request.method, path), reason: RejectionReason.Shed });
      const refusal = new CommonError(CommonErrorCode.Overloaded, 'the gateway is serving as many requests as it takes; try again shortly', {
        retryAfterSeconds: SHED_RETRY_AFTER_SECONDS,
      });
      const { problem } = toProblem(refusal, request.url.split('?')[0] ?? request.url);
      void reply.code(503).header('retry-after', String(SHED_RETRY_AFTER_SECONDS)).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
      return;
    }
    inFlight += 1;
    inFlightRequests.inc();
    let counted = true;
    // `close` comes once the answer is sent or the client went away, whichever way the request ended.
    reply.raw.once('close', () => {
      if (!counted) return;
      counted = false;
      inFlight -= 1;
      inFlightRequests.dec();
    });
    done();
  });
}
