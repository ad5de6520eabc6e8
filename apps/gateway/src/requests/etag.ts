import type { FastifyReply } from 'fastify';
import { etagOf } from '../http/preconditions';

/** Sets the record's version as the ETag of the answer and passes the record on. */
export function withEtag<T extends { version: number }>(reply: FastifyReply, record: T): T {
  void reply.header('etag', etagOf(record.version));
  return record;
}
