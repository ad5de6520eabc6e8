import type { FastifyReply } from 'fastify';
import { API_PREFIX } from '../gateway.tokens';
import { etagOf } from './preconditions';

/**
 * The answer of a create route (with `@HttpCode(201)`): `Location` of the new record, `/v1/<path>/<key>` where the
 * key is its id unless given (a class is named by its name), and its version as `ETag` when it has one. Passes the
 * record on.
 */
export function created<T extends { id: string; version?: number }>(reply: FastifyReply, record: T, path: string): T;
export function created<T extends { version?: number }>(reply: FastifyReply, record: T, path: string, key: string): T;
export function created<T extends { id?: string; version?: number }>(reply: FastifyReply, record: T, path: string, key?: string): T {
  void reply.header('location', `/${API_PREFIX}/${path}/${key ?? record.id}`);
  if (typeof record.version === 'number') void reply.header('etag', etagOf(record.version));
  return record;
}
