import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { traceIdOf } from '@itsm/observability';
import { bearerChallenge } from '../auth/authentication';
import { workContextOf } from '../context/request-context';
import { GATEWAY_LOGGER } from '../gateway.tokens';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** Every error of every HTTP request, Nest's and Fastify's included, leaves as problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(GATEWAY_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const path = request.url.split('?')[0] ?? request.url;
    const { problem, log } = toProblem(exception, path);
    if (log) {
      const context = workContextOf(request);
      this.logger.error(
        { err: log.cause, errorId: log.errorId, correlationId: context.correlationId, traceId: traceIdOf(context.traceparent), method: request.method, path },
        'request failed',
      );
    }
    if (reply.sent) return;
    if (problem.status === 401) void reply.header('www-authenticate', bearerChallenge(exception));
    // A refusal that says when to come back (`retryAfterSeconds` in its details) says it in the standard header too.
    if (typeof problem['retryAfterSeconds'] === 'number') void reply.header('retry-after', String(problem['retryAfterSeconds']));
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
