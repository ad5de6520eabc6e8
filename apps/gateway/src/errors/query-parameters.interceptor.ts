import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { invalidInput } from './validation';

/** Whether a handler reads its query string through `@Query()`, whose DTO then names what the route takes. */
function takesQuery(context: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {}) as Record<string, unknown>;
  return Object.keys(args).some((key) => Number(key.split(':')[0]) === Number(RouteParamtypes.QUERY));
}

/**
 * A route without query parameters refuses any it is sent (400 naming each), as a route with a query DTO refuses
 * those the DTO does not have: a misspelt or misplaced parameter is never silently ignored.
 */
@Injectable()
export class QueryParametersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && !takesQuery(context)) {
      const query = context.switchToHttp().getRequest<FastifyRequest>().query;
      const names = typeof query === 'object' && query !== null ? Object.keys(query) : [];
      if (names.length > 0) throw invalidInput(names.map((name) => ({ field: name, message: `${name} is not a parameter of this route` })));
    }
    return next.handle();
  }
}
