import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { problemResponse } from '../errors/api-problem-responses.decorator';
import { ProblemDto } from '../errors/problem.dto';
import { declareGatewayLimits } from '../limits/limits-openapi';
import { declareRequestDefaults } from './request-defaults';
import { stateValidatorRules } from './validator-rules';

export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'openapi.json';

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('ITSM suite API')
    .setDescription(
      'REST API of the IT Service Management suite. Errors are RFC 9457 `application/problem+json`; ' +
        'every response carries `x-correlation-id` (taken from the request when sent).',
    )
    .setVersion('1.0')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('/', 'The gateway that serves this document.')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 token with claims sub, name, roles, groups.' })
    .build();
  return declareGatewayLimits(completeDocument(stateValidatorRules(declareRequestDefaults(declareUnsupportedMediaType(SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] }))), app)));
}

const BODY_METHODS = ['post', 'put', 'patch'] as const;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** What each tag of the document groups; every tag an operation uses is listed with its entry. */
export const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  incidents: 'Incidents of the service desk: open, triage, move through their states, comment, link.',
  'routing rules': 'Rules that assign a new incident to a group by its fields.',
  problems: 'Problem management: problems and their linked incidents, known errors, and the rules that detect recurring incidents.',
  changes: 'Change enablement: changes with their risk, approvals and schedule checks, the change calendar, standard change templates, blackout and maintenance windows, releases, and the gates pipelines ask before deploying.',
  knowledge: 'Knowledge management: articles with their review, content versions and diffs, search, suggestions for tickets, feedback and links to tickets.',
  requests: 'Service requests raised from the catalog: approvals, fulfillment tasks, comments.',
  catalog: 'The service catalog: items, their forms and how requests for them are approved.',
  cmdb: 'Configuration items, their classes and relationships, imports, reconciliation and impact.',
  sla: 'SLA and OLA policies, business calendars and the clocks that run against them.',
  reports: 'Reports of the service desk, SLA, problem, change and knowledge management, as JSON or CSV (`Accept: text/csv`), and their index.',
  audit: 'The audit trail of every service, merged by time: who changed what, when, from what to what, under which correlation id.',
  'api keys': 'API keys for machine clients: create (shown once), list, read and revoke; admins only, with a token.',
  notifications: 'Notification subscriptions, contacts and deliveries.',
  events: 'The stream of domain events as server-sent events.',
  operations: 'Health of the gateway, for probes; no token needed.',
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Document-wide rules the generator does not follow by itself:
 * - the `tags` list, with what each tag groups;
 * - `security: []` on the operations that need no token (every other one names the bearer scheme);
 * - a nullable reference in the form OpenAPI 3.0 defines (`nullable` only acts beside a `type`, never through
 *   `allOf`): `anyOf: [the reference, null]`;
 * - a lone `allOf: [reference]` without anything beside it is the reference itself;
 * - a nullable enumeration lists `null` among its values (`nullable` does not widen an `enum`, OpenAPI 3.0.3).
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  const used = new Set<string>();
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) continue;
      for (const tag of operation.tags ?? []) used.add(tag);
      operation.security ??= [];
    }
  }
  const listed = new Map((document.tags ?? []).map((tag) => [tag.name, tag]));
  document.tags = [...new Set([...listed.keys(), ...used])].map((name) => ({ name, description: TAG_DESCRIPTIONS[name], ...listed.get(name) }));
  const schemas = (document.components?.schemas ?? {}) as Record<string, Json>;
  const typeOf = (ref: string): string => {
    const target = schemas[ref.replace('#/components/schemas/', '')]?.['type'];
    return typeof target === 'string' ? target : 'object';
  };
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) out[key] = key === 'example' || key === 'examples' ? value : visit(value);
    if (out['nullable'] === true && Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...(out['enum'] as unknown[]), null];
    const allOf = out['allOf'];
    const ref = Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0]) && Object.keys(allOf[0]).length === 1 ? allOf[0]['$ref'] : undefined;
    if (typeof ref !== 'string') return out;
    // The generator may write the target's own type beside the reference (`type: object`): it says nothing more.
    if (out['nullable'] === true && (out['type'] === undefined || out['type'] === typeOf(ref))) {
      const { nullable: _nullable, allOf: _allOf, type: _type, ...rest } = out;
      return { ...rest, anyOf: [{ $ref: ref }, { type: typeOf(ref), nullable: true, enum: [null] }] };
    }
    if (out['type'] !== undefined) return out;
    return Object.keys(out).length === 1 ? { $ref: ref } : out;
  };
  document.components = visit(document.components) as OpenAPIObject['components'];
  document.paths = visit(document.paths) as OpenAPIObject['paths'];
  return document;
}

/**
 * Every route a body may be sent to answers 415 for a media type it does not take (see `refuseUnsupportedBodies`):
 * said here once for all of them, so that no route can leave it out.
 */
export function declareUnsupportedMediaType(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of BODY_METHODS) {
      const operation = path[method];
      if (operation && !operation.responses['415']) operation.responses['415'] = problemResponse(415);
      if (operation && !operation.responses['413']) operation.responses['413'] = problemResponse(413);
    }
  }
  return document;
}

/** Swagger UI at `/docs` and the document at `/openapi.json`, outside the `/v1` prefix and without a token. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'ITSM suite API',
  });
}
