import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createValidationPipe, notAJsonObject } from '../errors/validation';

/**
 * The JSON body of a request whose fields are all optional, `{}` when none was sent: a bare `POST` of an action
 * is then as good as one with an empty object. Pass {@link optionalBodyPipe} to validate it.
 */
export const OptionalBody = createParamDecorator((_data: unknown, context: ExecutionContext): object => {
  const body = context.switchToHttp().getRequest<FastifyRequest>().body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw notAJsonObject();
  return body;
});

/** The gateway's validation, applied to an {@link OptionalBody} (the global pipe leaves custom parameters alone). */
export const optionalBodyPipe = createValidationPipe({ validateCustomDecorators: true });
