/** Mustache templates over a notification context: what they use, whether that exists, and rendering them. */
import { AllEvents, buildAsyncApiDocument } from '@itsm/contracts';
import * as Mustache from 'mustache';
import { EVENT_FIELDS, isRecord, type NotificationContext, TICKET_FIELDS } from './notification-context';

/** Beside the renderer, since a message to a requester is rendered from what this leaves of the context. */
export { forRequester } from './notification-context';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

// A writer of our own, without the template cache: templates come from API callers, and a process-wide cache
// keyed by every template ever checked would only grow.
const writer = new Mustache.Writer();
(writer as unknown as { templateCache: undefined }).templateCache = undefined;

type Token = Mustache.TemplateSpans[number];

function parse(template: string): Mustache.TemplateSpans {
  try {
    return writer.parse(template) as Mustache.TemplateSpans;
  } catch (error) {
    throw new TemplateError(`template syntax error: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const children = (token: Token): Mustache.TemplateSpans => (Array.isArray(token[4]) ? token[4] : []);

const ROOTS: ReadonlySet<string> = new Set(['event', 'ticket', 'data']);
/** Alternatives kept per section when checking, so deeply nested sections cannot multiply them without bound. */
const MAX_SECTION_PATHS = 8;

interface VariableUse {
  /** As written in the template. */
  written: string;
  /** The context path it stands for: the first known one of its candidates, else the likeliest. */
  path: string;
  known: boolean;
  partial: boolean;
}

/**
 * Each variable of the template with the path it reads. Inside `{{#a.b}}`, mustache looks a name up in `a.b`
 * first and in the enclosing contexts after, so `{{#data.comment}}{{body}}{{/data.comment}}` reads
 * `data.comment.body`; through an array section the name is that of the items' field.
 */
function variableUses(tokens: Mustache.TemplateSpans, isKnown: (path: string) => boolean): VariableUse[] {
  const uses: VariableUse[] = [];
  const walk = (spans: Mustache.TemplateSpans, sections: readonly (readonly string[])[]): void => {
    for (const token of spans) {
      const [type, name] = token;
      if (type === '>') {
        uses.push({ written: name, path: name, known: false, partial: true });
        continue;
      }
      if (type !== 'name' && type !== '&' && type !== '#' && type !== '^') continue;
      const candidates = candidatesOf(name, sections);
      const known = candidates.all.filter(isKnown);
      const path = known[0] ?? candidates.likeliest;
      uses.push({ written: name, path, known: known.length > 0, partial: false });
      if (type === '#') walk(children(token), [...sections, known.length > 0 ? [...new Set(known)].slice(0, MAX_SECTION_PATHS) : [path]]);
      if (type === '^') walk(children(token), sections);
    }
  };
  walk(tokens, []);
  return uses;
}

function candidatesOf(name: string, sections: readonly (readonly string[])[]): { all: string[]; likeliest: string } {
  const innermost = sections[sections.length - 1];
  if (name === '.') return innermost ? { all: [...innermost], likeliest: innermost[0] ?? name } : { all: [], likeliest: name };
  const qualified = [...sections].reverse().flatMap((paths) => paths.map((path) => `${path}.${name}`));
  const rooted = ROOTS.has(name.split('.')[0] ?? '');
  // A name that starts at a root is meant from the top, even though mustache tries the sections first.
  const all = rooted ? [name, ...qualified] : [...qualified, name];
  return { all, likeliest: rooted ? name : (qualified[0] ?? name) };
}

/** Dotted variable names a template uses (`ticket.number`, `data.comment.body`, sections included). Throws TemplateError on a syntax error. */
export function templateVariables(template: string): string[] {
  const uses = variableUses(parse(template), () => false);
  return [...new Set(uses.filter((use) => !use.partial).map((use) => use.path))];
}

// ---------------------------------------------------------------------------------------------------------------
// Payload schemas

interface PayloadIndex {
  /** Every property path, dotted, array items standing for their array. */
  paths: Set<string>;
  /** Paths under which anything goes: objects without declared properties, free-form values, recursion. */
  open: Set<string>;
  /** Paths that are arrays, so that a numeric segment after them reads as an index. */
  arrays: Set<string>;
}

type Schema = Record<string, unknown>;

const SCHEMA_PREFIX = '#/components/schemas/';
let payloadIndexes: Map<string, PayloadIndex> | undefined;

/** Property paths of the payload of every declared event, from the AsyncAPI document, built once. */
function indexes(): Map<string, PayloadIndex> {
  if (payloadIndexes) return payloadIndexes;
  const document = buildAsyncApiDocument();
  const components = isRecord(document['components']) ? document['components'] : {};
  const schemas = isRecord(components['schemas']) ? components['schemas'] : {};
  const messages = isRecord(components['messages']) ? components['messages'] : {};
  const eventTypes = new Set<string>(AllEvents.map((event) => event.type));
  const built = new Map<string, PayloadIndex>();
  for (const message of Object.values(messages)) {
    if (!isRecord(message) || typeof message['name'] !== 'string' || !eventTypes.has(message['name'])) continue;
    const payload = isRecord(message['payload']) ? message['payload'] : {};
    const properties = isRecord(payload['properties']) ? payload['properties'] : {};
    const data = properties['data'];
    const index: PayloadIndex = { paths: new Set(), open: new Set(), arrays: new Set() };
    if (isRecord(data)) indexSchema(data, '', [], schemas, index);
    else index.open.add('');
    built.set(message['name'], index);
  }
  payloadIndexes = built;
  return built;
}

function indexSchema(schema: Schema, path: string, refs: readonly string[], schemas: Schema, index: PayloadIndex): void {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = ref.startsWith(SCHEMA_PREFIX) ? schemas[ref.slice(SCHEMA_PREFIX.length)] : undefined;
    // A schema that contains itself has paths of any depth.
    if (!isRecord(target) || refs.includes(ref)) index.open.add(path);
    else indexSchema(target, path, [...refs, ref], schemas, index);
    return;
  }
  let shaped = false;
  for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    shaped = true;
    for (const branch of branches) if (isRecord(branch)) indexSchema(branch, path, refs, schemas, index);
  }
  const types = Array.isArray(schema['type']) ? schema['type'] : [schema['type']];
  if (isRecord(schema['items'])) {
    shaped = true;
    index.arrays.add(path);
    indexSchema(schema['items'], path, refs, schemas, index);
  }
  const properties = schema['properties'];
  if (isRecord(properties)) {
    shaped = true;
    for (const [name, property] of Object.entries(properties)) {
      const child = path === '' ? name : `${path}.${name}`;
      index.paths.add(child);
      if (isRecord(property)) indexSchema(property, child, refs, schemas, index);
    }
  }
  const freeObject = types.includes('object') && !isRecord(properties);
  const extraProperties = schema['additionalProperties'] !== undefined && schema['additionalProperties'] !== false;
  if (freeObject || extraProperties || (!shaped && schema['type'] === undefined)) index.open.add(path);
}

function payloadHas(index: PayloadIndex, dataPath: string): boolean {
  let path = '';
  for (const segment of dataPath.split('.')) {
    if (index.open.has(path)) return true;
    if (/^\d+$/.test(segment) && index.arrays.has(path)) continue;
    path = path === '' ? segment : `${path}.${segment}`;
    if (!index.paths.has(path)) return false;
  }
  return true;
}

const EVENT_FIELD_SET: ReadonlySet<string> = new Set(EVENT_FIELDS);
const TICKET_FIELD_SET: ReadonlySet<string> = new Set(TICKET_FIELDS);

/**
 * Problems with a template for the given event types, as messages: syntax errors, partials, and variables that
 * are not `event.<field>`, `ticket.<field>` or a `data.<path>` of the payload of at least one of `eventTypes`.
 */
export function checkTemplate(template: string, eventTypes: readonly string[]): string[] {
  let tokens: Mustache.TemplateSpans;
  try {
    tokens = parse(template);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  const payloads = eventTypes.flatMap((type) => {
    const index = indexes().get(type);
    return index ? [index] : [];
  });
  const isKnown = (path: string): boolean => {
    if (ROOTS.has(path)) return true;
    const dot = path.indexOf('.');
    if (dot === -1) return false;
    const root = path.slice(0, dot);
    const rest = path.slice(dot + 1);
    if (root === 'event') return EVENT_FIELD_SET.has(rest);
    if (root === 'ticket') return TICKET_FIELD_SET.has(rest);
    if (root === 'data') return payloads.some((index) => payloadHas(index, rest));
    return false;
  };
  const problems = variableUses(tokens, isKnown).flatMap((use) => (use.known ? [] : [problemOf(use, eventTypes)]));
  return [...new Set(problems)];
}

function problemOf(use: VariableUse, eventTypes: readonly string[]): string {
  if (use.partial) return `{{> ${use.written}}}: partials are not supported`;
  const [root, ...rest] = use.path.split('.');
  const field = rest.join('.');
  const shown = `{{${use.written}}}`;
  if (root === 'event' && field) return `${shown}: an event has no field "${field}"; use one of ${EVENT_FIELDS.join(', ')}`;
  if (root === 'ticket' && field) return `${shown}: a ticket has no field "${field}"; use one of ${TICKET_FIELDS.join(', ')}`;
  if (root === 'data' && field) {
    if (eventTypes.length === 0) return `${shown}: no event type is subscribed, so there is no payload to read ${use.path} from`;
    return `${shown}: ${use.path} is not in the payload of ${eventTypes.length === 1 ? '' : 'any of '}${eventTypes.join(', ')}`;
  }
  return `${shown} is not a variable; use event.<field>, ticket.<field> or data.<path>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

/**
 * Looks names up in own properties only and never calls what it finds: `{{data.constructor}}` or a lambda would
 * otherwise reach into the prototypes of the payload, whatever a template author wrote.
 */
class OwnPropertyContext extends Mustache.Context {
  override push(view: unknown): Mustache.Context {
    return new OwnPropertyContext(view, this);
  }

  override lookup(name: string): unknown {
    return name === '.' ? plainValue(this.view) : lookupOwn(this, name.split('.'));
  }
}

/** The value at `names` in the innermost context that has all of them as own properties, as mustache walks out. */
function lookupOwn(innermost: Mustache.Context, names: readonly string[]): unknown {
  for (let context: Mustache.Context | undefined = innermost; context; context = context.parent) {
    let value: unknown = context.view;
    let hit = true;
    for (const key of names) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
        hit = false;
        break;
      }
      value = (value as Record<string, unknown>)[key];
    }
    if (hit) return plainValue(value);
  }
  return undefined;
}

const plainValue = (value: unknown): unknown => (typeof value === 'function' ? undefined : value);

/** `{{{x}}}` and `{{& x}}` read as `{{x}}`: payload text comes from callers and must not become markup. */
function escapeEverything(tokens: Mustache.TemplateSpans): Mustache.TemplateSpans {
  return tokens.map((token): Token => {
    if (token[0] === '&') return ['name', token[1], token[2], token[3]];
    if (Array.isArray(token[4])) return [token[0], token[1], token[2], token[3], escapeEverything(token[4]), token[5] as number];
    return token;
  });
}

const verbatim = (value: unknown): string => String(value);

/**
 * Renders; `html` escapes every value (mustache's default, and `{{{…}}}` too), text escapes none. Missing values
 * render as empty.
 */
export function renderTemplate(template: string, context: NotificationContext, options: { html: boolean }): string {
  const tokens = parse(template);
  const view = new OwnPropertyContext(context);
  if (options.html) return writer.renderTokens(escapeEverything(tokens) as string[][], view, undefined, template, { escape: Mustache.escape });
  return writer.renderTokens(tokens as string[][], view, undefined, template, { escape: verbatim });
}
