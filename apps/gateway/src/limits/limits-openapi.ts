import type { OpenAPIObject } from '@nestjs/swagger';
import type { HeaderObject, OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { problemResponse } from '../errors/api-problem-responses.decorator';
import { UNSHED_ROUTES } from './load-shedding';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Routes without a deadline: the live event stream stays open by design. */
const ROUTES_WITHOUT_DEADLINE: ReadonlySet<string> = new Set(['/v1/events/stream']);

const RATE_LIMITED =
  'The caller has made as many requests of this route class (`read`, `write`, `import`, `report`) as one client may in the current window ' +
  '(`reason` `RATE_LIMITED`); `Retry-After` says in how many seconds the window ends.';

const OVERLOADED = 'The gateway replica is serving as many requests as it takes (`reason` `OVERLOADED`); try again after `Retry-After` seconds.';

const DEADLINE = 'The request was not answered within its deadline (`reason` `DEADLINE_EXCEEDED`, `REQUEST_TIMEOUT_MS`).';

const RATE_LIMIT_HEADERS: Record<string, HeaderObject> = {
  'Retry-After': { description: 'Seconds until the window ends.', schema: { type: 'integer', minimum: 1 } },
  'RateLimit-Policy': {
    description: 'The quota of the route class, as draft-ietf-httpapi-ratelimit-headers defines it: `"<class>";q=<requests>;w=<window seconds>`. Sent on every answer of a route with a caller.',
    schema: { type: 'string', example: '"read";q=1200;w=60' },
  },
  RateLimit: {
    description: 'Requests left in the window and seconds until it ends: `"<class>";r=<remaining>;t=<seconds>`. Sent on every answer of a route with a caller.',
    schema: { type: 'string', example: '"read";r=0;t=42' },
  },
};

function withProblem(operation: OperationObject, status: number, description: string, headers?: Record<string, HeaderObject>): void {
  const existing = operation.responses[String(status)] as ResponseObject | undefined;
  if (existing) {
    // The route's own meaning of the status stays first; the gateway's is added.
    if (!existing.description.includes(description)) existing.description = `${existing.description} ${description}`;
    if (headers) existing.headers = { ...headers, ...existing.headers };
    return;
  }
  operation.responses[String(status)] = { ...problemResponse(status), description, ...(headers ? { headers } : {}) };
}

/**
 * The statuses the gateway itself answers on top of what each route declares, said once here so that no route can
 * leave them out: 429 on every route with a caller (rate limits), 503 on every route that can be shed, 504 on every
 * route with a caller and a deadline. Runs on the completed document (public routes have `security: []`).
 */
export function declareGatewayLimits(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const withCaller = (operation.security ?? []).length > 0;
      if (withCaller) withProblem(operation, 429, RATE_LIMITED, RATE_LIMIT_HEADERS);
      if (!UNSHED_ROUTES.has(path)) withProblem(operation, 503, OVERLOADED, { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } } });
      if (withCaller && !ROUTES_WITHOUT_DEADLINE.has(path)) withProblem(operation, 504, DEADLINE);
    }
  }
  return document;
}
