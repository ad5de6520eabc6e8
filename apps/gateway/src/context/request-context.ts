/** Work context, correlation header, access log and HTTP metrics of every request, as Fastify hooks. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { type Actor, MessageHeaders } from '@itsm/contracts';
import { contextFromHeaders, counter, histogram, traceIdOf, type WorkContext } from '@itsm/observability';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the onRequest hook; the actor is added once the token is verified. */
    workContext: WorkContext | null;
    actor: Actor | null;
  }
}

const httpRequests = counter('itsm_http_requests_total', 'HTTP requests answered, by method, route and status', ['method', 'route', 'status']);
const httpDuration = histogram(
  'itsm_http_request_duration_seconds',
  'Time to answer an HTTP request, by method, route and status',
  ['method', 'route', 'status'],
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The context of a request, or a fresh one when it never went through the hooks. */
export function workContextOf(request: FastifyRequest): WorkContext {
  request.workContext ??= contextFromHeaders({});
  return request.workContext;
}

export function registerRequestContext(fastify: FastifyInstance, logger: Logger): void {
  fastify.decorateRequest('workContext', null);
  fastify.decorateRequest('actor', null);

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    request.workContext = contextFromHeaders({
      correlationId: firstHeader(request.headers[MessageHeaders.correlationId]),
      traceparent: firstHeader(request.headers[MessageHeaders.traceparent]),
    });
    void reply.header(MessageHeaders.correlationId, request.workContext.correlationId);
    done();
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const status = reply.statusCode;
    const durationMs = Math.round(reply.elapsedTime * 100) / 100;
    // The route template, not the URL, so ids do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(status) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, durationMs / 1_000);
    const context = workContextOf(request);
    logger.info(
      {
        correlationId: context.correlationId,
        traceId: traceIdOf(context.traceparent),
        method: request.method,
        path: request.url.split('?')[0],
        route,
        status,
        durationMs,
        ...(request.actor ? { sub: request.actor.sub } : {}),
      },
      'request',
    );
    done();
  });
}
