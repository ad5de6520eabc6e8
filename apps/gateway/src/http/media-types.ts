/** Which media types a route takes as its body: JSON unless it says otherwise. */
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CommonError, CommonErrorCode } from '@itsm/contracts';

export const JSON_MEDIA_TYPE = 'application/json';

interface BodyTypesConfig {
  bodyTypes?: readonly string[];
}

/** The media types a route takes as its body, when more than JSON: `@AcceptsBody(JSON_MEDIA_TYPE, TEXT_CALENDAR)`. */
export const AcceptsBody = (...types: string[]): MethodDecorator => RouteConfig({ bodyTypes: types } satisfies BodyTypesConfig);

/** `text/calendar; charset=utf-8` → `text/calendar`; absent or empty → undefined. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

/** Methods whose requests Fastify reads a body of, and so whose `Content-Type` matters even for an empty one. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The 415 of a request whose body a route does not take, or undefined when it takes it (or there is none).
 * `accepted` are the route's media types.
 */
export function unsupportedBody(method: string, headers: { 'content-type'?: string }, bodySent: boolean, accepted: readonly string[]): CommonError | undefined {
  const type = mediaTypeOf(headers['content-type']);
  if (!bodySent && (type === undefined || !BODY_METHODS.has(method))) return undefined;
  if (type !== undefined && accepted.includes(type)) return undefined;
  const takes = accepted.join(' or ');
  return new CommonError(
    CommonErrorCode.UnsupportedMediaType,
    type === undefined ? `the request body has no Content-Type; this route takes ${takes}` : `this route takes a body of type ${takes}, not ${type}`,
    { errors: [{ field: 'Content-Type', message: `must be ${takes}` }] },
  );
}

/**
 * Refuses with 415, before the body is read, a body of a media type the route does not take: JSON everywhere but
 * where a route declares more with {@link AcceptsBody}. Unknown routes are left to their 404.
 */
export function refuseUnsupportedBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (request.is404) return done();
    const accepted = (request.routeOptions.config as BodyTypesConfig).bodyTypes ?? [JSON_MEDIA_TYPE];
    const refusal = unsupportedBody(request.method, request.headers, hasBody(request), accepted);
    done(refusal);
  });
}
