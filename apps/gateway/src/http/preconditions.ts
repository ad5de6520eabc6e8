import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommonError, CommonErrorCode } from '@itsm/contracts';

/** The version of a record as an HTTP entity tag. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

export const ETAG_HEADER = { description: 'Version of the record, for `If-Match`.', schema: { type: 'string', example: '"3"' } };

export const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description: 'ETag of the version the change is based on; a stale one is refused with 412 and nothing is changed.',
  example: '"3"',
};

export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Unique key of this create request (e.g. a UUID). A retry with the same key and body returns the record the first request created instead of creating another; the same key with another body is refused with 422. Keys are kept 24 hours.',
  example: '0b9f7c7e-3c55-4f43-9d8e-2f8c1a4e6b21',
};

/** `If-Match: "3"` (or `W/"3"`) → 3; absent → undefined; `*` means any version. */
export function versionFromIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(value);
  if (!match?.[1]) {
    throw new CommonError(CommonErrorCode.InvalidRequest, 'If-Match must be one entity tag such as "3"', { errors: [{ field: 'If-Match', message: 'must be an ETag such as "3"' }] });
  }
  return Number(match[1]);
}

/** `Idempotency-Key` header: 1–255 visible ASCII characters. */
export function idempotencyKeyFrom(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new CommonError(CommonErrorCode.InvalidRequest, 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
      errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
    });
  }
  return value;
}

/** The version a change is based on, as the `expectedVersion` field of an RPC command (absent without `If-Match`). */
export type Precondition = { expectedVersion?: number };

export function ifMatchVersion(header: string | string[] | undefined): Precondition {
  const expectedVersion = versionFromIfMatch(header);
  return expectedVersion === undefined ? {} : { expectedVersion };
}

/** The request's `If-Match` as a {@link Precondition}; a malformed header is a 400 naming `If-Match`. */
export const IfMatch = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Precondition => ifMatchVersion(context.switchToHttp().getRequest<FastifyRequest>().headers['if-match']),
);

/** Sets the record's version as the ETag of the answer and passes the record on. */
export function withEtag<T extends { version: number }>(reply: FastifyReply, record: T): T {
  void reply.header('etag', etagOf(record.version));
  return record;
}

/** The request's `Idempotency-Key` as the `idempotencyKey` field of a create command (absent without the header). */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): { idempotencyKey?: string } => {
  const key = idempotencyKeyFrom(context.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key']);
  return key === undefined ? {} : { idempotencyKey: key };
});
