import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { Role } from '@itsm/contracts';
import { mintToken, recordReliability } from '@itsm/testing';
import { arbitraryOf, flatten, type Schema } from '../support/schema-arbitrary';
import { ServedSchema } from '../support/served-schema';
import { type RunningSuite, startSuite } from './suite';

/**
 * Every operation of the document the gateway serves, called with valid and invalid requests built from its schemas,
 * and with the hostile input classes of the reliability report (wrong types, huge strings, deep nesting, unicode edge
 * cases, numbers at and past limits, impossible dates, hostile query strings) wherever they apply.
 * `FUZZ_SEED` and `FUZZ_RUNS` (valid requests per operation) choose the run; `npm run test:fuzz` runs longer.
 */
// `npm run test:fuzz` sets FUZZ_LONG (npx, which starts jest, replaces npm's own lifecycle variables).
const LONG_RUN = process.env['FUZZ_LONG'] === '1';
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261206);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? (LONG_RUN ? 60 : 6));
/** One request in this many goes with a requester's token instead of an admin's. */
const REQUESTER_SHARE = 5;
/** Runs that also send the hostile input classes to every operation: the first only, or every run of a long one. */
const HOSTILE_RUNS = LONG_RUN ? RUNS : 1;
/** The gateway's default body limit (BODY_LIMIT_BYTES, 1 MiB). */
const BODY_LIMIT_BYTES = 1024 * 1024;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value?: unknown }> }> };
  responses: Record<string, { content?: Record<string, unknown> } | undefined>;
}
interface Route {
  path: string;
  method: Method;
  operation: Operation;
  label: string;
}

interface Sent {
  method: string;
  url: string;
  role: string;
  headers: Record<string, string>;
  body?: unknown;
  /** The body as JSON text, for what `JSON.stringify` cannot write (`1e400`, 2^53 + 1) or would take long to. */
  raw?: string;
}
interface Answer {
  status: number;
  contentType: string;
  headers: Headers;
  body: unknown;
  text: string;
}

// Valid for the whole of a long run (`npm run test:chaos` fuzzes for about twenty minutes).
const admin = mintToken({ sub: 'fuzz-admin', name: 'Fuzz Admin', roles: [Role.Admin] }, { expiresInSeconds: 6 * 3600 });
const requester = mintToken({ sub: 'fuzz-requester', name: 'Fuzz Requester', roles: [Role.Requester] }, { expiresInSeconds: 6 * 3600 });

/**
 * A body past the limit, sent with node:http: the gateway answers 413 as soon as it reads the length and closes the
 * connection, often while the body is still being written, which `fetch` reports as a failure without the answer.
 */
function sendOversized(baseUrl: string, sent: Sent & { raw: string }): Promise<Answer> {
  return new Promise((resolve) => {
    const headers = { authorization: `Bearer ${sent.role === 'requester' ? requester : admin}`, 'content-type': 'application/json', ...sent.headers };
    const outgoing = httpRequest(`${baseUrl}${sent.url}`, { method: sent.method, headers: { ...headers, 'content-length': Buffer.byteLength(sent.raw) }, timeout: 60_000 }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (text += chunk));
      incoming.on('end', () => {
        const contentType = incoming.headers['content-type'] ?? '';
        let body: unknown = text;
        try {
          body = /json/.test(contentType) && text ? JSON.parse(text) : text;
        } catch {
          body = text;
        }
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') answerHeaders.set(name, value);
        resolve({ status: incoming.statusCode ?? 0, contentType, headers: answerHeaders, body, text });
      });
    });
    // A write cut short by the gateway's early answer is expected; only an answer never read is a failure.
    outgoing.on('error', (error) => setTimeout(() => resolve({ status: 0, contentType: '', headers: new Headers(), body: String(error), text: '' }), 1_000));
    outgoing.end(sent.raw);
  });
}

/** One call; a `text/event-stream` answer is not read past its headers. */
async function send(baseUrl: string, sent: Sent): Promise<Answer> {
  if (sent.raw !== undefined && sent.raw.length > BODY_LIMIT_BYTES) return sendOversized(baseUrl, { ...sent, raw: sent.raw });
  const controller = new AbortController();
  try {
    const response = await fetch(`${baseUrl}${sent.url}`, {
      method: sent.method,
      headers: { authorization: `Bearer ${sent.role === 'requester' ? requester : admin}`, ...(sent.body === undefined && sent.raw === undefined ? {} : { 'content-type': 'application/json' }), ...sent.headers },
      ...(sent.raw !== undefined ? { body: sent.raw } : sent.body === undefined ? {} : { body: JSON.stringify(sent.body) }),
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(60_000)]),
    });
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, contentType, headers: response.headers, body: undefined, text: '' };
    }
    const text = await response.text();
    let body: unknown = text;
    if (/json/.test(contentType) && text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: response.status, contentType, headers: response.headers, body, text };
  } catch (error) {
    return { status: 0, contentType: '', headers: new Headers(), body: String(error), text: '' };
  }
}

/** Path templates as patterns: `/v1/incidents/{id}` matches `/v1/incidents/<anything but a slash>`. */
function templatePattern(template: string): RegExp {
  return new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`);
}

/** The template of the record a path is about: up to its first parameter (`/v1/cis/{id}/history` → `/v1/cis/{id}`). */
function recordTemplate(path: string): string | undefined {
  const match = /^(.*?\{[^}]+\})/.exec(path);
  return match?.[1];
}

/** Creates first, reads next, changes after, deletes last, so that later operations find records made by earlier ones. */
function order(route: Route): number {
  const hasParameter = route.path.includes('{');
  if (route.method === 'post' && !hasParameter && route.operation.responses['201']) return 0;
  if (route.method === 'get') return hasParameter ? 2 : 1;
  if (route.method === 'delete') return 4;
  return 3;
}

function routesOf(schema: ServedSchema): Route[] {
  const routes: Route[] = [];
  for (const [path, item] of Object.entries(schema.document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined> | undefined)?.[method];
      if (operation) routes.push({ path, method, operation, label: `${method.toUpperCase()} ${path}` });
    }
  }
  return routes.sort((a, b) => order(a) - order(b));
}

/** A deterministic stream of choices for one operation. */
function chooser(seed: number): { pick<T>(items: readonly T[]): T; sample<T>(arbitrary: fc.Arbitrary<T>): T; chance(outOf: number): boolean } {
  let step = 0;
  const next = (): number => {
    step += 1;
    return seed + step * 7919;
  };
  return {
    pick: (items) => items[fc.sample(fc.nat({ max: items.length - 1 }), { numRuns: 1, seed: next() })[0] ?? 0] as (typeof items)[number],
    sample: (arbitrary) => fc.sample(arbitrary, { numRuns: 1, seed: next() })[0] as never,
    chance: (outOf) => fc.sample(fc.nat({ max: outOf - 1 }), { numRuns: 1, seed: next() })[0] === 0,
  };
}

type Chooser = ReturnType<typeof chooser>;

/** Ways to make a valid body invalid, each with a name for the report; only those that apply to the schema. */
function bodyMutations(document: ServedSchema['document'], schema: Schema, body: unknown): Array<{ name: string; body: unknown }> {
  const flat = flatten(document, schema);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [{ name: 'a body of the wrong type', body: 'not an object' }];
  const record = body as Record<string, unknown>;
  const properties = (flat['properties'] ?? {}) as Record<string, Schema>;
  const required = (flat['required'] as string[] | undefined) ?? [];
  const mutations: Array<{ name: string; body: unknown }> = [{ name: 'an unknown field', body: { ...record, zzUnknownField: 1 } }];
  const missing = required.find((name) => name in record);
  if (missing) {
    const { [missing]: _removed, ...rest } = record;
    mutations.push({ name: `required field ${missing} removed`, body: rest });
  }
  for (const [name, value] of Object.entries(record)) {
    const property = flatten(document, properties[name] ?? {});
    if (property['oneOf'] || property['anyOf']) continue;
    const type = property['type'];
    if (type === 'string' && !mutations.some((m) => m.name.startsWith('a number'))) mutations.push({ name: `a number for string ${name}`, body: { ...record, [name]: 12345 } });
    if ((type === 'integer' || type === 'number') && !mutations.some((m) => m.name.startsWith('a string'))) mutations.push({ name: `a string for number ${name}`, body: { ...record, [name]: 'twelve' } });
    if (type === 'string' && typeof value === 'string' && !property['enum'] && !mutations.some((m) => m.name.startsWith('a NUL'))) {
      mutations.push({ name: `a NUL in string ${name}`, body: { ...record, [name]: `${value}\u0000x` } });
    }
    if (typeof property['maxLength'] === 'number' && !mutations.some((m) => m.name.startsWith('too long'))) {
      mutations.push({ name: `too long ${name}`, body: { ...record, [name]: 'x'.repeat(property['maxLength'] + 1) } });
    }
    if (typeof property['maximum'] === 'number' && !mutations.some((m) => m.name.startsWith('above'))) mutations.push({ name: `above the maximum of ${name}`, body: { ...record, [name]: property['maximum'] + 1 } });
    if (Array.isArray(property['enum']) && !mutations.some((m) => m.name.startsWith('unknown value'))) mutations.push({ name: `unknown value of ${name}`, body: { ...record, [name]: 'zz-not-a-value' } });
  }
  return mutations;
}

/** Ways to make a path or query parameter invalid. */
function parameterMutations(document: ServedSchema['document'], parameter: Parameter): string[] {
  const schema = flatten(document, parameter.schema ?? {});
  const values: string[] = [];
  if (schema['format'] === 'uuid' || schema['pattern']) values.push('not a uuid!');
  if (schema['type'] === 'integer' || schema['type'] === 'number') values.push('twelve');
  if (typeof schema['maximum'] === 'number') values.push(String(schema['maximum'] + 1));
  if (typeof schema['maxLength'] === 'number') values.push('x'.repeat(schema['maxLength'] + 1));
  if (Array.isArray(schema['enum'])) values.push('zz-not-a-value');
  if (schema['type'] === 'string' || parameter.in === 'path') values.push('a\u0000b');
  return values;
}

/** The input classes of the reliability suite, by the names its report gives them. */
const INPUT_CLASSES = ['wrong types', 'huge strings', 'deep nesting', 'unicode edge cases', 'numbers at and past limits', 'impossible dates', 'hostile strings in query parameters'] as const;
type InputClass = (typeof INPUT_CLASSES)[number];

/**
 * What the answer to a hostile request must be: a refusal (4xx, nothing written); the value taken (no 400 naming
 * the field: the request may still fail for what else it says, a record it names that does not exist, say); or
 * either of these, but never 5xx.
 */
type Expectation = 'refused' | 'accepted' | 'either';

interface HostileCase {
  inputClass: InputClass;
  name: string;
  url: string;
  body?: unknown;
  raw?: string;
  expect: Expectation;
  /** The field whose value must be taken, for `accepted`. */
  field?: string;
}

const HOSTILE_QUERY_STRINGS = ["' OR 1=1 --", '%', '_', '\\', "%'--", '$1', ';DROP TABLE x'];
/** Valid-looking text with characters that trip up encoders, collations and logs. */
const UNICODE_EDGES: ReadonlyArray<{ name: string; text: string }> = [
  { name: 'a lone surrogate', text: 'ab\ud800cd' },
  { name: 'a zero-width joiner', text: 'team\u200dlead' },
  { name: 'a right-to-left override', text: 'invoice\u202efdp.exe' },
  { name: 'emoji', text: 'server on fire \u{1F525}\u{1F9EF}' },
  { name: 'combining marks', text: 'cafe\u0301 Z\u0351\u0352' },
  { name: 'a byte order mark', text: '\ufeffprinter' },
];
const IMPOSSIBLE_INSTANTS = ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z'];
const IMPOSSIBLE_DATES = ['2026-02-30', '2026-13-01'];
const NESTING_DEPTH = 1_000;
const DEEP_BODY_DEPTH = 10_000;

/** Text any string of the schema takes apart from its length: no enum, pattern or format to break. */
function isFreeText(schema: Schema): boolean {
  return schema['type'] === 'string' && !schema['enum'] && !schema['pattern'] && !schema['format'];
}

/** Whether a schema allows a string: by its enum, format, pattern and length (the checks the gateway makes). */
function allowsString(schema: Schema, value: string): boolean {
  if (Array.isArray(schema['enum'])) return schema['enum'].includes(value);
  if (schema['format'] === 'uuid' || schema['format'] === 'date-time' || schema['format'] === 'date' || schema['format'] === 'email' || schema['format'] === 'uri') return false;
  if (schema['type'] === 'integer' || schema['type'] === 'number' || schema['type'] === 'boolean') return false;
  const patterns = (schema['patterns'] as string[] | undefined) ?? (typeof schema['pattern'] === 'string' ? [schema['pattern']] : []);
  if (!patterns.every((pattern) => new RegExp(pattern, 'u').test(value))) return false;
  return typeof schema['maxLength'] !== 'number' || [...value].length <= schema['maxLength'];
}

/** Values of a type other than the one a property takes. */
function wrongTypesFor(schema: Schema): unknown[] {
  const values: unknown[] = schema['nullable'] === true ? [] : [null];
  switch (schema['type']) {
    case 'string':
      return [...values, true, ['x'], { value: 'x' }];
    case 'integer':
    case 'number':
      return [...values, true, [1], { value: 1 }];
    case 'boolean':
      return [...values, 'yes', [true], { value: true }];
    case 'array':
      return [...values, 'x', { value: 'x' }];
    case 'object':
      return schema['properties'] ? [...values, 'x', 1, []] : [...values, 'x', 1];
    default:
      return [];
  }
}

/** `{"a":{"a":…}}` `depth` levels deep, as JSON text. */
function nestedText(depth: number, leaf = '1'): string {
  return `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/** A body's JSON text with one property's value replaced by raw JSON text. */
function withRawProperty(body: Record<string, unknown>, name: string, raw: string): string {
  const marker = '\u0000zzRawValue\u0000';
  return JSON.stringify({ ...body, [name]: marker }).replace(JSON.stringify(marker), () => raw);
}

/**
 * A snapshot of a list as the ids it holds: the hostile classes send many refused creates, and the services update
 * listed records in the background (SLA clocks, suggestions), which a refused request has no part in.
 */
function recordsOf(snapshot: string | undefined): string | undefined {
  const [status, ...rest] = snapshot?.split(' ') ?? [];
  try {
    const page = JSON.parse(rest.join(' ')) as { items?: Array<{ id?: unknown }> };
    return Array.isArray(page.items) ? `${status} ${page.items.map((item) => String(item.id)).join(',')}` : snapshot;
  } catch {
    return snapshot;
  }
}

/** Whether a 400 names the field among its errors. */
function refusesField(answer: Answer, field: string | undefined): boolean {
  if (answer.status !== 400 || field === undefined) return false;
  const errors = (answer.body as { errors?: Array<{ field?: string }> } | undefined)?.errors ?? [];
  return errors.some((error) => error.field === field || error.field?.startsWith(`${field}.`));
}

/** The hostile values of a number with bounds, each with what must become of it. */
function numbersAtAndPastLimits(schema: Schema): Array<{ text: string; expect: Expectation }> {
  const integer = schema['type'] === 'integer';
  const minimum = typeof schema['minimum'] === 'number' ? schema['minimum'] : undefined;
  const maximum = typeof schema['maximum'] === 'number' ? schema['maximum'] : undefined;
  const cases: Array<{ text: string; expect: Expectation }> = [];
  if (minimum !== undefined) cases.push({ text: String(minimum), expect: 'accepted' }, { text: String(minimum - 1), expect: 'refused' });
  if (maximum !== undefined) cases.push({ text: String(maximum), expect: 'accepted' }, { text: String(maximum + 1), expect: 'refused' });
  const inRange = (value: number): boolean => (minimum === undefined || value >= minimum) && (maximum === undefined || value <= maximum);
  cases.push({ text: '9007199254740993', expect: inRange(2 ** 53) ? 'either' : 'refused' });
  cases.push({ text: '-0', expect: inRange(0) ? 'either' : 'refused' });
  if (integer) cases.push({ text: String((minimum ?? 0) + 0.5), expect: 'refused' });
  cases.push({ text: '1e400', expect: 'refused' });
  return cases;
}

/**
 * The requests of each hostile input class for one operation: built from a valid body and query, each changing one
 * thing. Fields are the body's top-level properties and the query parameters; `choose` picks one field where a class
 * would otherwise send the same kind of value to each.
 */
function hostileCases(
  document: ServedSchema['document'],
  route: Route,
  path: string,
  query: Record<string, unknown>,
  bodySchema: Schema | undefined,
  body: unknown,
  choose: Chooser,
): HostileCase[] {
  const cases: HostileCase[] = [];
  const url = path + encodeQuery(query);
  const queryParameters = (route.operation.parameters ?? []).filter((parameter) => parameter.in === 'query');
  const withQuery = (name: string, value: string): string => path + encodeQuery({ ...query, [name]: value });
  const bodyPart = body === undefined ? {} : { body };

  for (const parameter of queryParameters) {
    const schema = flatten(document, parameter.schema ?? {});
    if (schema['type'] === 'string') {
      for (const value of HOSTILE_QUERY_STRINGS) {
        cases.push({ inputClass: 'hostile strings in query parameters', name: `query ${parameter.name}=${JSON.stringify(value)}`, url: withQuery(parameter.name, value), ...bodyPart, expect: allowsString(schema, value) ? 'either' : 'refused' });
      }
    }
    if (isFreeText(schema)) {
      const edge = choose.pick(UNICODE_EDGES.slice(1));
      cases.push({ inputClass: 'unicode edge cases', name: `${edge.name} in query ${parameter.name}`, url: withQuery(parameter.name, edge.text), ...bodyPart, expect: 'either' });
      // A lone surrogate has no UTF-8 form: its three bytes, percent-encoded, are what a careless client sends.
      cases.push({ inputClass: 'unicode edge cases', name: `a lone surrogate in query ${parameter.name}`, url: `${url}${url.includes('?') ? '&' : '?'}${encodeURIComponent(parameter.name)}=ab%ED%A0%80cd`, ...bodyPart, expect: 'either' });
    }
    if (schema['type'] === 'integer' || schema['type'] === 'number') {
      for (const item of numbersAtAndPastLimits(schema)) {
        cases.push({ inputClass: 'numbers at and past limits', name: `query ${parameter.name}=${item.text}`, url: withQuery(parameter.name, item.text), ...bodyPart, expect: item.expect, field: parameter.name });
      }
    }
    if (schema['format'] === 'date-time' || schema['format'] === 'date') {
      for (const value of schema['format'] === 'date' ? IMPOSSIBLE_DATES : IMPOSSIBLE_INSTANTS) {
        cases.push({ inputClass: 'impossible dates', name: `query ${parameter.name}=${value}`, url: withQuery(parameter.name, value), ...bodyPart, expect: 'refused' });
      }
    }
    if (schema['type'] !== 'array' && !Array.isArray(query[parameter.name])) {
      const value = query[parameter.name] ?? '1';
      cases.push({ inputClass: 'wrong types', name: `query ${parameter.name} twice`, url: path + encodeQuery({ ...query, [parameter.name]: [value, value] }), ...bodyPart, expect: 'either' });
    }
  }

  if (!bodySchema) return cases;
  const flat = flatten(document, bodySchema);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return cases;
  const record = body as Record<string, unknown>;
  const properties = (flat['properties'] ?? {}) as Record<string, Schema>;
  const present = Object.keys(record).filter((name) => properties[name] !== undefined);
  const schemaOf = (name: string): Schema => flatten(document, properties[name] ?? {});
  const plain = present.filter((name) => !schemaOf(name)['oneOf'] && !schemaOf(name)['anyOf']);

  cases.push({ inputClass: 'wrong types', name: 'an array for the body', url, body: [record], expect: 'refused' });
  cases.push({ inputClass: 'wrong types', name: 'null for the body', url, raw: 'null', expect: 'refused' });
  const typed = plain.filter((name) => wrongTypesFor(schemaOf(name)).length > 0);
  if (typed.length > 0) {
    const name = choose.pick(typed);
    for (const value of wrongTypesFor(schemaOf(name))) cases.push({ inputClass: 'wrong types', name: `${JSON.stringify(value)} for ${String(schemaOf(name)['type'])} ${name}`, url, body: { ...record, [name]: value }, expect: 'refused' });
  }

  const strings = plain.filter((name) => schemaOf(name)['type'] === 'string');
  const huge = 'x'.repeat(1_000_000);
  if (strings.length > 0) {
    const name = choose.pick(strings);
    cases.push({ inputClass: 'huge strings', name: `1 MB in ${name}`, url, raw: JSON.stringify({ ...record, [name]: huge }), expect: allowsString(schemaOf(name), huge) ? 'either' : 'refused' });
  }
  cases.push({ inputClass: 'huge strings', name: 'a body past the limit', url, raw: JSON.stringify({ ...record, zzPadding: 'x'.repeat(BODY_LIMIT_BYTES + 1_024) }), expect: 'refused' });

  if (present.length > 0) {
    const name = choose.pick(present);
    const free = schemaOf(name)['type'] === undefined || (schemaOf(name)['type'] === 'object' && !schemaOf(name)['properties']);
    cases.push({ inputClass: 'deep nesting', name: `${name} nested ${NESTING_DEPTH} levels`, url, raw: withRawProperty(record, name, nestedText(NESTING_DEPTH)), expect: free ? 'either' : 'refused' });
  }
  cases.push({ inputClass: 'deep nesting', name: `a body nested ${DEEP_BODY_DEPTH} levels`, url, raw: nestedText(DEEP_BODY_DEPTH), expect: 'refused' });

  const texts = plain.filter((name) => isFreeText(schemaOf(name)) && typeof record[name] === 'string');
  if (texts.length > 0) {
    const name = choose.pick(texts);
    for (const edge of UNICODE_EDGES) {
      const text = edge.text.slice(0, Math.max(1, Number(schemaOf(name)['maxLength'] ?? 40)));
      // JSON.stringify writes a lone surrogate as the escape `\ud800`, as the class demands.
      cases.push({ inputClass: 'unicode edge cases', name: `${edge.name} in ${name}`, url, body: { ...record, [name]: text }, expect: 'either' });
    }
  }

  const numbers = plain.filter((name) => ['integer', 'number'].includes(String(schemaOf(name)['type'])));
  for (const name of numbers) {
    for (const item of numbersAtAndPastLimits(schemaOf(name))) {
      cases.push({ inputClass: 'numbers at and past limits', name: `${name}: ${item.text}`, url, raw: withRawProperty(record, name, item.text), expect: item.expect, field: name });
    }
  }

  for (const name of plain) {
    const format = schemaOf(name)['format'];
    if (format !== 'date-time' && format !== 'date') continue;
    for (const value of format === 'date' ? IMPOSSIBLE_DATES : IMPOSSIBLE_INSTANTS) cases.push({ inputClass: 'impossible dates', name: `${name}: ${value}`, url, body: { ...record, [name]: value }, expect: 'refused' });
  }
  return cases;
}

function encodeQuery(query: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

interface Known {
  /** Values of the first path parameter of records created in this run, by record template. */
  records: Map<string, string[]>;
}

interface ClassTally {
  requests: number;
  ok: number;
  unexpected: number;
}

class Fuzzer {
  readonly findings: string[] = [];
  readonly counts = { requests: 0, valid: 0, invalid: 0, created: 0 };
  /** Requests of each hostile input class, those answered as the class requires, and the findings they made. */
  readonly tallies = new Map<InputClass, ClassTally>(INPUT_CLASSES.map((name) => [name, { requests: 0, ok: 0, unexpected: 0 }]));
  private readonly known: Known = { records: new Map() };
  private readonly templates: string[];

  constructor(
    private readonly baseUrl: string,
    private readonly schema: ServedSchema,
    routes: Route[],
  ) {
    this.templates = [...new Set(routes.map((route) => recordTemplate(route.path)).filter((template): template is string => template !== undefined))];
  }

  private report(route: Route, what: string, sent: Sent, answer: Answer): void {
    this.findings.push(`${route.label}: ${what}\n  request: ${JSON.stringify(sent).slice(0, 1_000)}\n  answer: ${answer.status} ${answer.contentType} ${answer.text.slice(0, 600)}`);
  }

  private async call(route: Route, sent: Sent): Promise<Answer> {
    this.counts.requests += 1;
    const answer = await send(this.baseUrl, sent);
    this.check(route, sent, answer);
    return answer;
  }

  /** The checks every answer passes: no 5xx, a declared status and content type, a body its schema allows. */
  private check(route: Route, sent: Sent, answer: Answer): void {
    if (answer.status === 0 || answer.status >= 500) return this.report(route, 'answered 5xx or not at all', sent, answer);
    const declared = route.operation.responses[String(answer.status)];
    if (!declared) return this.report(route, `status ${answer.status} is not declared`, sent, answer);
    const mediaType = answer.contentType.split(';')[0]?.trim() ?? '';
    const contents = declared.content ?? {};
    if (!answer.contentType) {
      if (Object.keys(contents).length > 0 && answer.text) this.report(route, 'a body without a content type', sent, answer);
      else if (Object.keys(contents).length > 0) this.report(route, `no body where ${Object.keys(contents).join(', ')} is declared`, sent, answer);
      return;
    }
    if (!(mediaType in contents)) return this.report(route, `content type ${mediaType} is not declared for ${answer.status}`, sent, answer);
    if (mediaType === 'text/event-stream') return;
    const errors = this.schema.errorsOfContent(answer.body, route.path, route.method, String(answer.status), mediaType);
    if (errors.length > 0) this.report(route, `body does not match its schema: ${JSON.stringify(errors).slice(0, 800)}`, sent, answer);
  }

  private parameters(route: Route, where: Parameter['in']): Parameter[] {
    return (route.operation.parameters ?? []).filter((parameter) => parameter.in === where);
  }

  /** A path with its parameters: the record's from those created in this run when there are any, else generated. */
  private pathOf(route: Route, choose: Chooser): string {
    const template = recordTemplate(route.path);
    const known = template ? (this.known.records.get(template) ?? []) : [];
    let first = true;
    return route.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      const parameter = this.parameters(route, 'path').find((candidate) => candidate.name === name);
      const useKnown = first && known.length > 0 && !choose.chance(8);
      first = false;
      const value = useKnown ? choose.pick(known) : String(choose.sample(arbitraryOf(this.schema.document, parameter?.schema ?? { type: 'string' })));
      return encodeURIComponent(value);
    });
  }

  private queryOf(route: Route, choose: Chooser): Record<string, unknown> {
    const query: Record<string, unknown> = {};
    for (const parameter of this.parameters(route, 'query')) {
      if (!parameter.required && !choose.chance(2)) continue;
      query[parameter.name] = choose.sample(arbitraryOf(this.schema.document, parameter.schema ?? {}));
    }
    return query;
  }

  private jsonBodySchema(route: Route): Schema | undefined {
    return route.operation.requestBody?.content['application/json']?.schema;
  }

  /** The ETag of the record a path is about, read from it, when the operation takes `If-Match`. */
  private async ifMatch(route: Route, url: string): Promise<Record<string, string>> {
    if (!this.parameters(route, 'header').some((parameter) => parameter.name.toLowerCase() === 'if-match')) return {};
    const template = recordTemplate(route.path);
    if (!template) return {};
    const depth = template.split('/').length;
    const recordUrl = url.split('?')[0]?.split('/').slice(0, depth).join('/') ?? url;
    const answer = await send(this.baseUrl, { method: 'GET', url: recordUrl, role: 'admin', headers: {} });
    const etag = answer.headers.get('etag');
    return etag ? { 'If-Match': etag } : {};
  }

  /** What a refused request must leave as it was: the record it is about (its ETag or body), or the list it would add to. */
  private async snapshot(route: Route, url: string): Promise<string | undefined> {
    const template = recordTemplate(route.path);
    if (template) {
      const depth = template.split('/').length;
      const recordUrl = url.split('?')[0]?.split('/').slice(0, depth).join('/') ?? url;
      if (!this.schema.document.paths[template]?.get) return undefined;
      const answer = await send(this.baseUrl, { method: 'GET', url: recordUrl, role: 'admin', headers: {} });
      return `${answer.status} ${answer.headers.get('etag') ?? answer.text}`;
    }
    const list = this.schema.document.paths[route.path]?.get as Operation | undefined;
    if (route.method === 'post' && list && !(list.parameters ?? []).some((parameter) => parameter.required)) {
      const answer = await send(this.baseUrl, { method: 'GET', url: `${route.path}?limit=200`, role: 'admin', headers: {} });
      return `${answer.status} ${answer.text}`;
    }
    return undefined;
  }

  /** Remembers the record a `Location` names, and checks that it can be read there. */
  private async created(route: Route, sent: Sent, answer: Answer): Promise<void> {
    const location = answer.headers.get('location');
    if (answer.status !== 201 || !location) return;
    this.counts.created += 1;
    const read = await send(this.baseUrl, { method: 'GET', url: location, role: sent.role, headers: {} });
    if (read.status !== 200) this.report(route, `the created record is not readable at its Location ${location} (${read.status})`, sent, read);
    for (const template of this.templates) {
      const match = templatePattern(template).exec(location);
      if (match?.[1]) this.known.records.set(template, [...(this.known.records.get(template) ?? []), decodeURIComponent(match[1])]);
    }
  }

  /** The examples of the operation's JSON body, in the document's order. */
  private examplesOf(route: Route): unknown[] {
    const json = route.operation.requestBody?.content['application/json'];
    if (!json) return [];
    return [...(json.example !== undefined ? [json.example] : []), ...Object.values(json.examples ?? {}).map((example) => example.value)];
  }

  /** A generated request, and in the first runs one of the document's examples too (they reach further into the services). */
  async valid(route: Route, run: number): Promise<void> {
    const choose = chooser(SEED + run * 104_729 + hash(route.label));
    const bodySchema = this.jsonBodySchema(route);
    const example = this.examplesOf(route)[run];
    const bodies = bodySchema ? [choose.sample(arbitraryOf(this.schema.document, bodySchema)), ...(example === undefined ? [] : [example])] : [undefined];
    for (const [index, body] of bodies.entries()) {
      const url = this.pathOf(route, choose) + encodeQuery(this.queryOf(route, choose));
      // The examples go with an admin's token, so that they reach the service.
      const role = index === 0 && choose.chance(REQUESTER_SHARE) ? 'requester' : 'admin';
      const sent: Sent = { method: route.method.toUpperCase(), url, role, headers: await this.ifMatch(route, url), ...(body === undefined ? {} : { body }) };
      this.counts.valid += 1;
      const answer = await this.call(route, sent);
      await this.created(route, sent, answer);
    }
  }

  async invalid(route: Route, run: number): Promise<void> {
    const choose = chooser(SEED - run * 15_485_863 + hash(route.label));
    const path = this.pathOf(route, choose);
    const query = this.queryOf(route, choose);
    const bodySchema = this.jsonBodySchema(route);
    const body = bodySchema ? choose.sample(arbitraryOf(this.schema.document, bodySchema)) : undefined;
    const cases: Array<{ name: string; url: string; body?: unknown }> = [];
    if (bodySchema) for (const mutation of bodyMutations(this.schema.document, bodySchema, body)) cases.push({ name: mutation.name, url: path + encodeQuery(query), body: mutation.body });
    for (const parameter of this.parameters(route, 'query')) {
      for (const value of parameterMutations(this.schema.document, parameter)) cases.push({ name: `query ${parameter.name}=${JSON.stringify(value)}`, url: path + encodeQuery({ ...query, [parameter.name]: value }), ...(body === undefined ? {} : { body }) });
    }
    cases.push({ name: 'an unknown query parameter', url: path + encodeQuery({ ...query, zzUnknown: '1' }), ...(body === undefined ? {} : { body }) });
    for (const parameter of this.parameters(route, 'path')) {
      for (const value of parameterMutations(this.schema.document, parameter)) {
        cases.push({ name: `path ${parameter.name}=${JSON.stringify(value)}`, url: route.path.replace(`{${parameter.name}}`, encodeURIComponent(value)).replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000') + encodeQuery(query), ...(body === undefined ? {} : { body }) });
      }
    }
    if (cases.length === 0) return;
    // Every kind of invalid input once per operation in the first run, then one chosen at random per run.
    for (const item of run === 0 ? cases : [choose.pick(cases)]) {
      const role = choose.chance(REQUESTER_SHARE) ? 'requester' : 'admin';
      const sent: Sent = { method: route.method.toUpperCase(), url: item.url, role, headers: await this.ifMatch(route, item.url), ...(item.body === undefined ? {} : { body: item.body }) };
      const before = route.method === 'get' ? undefined : await this.snapshot(route, item.url);
      this.counts.invalid += 1;
      const answer = await this.call(route, sent);
      if (answer.status < 400 || answer.status >= 500) {
        this.report(route, `invalid input (${item.name}) was not refused with 4xx`, sent, answer);
        await this.created(route, sent, answer);
        continue;
      }
      if (before !== undefined) {
        const after = await this.snapshot(route, item.url);
        if (after !== before) this.report(route, `the refused request (${item.name}) changed what it is about: ${before.slice(0, 200)} → ${after?.slice(0, 200)}`, sent, answer);
      }
    }
  }

  /** Every hostile input class that applies to the operation, each of its requests once. */
  async hostile(route: Route, run: number): Promise<void> {
    const choose = chooser(SEED + (run + 1) * 32_452_843 + hash(route.label));
    const path = this.pathOf(route, choose);
    const query = this.queryOf(route, choose);
    const bodySchema = this.jsonBodySchema(route);
    const body = bodySchema ? choose.sample(arbitraryOf(this.schema.document, bodySchema)) : undefined;
    for (const item of hostileCases(this.schema.document, route, path, query, bodySchema, body, choose)) {
      const tally = this.tallies.get(item.inputClass) ?? { requests: 0, ok: 0, unexpected: 0 };
      const findingsBefore = this.findings.length;
      const content = item.raw !== undefined ? { raw: item.raw } : item.body === undefined ? {} : { body: item.body };
      const sent: Sent = { method: route.method.toUpperCase(), url: item.url, role: 'admin', headers: await this.ifMatch(route, item.url), ...content };
      const before = route.method === 'get' || item.expect !== 'refused' ? undefined : recordsOf(await this.snapshot(route, item.url));
      tally.requests += 1;
      const answer = await this.call(route, sent);
      const what = `${item.inputClass}: ${item.name}`;
      // A 5xx or an undeclared answer is reported by `call` already.
      if (item.expect === 'refused' && answer.status > 0 && answer.status < 400) {
        this.report(route, `hostile input (${what}) was not refused with 4xx`, sent, answer);
      } else if (item.expect === 'accepted' && refusesField(answer, item.field)) {
        this.report(route, `a value within the limits (${what}) was refused`, sent, answer);
      } else if (before !== undefined && answer.status >= 400 && answer.status < 500) {
        const after = recordsOf(await this.snapshot(route, item.url));
        if (after !== before) this.report(route, `the refused request (${what}) changed what it is about: ${before.slice(0, 200)} → ${after?.slice(0, 200)}`, sent, answer);
      }
      await this.created(route, sent, answer);
      const unexpected = this.findings.length - findingsBefore;
      tally.unexpected += unexpected;
      if (unexpected === 0) tally.ok += 1;
    }
  }
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + char.charCodeAt(0)) | 0;
  return Math.abs(value);
}

describe(`the API keeps its contract on generated requests (seed ${SEED}, ${RUNS} runs per operation)`, () => {
  let suite: RunningSuite;

  beforeAll(async () => {
    suite = await startSuite();
  }, 180_000);

  afterAll(async () => {
    await suite?.stop();
  }, 60_000);

  it(
    'answers every operation as its document says, refuses invalid input without writing, and serves what it creates',
    async () => {
      const schema = await ServedSchema.load(suite.baseUrl);
      const routes = routesOf(schema);
      const fuzzer = new Fuzzer(suite.baseUrl, schema, routes);
      for (let run = 0; run < RUNS; run += 1) {
        for (const route of routes) await fuzzer.valid(route, run);
        for (const route of routes) await fuzzer.invalid(route, run);
        if (run < HOSTILE_RUNS) for (const route of routes) await fuzzer.hostile(route, run);
      }
      for (const [name, tally] of fuzzer.tallies) {
        recordReliability({ group: 'input', name, runs: HOSTILE_RUNS, operations: tally.requests, ok: tally.ok, lost: 0, duplicated: 0, unexpected: tally.unexpected });
      }
      expect(routes.length).toBeGreaterThan(80);
      expect([...fuzzer.tallies].filter(([, tally]) => tally.requests === 0).map(([name]) => name)).toEqual([]);
      expect(fuzzer.counts.created).toBeGreaterThan(0);
      expect(fuzzer.findings).toEqual([]);
    },
    Math.max(240_000, RUNS * 60_000),
  );

  it('reads the built-in calendar by its id in any case', async () => {
    const response = await fetch(`${suite.baseUrl}/v1/sla/calendars/24X7`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: '24x7' });
  });

  it('refuses a parameter the event stream does not have, as every route does', async () => {
    const response = await fetch(`${suite.baseUrl}/v1/events/stream?type=itsm.incident.created.v1`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION', errors: [{ field: 'type', message: expect.stringMatching(/^type is not a parameter of this route; did you mean types\?$/) }] });
  });

  it('refuses a query parameter on a route that takes none, before anything is changed', async () => {
    const created = await fetch(`${suite.baseUrl}/v1/routing-rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'network to netops', position: 1, conditions: { categories: ['network'] }, assignmentGroup: 'netops' }),
    });
    const location = created.headers.get('location') ?? '';
    expect({ status: created.status, location }).toEqual({ status: 201, location: expect.stringMatching(/^\/v1\/routing-rules\//) });
    const refused = await fetch(`${suite.baseUrl}${location}?force=true`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'VALIDATION', errors: [{ field: 'force', message: 'force is not a parameter of this route' }] });
    expect((await fetch(`${suite.baseUrl}${location}`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
  });

  it('declares as nullable the references a view leaves null (an email subscription has no webhook)', async () => {
    const schema = await ServedSchema.load(suite.baseUrl);
    const created = await fetch(`${suite.baseUrl}/v1/notifications/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Resolved incidents by email', eventTypes: ['incident.state_changed'], channel: 'email', email: { recipients: [{ kind: 'caller' }] } }),
    });
    expect(created.status).toBe(201);
    const read = await fetch(`${suite.baseUrl}${created.headers.get('location') ?? ''}`, { headers: { authorization: `Bearer ${admin}` } });
    const body = (await read.json()) as { webhook: unknown };
    expect({ status: read.status, webhook: body.webhook }).toEqual({ status: 200, webhook: null });
    expect(schema.errorsOfContent(body, '/v1/notifications/subscriptions/{id}', 'get', '200', 'application/json')).toEqual([]);
  });

  it('declares the answer of the readiness probe', async () => {
    const schema = await ServedSchema.load(suite.baseUrl);
    const response = await fetch(`${suite.baseUrl}/health/ready`);
    expect(response.status).toBe(200);
    expect(schema.errorsOfContent(await response.json(), '/health/ready', 'get', '200', 'application/json')).toEqual([]);
  });
});
