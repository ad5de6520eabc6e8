/**
 * Every operation of the OpenAPI document the gateway serves tells a caller what it does, shows what it takes and
 * answers, and names the problems it may answer. Each check lists its failures as `METHOD path: what is missing`.
 */
import { type Gateway } from '../src/gateway';
import { startGateway } from './support/listening-gateway';

type Json = Record<string, unknown>;

interface Operation {
  summary?: string;
  description?: string;
  parameters?: unknown[];
  requestBody?: { content?: Record<string, Json> };
  responses: Record<string, { content?: Record<string, Json> }>;
  security?: unknown[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const JSON_MEDIA_TYPE = 'application/json';
const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `[METHOD path, operation]` for every operation of the document. */
function operationsOf(document: OpenApiDocument): Array<[string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [[`${method.toUpperCase()} ${path}`, item[method]] as [string, Operation]] : [])),
  );
}

/**
 * Where a schema leaves a value without an example, as dotted paths (`IncidentView.createdAt`, `IncidentPage.items[]`).
 * The rule: a schema is exemplified when it (or the component it references) has `example` or `examples`; otherwise
 * a scalar needs a `default` or an `enum` (either gives a value to show), an array needs its items exemplified, an
 * object needs each of its properties exemplified (an object without declared properties, such as a map, needs its own
 * example), and `allOf`/`anyOf`/`oneOf` need each of their members exemplified (the `null` member of a nullable
 * reference stands for itself). A component already being walked is not walked again (a recursive schema).
 */
function unexemplified(schemas: Record<string, Json>, schema: Json, at: string, walking: ReadonlySet<string> = new Set()): string[] {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    const target = schemas[name];
    if (!target) return [`${at || name} (no component ${name})`];
    if (walking.has(name)) return [];
    return unexemplified(schemas, target, name, new Set([...walking, name]));
  }
  if ('example' in schema || 'examples' in schema || 'default' in schema || 'enum' in schema) return [];
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const members = schema[key];
    if (Array.isArray(members)) {
      return members.filter(isObject).flatMap((member) => (member['nullable'] === true && Array.isArray(member['enum']) ? [] : unexemplified(schemas, member, at, walking)));
    }
  }
  if (schema['type'] === 'array') return unexemplified(schemas, isObject(schema['items']) ? schema['items'] : {}, `${at}[]`, walking);
  const properties = schema['properties'];
  if (isObject(properties) && Object.keys(properties).length > 0) {
    return Object.entries(properties).flatMap(([name, property]) => (isObject(property) ? unexemplified(schemas, property, `${at}.${name}`, walking) : []));
  }
  return [at || '(the value)'];
}

/** What a JSON media type of the operation leaves without an example; nothing when the media type carries one. */
function missingExamples(schemas: Record<string, Json>, content: Record<string, Json> | undefined, what: string): string[] {
  const media = content?.[JSON_MEDIA_TYPE];
  if (!media || 'example' in media || 'examples' in media) return [];
  const missing = unexemplified(schemas, isObject(media['schema']) ? media['schema'] : {}, '');
  return missing.length ? [`${what} has no example for ${[...new Set(missing)].sort().join(', ')}`] : [];
}

describe('the OpenAPI document, operation by operation', () => {
  let gateway: Gateway | undefined;
  let document: OpenApiDocument;

  beforeAll(async () => {
    let baseUrl: string;
    ({ gateway, baseUrl } = await startGateway());
    document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('has operations to check', () => {
    expect(operationsOf(document).length).toBeGreaterThan(100);
  });

  it('lists null among the values of every nullable enumeration, so that a null it answers matches its schema', () => {
    const offenders: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${at}/${index}`));
      if (!isObject(node)) return;
      if (node['nullable'] === true && Array.isArray(node['enum']) && !node['enum'].includes(null)) offenders.push(at);
      for (const [key, value] of Object.entries(node)) if (key !== 'example' && key !== 'examples') walk(value, `${at}/${key}`);
    };
    walk(document, '#');
    expect(offenders).toEqual([]);
  });

  it('gives every operation a summary and a description', () => {
    const failures = operationsOf(document).flatMap(([route, operation]) => [
      ...(operation.summary?.trim() ? [] : [`${route}: no summary`]),
      ...(operation.description?.trim() ? [] : [`${route}: no description`]),
    ]);
    expect(failures).toEqual([]);
  });

  it('shows an example of every JSON request body and every JSON answer of success', () => {
    const schemas = document.components.schemas;
    const failures = operationsOf(document).flatMap(([route, operation]) => [
      ...missingExamples(schemas, operation.requestBody?.content, 'request body').map((failure) => `${route}: ${failure}`),
      ...Object.entries(operation.responses)
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([status, response]) => missingExamples(schemas, response.content, `${status} answer`).map((failure) => `${route}: ${failure}`)),
    ]);
    expect(failures).toEqual([]);
  });

  it('declares the problems every /v1 operation may answer: 401, 403 unless open, 500, and 400 when it takes input', () => {
    const failures = operationsOf(document)
      .filter(([route]) => route.split(' ')[1]?.startsWith('/v1/'))
      .flatMap(([route, operation]) => {
        const statuses = ['401', '500'];
        if (operation.security?.length !== 0) statuses.push('403');
        if (operation.parameters?.length || operation.requestBody) statuses.push('400');
        return statuses
          .filter((status) => !operation.responses[status]?.content?.[PROBLEM_MEDIA_TYPE])
          .map((status) => `${route}: no ${status} problem response (${PROBLEM_MEDIA_TYPE})`);
      });
    expect(failures).toEqual([]);
  });
});
