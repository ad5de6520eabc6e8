import type { FastifyInstance } from 'fastify';

/**
 * Headers on every answer of the gateway, problems and live streams included: no content sniffing, no framing (of
 * Swagger UI either), no referrer sent on from the docs, and nothing stored by caches.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * Sets {@link SECURITY_HEADERS} as the first thing of every request. They go on the raw response, so that a route
 * that writes its own head (the live event stream) still sends them, and a route that sets one of them itself wins:
 * Swagger UI's static assets keep their caching, the event stream its `no-cache, no-transform`.
 */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.raw.setHeader(name, value);
    done();
  });
}
