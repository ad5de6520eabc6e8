import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { WorkContexts } from '@itsm/observability';
import { workContextOf } from './request-context';

/**
 * Runs the handler inside the request's work context (with the actor once authenticated), so RPC calls
 * carry the correlation id, trace and actor, and logs name them.
 */
@Injectable()
export class WorkContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const work = workContextOf(request);
    if (request.actor) work.actor = request.actor;
    return new Observable((subscriber) => WorkContexts.run(work, () => next.handle().subscribe(subscriber)));
  }
}
