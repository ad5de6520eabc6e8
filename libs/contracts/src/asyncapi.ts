/**
 * The AsyncAPI 3.0 document of the suite, built from the declarations in the catalog: the checked-in
 * `docs/asyncapi.yaml` and the gateway's `/asyncapi.json` are both this document.
 */
import 'reflect-metadata';
import { getMetadataStorage, IS_DATE_STRING, IS_ENUM, MetadataStorage, ValidationTypes } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { MetadataStorage as ClassTransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
// @ts-expect-error class-transformer ships this module's types under types/, not beside the CommonJS build;
// the import is typed by the cast below. Without this storage, `@Type(() => X)` on nested arrays is lost.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { AllErrorReasons, allDeclarations } from './registry';
import { MessageHeaders, type CloudEvent } from './envelope';
import { ErrorCode, HTTP_STATUS_BY_CODE } from './errors';
import {
  ALL_EVENTS,
  type ClassOf,
  deadLetterSubject,
  DLQ_STREAM,
  domainEvents,
  EVENTS_STREAM,
  type EventDeclaration,
  type RpcDeclaration,
} from './message';

/** Version of the message contracts, as in `libs/contracts/package.json`; the document's `info.version`. */
export const CONTRACTS_VERSION = '0.1.0';

type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
interface JsonObject {
  [key: string]: JsonValue;
}

const SCHEMAS = '#/components/schemas/';
const MESSAGES = '#/components/messages/';
const NATS_BINDING_VERSION = '0.1.0';

// Metadata keys of @nestjs/swagger's ApiProperty (its DECORATORS constant is not exported from the package root).
const API_MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

/** The parts of an `@ApiProperty()` that the JSON Schema takes over; the constraints come from class-validator. */
interface ApiPropertyMetadata {
  description?: string;
  example?: unknown;
  format?: string;
  enum?: unknown;
  nullable?: boolean;
  required?: boolean;
  deprecated?: boolean;
  default?: unknown;
}

const classTransformerStorage = defaultMetadataStorage as ClassTransformerMetadataStorage;

/** Builds the AsyncAPI 3.0.0 document of every event, RPC and dead-letter subject; same input, same output. */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const { events, rpc } = allDeclarations();
  const schemas = messageSchemas([...events.map((event) => event.payload), ...rpc.flatMap((call) => [call.request, call.response])]);
  for (const [name, schema] of Object.entries(SUPPORT_SCHEMAS)) {
    if (schemas[name]) throw new Error(`message class ${name} clashes with a schema of the AsyncAPI document; rename the class`);
    schemas[name] = normalizeSchema(schema);
  }

  const channels: JsonObject = {};
  const operations: JsonObject = {};
  const messages: JsonObject = {};

  for (const event of events) {
    const id = eventId(event);
    messages[id] = eventMessage(event);
    channels[id] = {
      address: event.subject,
      title: `${event.domain} ${event.name} v${event.version}`,
      description: `${event.summary} Stored in the JetStream stream \`${EVENTS_STREAM}\`.`,
      messages: { [id]: ref(`${MESSAGES}${id}`) },
    };
    operations[id] = {
      action: 'send',
      channel: ref(`#/channels/${id}`),
      title: `Publish ${event.type}`,
      summary: event.summary,
      description:
        `Published by the ${event.domain} service through its transactional outbox once the change is committed, ` +
        `with the event id as \`${MessageHeaders.msgId}\`. Subscribe with a durable consumer on \`${EVENTS_STREAM}\` ` +
        `filtered by \`${event.subject}\` or \`${domainEvents(event.domain)}\`.`,
      messages: [ref(`#/channels/${id}/messages/${id}`)],
      tags: [{ name: event.domain }],
    };
  }

  for (const call of rpc) {
    const id = rpcId(call);
    const requestId = `${id}.request`;
    const replyId = `${id}.reply`;
    messages[requestId] = rpcRequestMessage(call);
    messages[replyId] = rpcReplyMessage(call);
    channels[id] = {
      address: call.subject,
      title: `${call.domain} ${call.operation}`,
      description: `${call.summary} Answered by one replica of the ${call.domain} service (queue group \`${call.domain}\`).`,
      messages: { request: ref(`${MESSAGES}${requestId}`) },
    };
    channels[replyId] = {
      address: null,
      title: `${call.domain} ${call.operation} reply`,
      description: "The requester's reply inbox (`_INBOX.…`), chosen by its NATS client for each request.",
      messages: { reply: ref(`${MESSAGES}${replyId}`) },
    };
    operations[id] = {
      action: 'send',
      channel: ref(`#/channels/${id}`),
      title: `Call ${call.subject}`,
      summary: call.summary,
      description:
        `Callers need one of the roles ${call.roles.map((role) => `\`${role}\``).join(', ')} (header \`x-actor\`); others get FORBIDDEN. ` +
        'NATS request/reply in the wire format of the NestJS NATS transport. The reply is `{ ok: true, data }` or ' +
        '`{ ok: false, error: { code, reason, message, details } }`, wrapped by the transport as `{ id, response, isDisposed }`.',
      messages: [ref(`#/channels/${id}/messages/request`)],
      reply: {
        channel: ref(`#/channels/${replyId}`),
        messages: [ref(`#/channels/${replyId}/messages/reply`)],
      },
      bindings: { nats: { queue: call.domain, bindingVersion: NATS_BINDING_VERSION } },
      tags: [{ name: call.domain }],
    };
  }

  messages[DEAD_LETTER_ID] = deadLetterMessage();
  channels[DEAD_LETTER_ID] = {
    address: deadLetterSubject('{consumer}'),
    title: 'Dead letters',
    description:
      `Events a durable consumer gave up on (after its last delivery attempt, or at once when the message cannot be an ` +
      `event: not JSON, not a CloudEvent, a type other than its subject's, data that breaks its contract, or larger than ` +
      `the consumer's limit), with the error; stored in the JetStream stream \`${DLQ_STREAM}\`, one subject per consumer.`,
    parameters: {
      consumer: {
        description: 'Name of the durable consumer, `<service>-<purpose>`.',
        examples: ['notification-incident-events'],
      },
    },
    messages: { [DEAD_LETTER_ID]: ref(`${MESSAGES}${DEAD_LETTER_ID}`) },
  };
  operations[DEAD_LETTER_ID] = {
    action: 'send',
    channel: ref(`#/channels/${DEAD_LETTER_ID}`),
    title: 'Dead-letter an event',
    summary: 'A consumer that keeps failing on an event publishes it here with the error, acknowledges it and counts it.',
    messages: [ref(`#/channels/${DEAD_LETTER_ID}/messages/${DEAD_LETTER_ID}`)],
  };

  const domains = [...new Set([...events.map((event) => event.domain), ...rpc.map((call) => call.domain)])].sort();
  const document: JsonObject = {
    asyncapi: '3.0.0',
    info: {
      title: 'ITSM suite events and RPC',
      version: CONTRACTS_VERSION,
      description: INFO_DESCRIPTION,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      tags: domains.map((domain) => ({ name: domain, description: `Messages of the ${domain} service.` })),
    },
    defaultContentType: 'application/json',
    servers: {
      nats: {
        host: '127.0.0.1:4222',
        protocol: 'nats',
        description:
          'The default `NATS_URL` (`nats://127.0.0.1:4222`) of a local run, with JetStream enabled. Deployments point ' +
          '`NATS_URL` at their own NATS cluster (three nodes, R3 streams), over TLS (`tls://`).',
        security: [{ $ref: '#/components/securitySchemes/nkey' }],
      },
    },
    channels: sortKeys(channels),
    operations: sortKeys(operations),
    components: {
      securitySchemes: {
        nkey: {
          type: 'asymmetricEncryption',
          description:
            'Every connection authenticates with an nkey (an Ed25519 key pair: the client signs the server\'s challenge with its seed). ' +
            'Each identity may use only the subjects its permissions allow, generated from these declarations: a service publishes ' +
            'its own events and serves its own operations; an outside subscriber (a credential from `npm run nats:subscriber`) ' +
            'receives the event subjects it was granted through its own durable consumer, named after it, and replies come on its ' +
            'own inbox prefix `_INBOX.<name>.`. See docs/security.md.',
        },
      },
      schemas: sortKeys(schemas),
      messages: sortKeys(messages),
    },
  };
  return document;
}

const DEAD_LETTER_ID = 'dlq';

const INFO_DESCRIPTION = [
  'Every message the services of the ITSM suite exchange over NATS, generated from the declarations in `libs/contracts`.',
  '',
  `**Events** are facts for any subscriber. They are stored in the JetStream stream \`${EVENTS_STREAM}\` on subjects ` +
    '`itsm.events.<domain>.<type>.v<N>`, as CloudEvents 1.0 structured-mode JSON: `specversion`, `id` (UUID), ' +
    '`source` (`itsm/<service>`), `type` (`itsm.<domain>.<type>.v<N>`), `subject` (id of the record), `time`, ' +
    '`datacontenttype`, the extensions `correlationid`, `causationid` and `traceparent`, and the typed payload in `data`.',
  '',
  `**De-duplication.** The event \`id\` is also sent as the \`${MessageHeaders.msgId}\` header, so JetStream drops a ` +
    're-publication of the same event inside its duplicate window (two minutes by default). The window is not a ' +
    'guarantee: a subscriber remembers the ids it has applied and skips an event it has already seen.',
  '',
  '**Versioning.** Payloads evolve additively: fields are added, never removed, renamed or given another meaning, ' +
    'so a subscriber ignores fields it does not know. A breaking change is a new subject `…v<N+1>` published beside ' +
    'the old one, which keeps flowing until its subscribers have moved.',
  '',
  `**Subscribing.** Create a durable JetStream consumer on the stream \`${EVENTS_STREAM}\` with a subject filter ` +
    `such as \`${domainEvents('incident')}\` (every event of one domain) or \`${ALL_EVENTS}\` (everything), and ` +
    'explicit ack; acknowledge an event once it is applied. The consumers of the suite publish an event they keep ' +
    `failing on to \`${deadLetterSubject('<consumer>')}\` (stream \`${DLQ_STREAM}\`).`,
  '',
  '**RPC** is NATS request/reply on `itsm.rpc.<domain>.<operation>` in the wire format of the NestJS NATS transport, ' +
    'answered by one replica of the owning service (queue group = service name). The reply is `{ ok: true, data }` ' +
    'or `{ ok: false, error: { code, message, details } }`.',
].join('\n');

function eventId(event: EventDeclaration): string {
  return `${event.domain}.${event.name}.v${event.version}`;
}

function rpcId(call: RpcDeclaration): string {
  return `${call.domain}.${call.operation}`;
}

function ref(pointer: string): JsonObject {
  return { $ref: pointer };
}

function schemaRef(cls: ClassOf<unknown>): JsonObject {
  return ref(`${SCHEMAS}${cls.name}`);
}

const TRACEPARENT: JsonObject = {
  type: 'string',
  pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
  description: 'W3C trace context of the work that produced the message.',
};

function eventMessage(event: EventDeclaration): JsonObject {
  const envelope: Record<keyof CloudEvent, JsonObject> = {
    specversion: { type: 'string', const: '1.0' },
    id: { type: 'string', format: 'uuid', description: `Event id; also the \`${MessageHeaders.msgId}\` header.` },
    source: { type: 'string', const: `itsm/${event.domain}`, description: 'The publishing service.' },
    type: { type: 'string', const: event.type },
    subject: { type: 'string', description: 'Id of the record the event is about.' },
    time: { type: 'string', format: 'date-time', description: 'When it happened, in UTC.' },
    datacontenttype: { type: 'string', const: 'application/json' },
    correlationid: { type: 'string', description: 'Correlation id of the request that led to the event.' },
    causationid: { type: 'string', description: 'Id of the message (event or request) that caused this one.' },
    traceparent: TRACEPARENT,
    data: schemaRef(event.payload),
  };
  return {
    name: event.type,
    title: `${event.domain} ${event.name} v${event.version}`,
    summary: event.summary,
    contentType: 'application/cloudevents+json',
    correlationId: { description: 'Correlation id of the originating request.', location: '$message.payload#/correlationid' },
    headers: normalizeSchema({
      type: 'object',
      properties: {
        [MessageHeaders.msgId]: {
          type: 'string',
          format: 'uuid',
          description: 'The event id: JetStream drops a re-publication with the same id inside its duplicate window.',
        },
        'Content-Type': { type: 'string', const: 'application/cloudevents+json' },
        [MessageHeaders.correlationId]: { type: 'string', description: 'Same as the `correlationid` attribute.' },
        [MessageHeaders.causationId]: { type: 'string', description: 'Same as the `causationid` attribute.' },
        [MessageHeaders.traceparent]: TRACEPARENT,
      },
      required: [MessageHeaders.msgId, MessageHeaders.correlationId],
    }),
    payload: normalizeSchema({
      type: 'object',
      description: `CloudEvents 1.0 envelope; \`data\` is ${event.payload.name}.`,
      properties: envelope,
      required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'correlationid', 'data'],
    }),
  };
}

function rpcRequestHeaders(): JsonObject {
  return normalizeSchema({
    type: 'object',
    properties: {
      [MessageHeaders.correlationId]: { type: 'string', description: 'Correlation id of the work in progress, carried into logs and events.' },
      [MessageHeaders.causationId]: { type: 'string', description: 'Id of the message that caused this request.' },
      [MessageHeaders.traceparent]: TRACEPARENT,
      [MessageHeaders.actor]: {
        type: 'string',
        contentMediaType: 'application/json',
        description:
          'JSON of the calling user, `{ "sub", "name"?, "roles": [...], "groups"?: [...], "managerId"?: "<sub of their manager>" }`, with roles among ' +
          '`requester`, `agent`, `manager`, `cab`, `admin`. A command without it is refused with `UNAUTHENTICATED`.',
      },
      [MessageHeaders.actorSignature]: {
        type: 'string',
        pattern: '^U[A-Z2-7]{55}\\.[0-9]+\\.[A-Za-z0-9_-]+$',
        description:
          '`<issuer public nkey>.<expiry in epoch ms>.<Ed25519 signature, base64url>` over the exact `x-actor` value, a line feed and the expiry. ' +
          'The gateway signs; services forward it unchanged when they call on the caller\'s behalf. Where the service trusts issuers ' +
          '(`ACTOR_ISSUER_KEYS`), an actor without a valid, unexpired signature of one of them is ignored, so a command is refused with `UNAUTHENTICATED`.',
      },
      [MessageHeaders.deadline]: {
        type: 'string',
        pattern: '^[0-9]+$',
        description: 'Epoch milliseconds after which the caller stops waiting; a request that arrives later is answered `TIMEOUT` without being handled.',
      },
    },
  });
}

function rpcRequestMessage(call: RpcDeclaration): JsonObject {
  return {
    name: `${call.subject}.request`,
    title: `${call.domain} ${call.operation} request`,
    summary: call.summary,
    contentType: 'application/json',
    correlationId: { description: 'The reply carries the id of its request.', location: '$message.payload#/id' },
    headers: rpcRequestHeaders(),
    payload: normalizeSchema({
      type: 'object',
      description: 'Packet of the NestJS NATS transport.',
      properties: {
        pattern: { type: 'string', const: call.subject },
        id: { type: 'string', description: 'Chosen by the caller (a UUID); the reply carries it back.' },
        data: schemaRef(call.request),
      },
      required: ['pattern', 'id', 'data'],
    }),
  };
}

function rpcReplyMessage(call: RpcDeclaration): JsonObject {
  return {
    name: `${call.subject}.reply`,
    title: `${call.domain} ${call.operation} reply`,
    summary: `Outcome of ${call.subject}.`,
    contentType: 'application/json',
    correlationId: { description: 'The id of the request this reply answers.', location: '$message.payload#/id' },
    payload: normalizeSchema({
      type: 'object',
      description: 'Packet of the NestJS NATS transport; `response` is the reply of the service.',
      properties: {
        id: { type: 'string', description: 'The id of the request.' },
        response: {
          oneOf: [
            {
              type: 'object',
              title: 'success',
              properties: { ok: { type: 'boolean', const: true }, data: schemaRef(call.response) },
              required: ['ok', 'data'],
            },
            {
              type: 'object',
              title: 'failure',
              properties: { ok: { type: 'boolean', const: false }, error: ref(`${SCHEMAS}RpcError`) },
              required: ['ok', 'error'],
            },
          ],
        },
        isDisposed: { type: 'boolean', description: 'Set by the transport on the last packet of a reply.' },
      },
      required: ['id', 'response'],
    }),
  };
}

function deadLetterMessage(): JsonObject {
  return {
    name: 'itsm.dlq',
    title: 'Dead letter',
    summary: 'An event a consumer gave up on, with the error of its last attempt.',
    contentType: 'application/json',
    payload: ref(`${SCHEMAS}DeadLetter`),
  };
}

const ERROR_CODES = Object.values(ErrorCode);

/** Hand-written schemas of shapes that are interfaces, not classes, in TypeScript. */
const SUPPORT_SCHEMAS: Record<string, JsonObject> = {
  RpcError: {
    type: 'object',
    description: 'Error of an RPC reply; the gateway answers with the HTTP status of its code.',
    properties: {
      code: {
        type: 'string',
        enum: ERROR_CODES,
        description: `HTTP status in the gateway: ${ERROR_CODES.map((code) => `${code} ${HTTP_STATUS_BY_CODE[code]}`).join(', ')}.`,
      },
      reason: {
        type: 'string',
        enum: [...AllErrorReasons],
        description: 'What exactly was refused, as a code of the domain that refused it (two errors of one `code` are told apart by it).',
      },
      message: { type: 'string' },
      details: {
        type: 'object',
        properties: {
          errors: { type: 'array', items: ref(`${SCHEMAS}FieldError`), description: 'Invalid fields of a VALIDATION error.' },
          errorId: { type: 'string', format: 'uuid', description: 'Id of an INTERNAL error, as logged by the service.' },
        },
      },
    },
    required: ['code', 'message'],
  },
  FieldError: {
    type: 'object',
    properties: {
      field: { type: 'string', description: 'Dotted path of the field; empty for the whole body.' },
      message: { type: 'string' },
    },
    required: ['field', 'message'],
  },
  DeadLetter: {
    type: 'object',
    description: `Published on \`${deadLetterSubject('<consumer>')}\` (stream \`${DLQ_STREAM}\`).`,
    properties: {
      consumer: { type: 'string', description: 'Durable consumer that gave up, `<service>-<purpose>`.' },
      subject: { type: 'string', description: 'Subject the event was published on.' },
      streamSequence: { type: 'integer', minimum: 1, description: `Sequence of the event in \`${EVENTS_STREAM}\`.` },
      deliveries: { type: 'integer', minimum: 1, description: 'Deliveries of the event to this consumer.' },
      error: {
        type: 'object',
        properties: { name: { type: 'string' }, message: { type: 'string' }, stack: { type: 'string' } },
        required: ['name', 'message'],
      },
      failedAt: { type: 'string', format: 'date-time' },
      event: {
        description: 'The event as it arrived: its CloudEvent, or the first 4,096 characters of its text when it was not JSON or too large.',
        oneOf: [{ type: 'object' }, { type: 'string' }],
      },
    },
    required: ['consumer', 'subject', 'streamSequence', 'deliveries', 'error', 'failedAt', 'event'],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// JSON Schemas of the message classes

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Converters = NonNullable<Parameters<typeof validationMetadatasToSchemas>[0]>['additionalConverters'];

const CONVERTERS: Converters = {
  // The default lists both keys and values of a numeric enum, all typed as strings.
  [IS_ENUM]: (meta) => enumSchema(meta.constraints[0]) ?? {},
  // The default pattern demands fractional seconds, which IsDateString does not.
  [IS_DATE_STRING]: { type: 'string', format: 'date-time' },
  // An instant with its offset from UTC (see `IsInstant`).
  isInstant: { type: 'string', format: 'date-time' },
  // A date without a time that exists (see `IsCalendarDate`).
  isCalendarDate: { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  // Seconds or an ISO 8601 time duration (see `IsBusinessDuration`).
  isBusinessDuration: { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^PT' }] },
};

const BUILT_IN_TYPES: readonly unknown[] = [String, Number, Boolean, Array, Object, Date, Map, Set, Symbol, BigInt, Promise];

/**
 * Schemas of the given classes and of every class nested in them, keyed by class name. Only these classes are
 * taken from class-validator's global storage, so unrelated classes loaded in the same process (the gateway's,
 * say) can neither add schemas nor merge into ours; each class carries its inherited rules as its own, so a
 * payload class that only extends another one gets the full list of properties.
 */
function messageSchemas(roots: readonly ClassOf<unknown>[]): JsonObject {
  const global = getMetadataStorage();
  const scoped = new MetadataStorage();
  const constraintsCopied = new Set<unknown>();
  const classes = new Map<string, ClassOf<unknown>>();
  const queue = [...roots];
  for (let cls = queue.shift(); cls; cls = queue.shift()) {
    const known = classes.get(cls.name);
    if (known === cls) continue;
    if (known) throw new Error(`two message classes are named ${cls.name}; AsyncAPI schemas are keyed by class name`);
    classes.set(cls.name, cls);
    for (const meta of global.getTargetValidationMetadatas(cls, '', true, false)) {
      const own: ValidationMetadata = { ...meta, target: cls };
      scoped.addValidationMetadata(own);
      if (meta.constraintCls && !constraintsCopied.has(meta.constraintCls)) {
        constraintsCopied.add(meta.constraintCls);
        for (const constraint of global.getTargetValidatorConstraints(meta.constraintCls)) scoped.addConstraintMetadata(constraint);
      }
      if (meta.type === ValidationTypes.NESTED_VALIDATION) {
        const nested = nestedClass(cls, meta.propertyName);
        if (nested) queue.push(nested);
      }
    }
  }

  const generated = validationMetadatasToSchemas({
    classValidatorMetadataStorage: scoped,
    classTransformerMetadataStorage: classTransformerStorage,
    refPointerPrefix: SCHEMAS,
    additionalConverters: CONVERTERS,
  });
  const schemas: JsonObject = {};
  for (const [name, cls] of classes) {
    const schema = toJson(generated[name] ?? { type: 'object', properties: {} });
    schemas[name] = normalizeSchema(withApiProperties(asObject(schema), cls));
  }
  const dangling = [...new Set(refsIn(schemas))].filter((pointer) => !(pointer.slice(SCHEMAS.length) in schemas));
  if (dangling.length > 0) {
    throw new Error(`nested message classes without a schema: ${dangling.join(', ')}; declare nested fields with @Type(() => TheClass)`);
  }
  return schemas;
}

function refsIn(value: JsonValue): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => (key === '$ref' && typeof child === 'string' ? [child] : refsIn(child)));
}

function nestedClass(owner: ClassOf<unknown>, property: string): ClassOf<unknown> | undefined {
  const declared = classTransformerStorage.findTypeMetadata(owner, property)?.typeFunction();
  const type: unknown = declared ?? Reflect.getMetadata('design:type', owner.prototype as object, property);
  return typeof type === 'function' && !BUILT_IN_TYPES.includes(type) ? (type as ClassOf<unknown>) : undefined;
}

/** Takes description, example, format, enum, nullability and requiredness from `@ApiProperty()`. */
function withApiProperties(schema: JsonObject, cls: ClassOf<unknown>): JsonObject {
  const prototype = cls.prototype as object;
  const keys = (Reflect.getMetadata(API_MODEL_PROPERTIES_ARRAY, prototype) as string[] | undefined) ?? [];
  const properties = asObject(schema['properties'] ?? {});
  const required = Array.isArray(schema['required']) ? schema['required'].filter((name) => typeof name === 'string') : [];
  for (const key of keys) {
    const name = key.replace(/^:/, '');
    const property = properties[name];
    const api = Reflect.getMetadata(API_MODEL_PROPERTIES, prototype, name) as ApiPropertyMetadata | undefined;
    // A property without class-validator rules is stripped by the validation, so it is not part of the message.
    if (!property || !api) continue;
    properties[name] = apiProperty(asObject(property), api);
    if (api.required !== false && !required.includes(name)) required.push(name);
  }
  const ordered = Object.keys(properties).filter((name) => required.includes(name));
  const result: JsonObject = { ...schema, properties };
  if (ordered.length > 0) result['required'] = ordered;
  return result;
}

function apiProperty(property: JsonObject, api: ApiPropertyMetadata): JsonObject {
  const result: JsonObject = { ...property };
  if (api.description !== undefined) result['description'] = api.description;
  if (api.format !== undefined) result['format'] = api.format;
  if (api.example !== undefined) result['examples'] = [toJson(api.example)];
  if (api.default !== undefined) result['default'] = toJson(api.default);
  if (api.deprecated) result['deprecated'] = true;
  if (api.enum !== undefined && result['enum'] === undefined) {
    const values = enumSchema(api.enum);
    if (values?.['enum'] !== undefined) result['enum'] = values['enum'];
    if (result['type'] === undefined && values?.['type'] !== undefined) result['type'] = values['type'];
  }
  if (!api.nullable) return result;
  const { $ref: target, ...rest } = result;
  if (typeof target === 'string') return { ...rest, oneOf: [{ $ref: target }, { type: 'null' }] };
  if (typeof result['type'] === 'string') result['type'] = [result['type'], 'null'];
  if (Array.isArray(result['enum'])) result['enum'] = [...result['enum'], null];
  return result;
}

/** `{ type, enum }` of a TypeScript enum or a list of values, without the reverse entries of numeric enums. */
function enumSchema(source: unknown): JsonObject | undefined {
  let values: Array<string | number>;
  if (Array.isArray(source)) {
    values = source.filter((value): value is string | number => typeof value === 'string' || typeof value === 'number');
  } else if (source !== null && typeof source === 'object') {
    const record = source as Record<string, string | number>;
    values = Object.keys(record)
      .filter((key) => {
        const value = record[key];
        return value !== undefined && typeof record[String(value)] !== 'number';
      })
      .map((key) => record[key] as string | number);
  } else {
    return undefined;
  }
  if (values.every((value) => typeof value === 'string')) return { type: 'string', enum: values };
  if (values.every((value) => Number.isInteger(value))) return { type: 'integer', enum: values };
  if (values.every((value) => typeof value === 'number')) return { type: 'number', enum: values };
  return { enum: values };
}

// ---------------------------------------------------------------------------------------------------------------
// Stable output

/** Keywords first in this order, then the rest alphabetically; `properties` keeps the declaration order. */
const KEYWORD_ORDER = [
  '$ref',
  'title',
  'type',
  'format',
  'const',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'description',
  'default',
  'examples',
];

const SUBSCHEMA_LISTS = new Set(['oneOf', 'anyOf', 'allOf']);
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'not']);

function normalizeSchema(schema: JsonObject): JsonObject {
  const rank = (key: string): number => {
    const index = KEYWORD_ORDER.indexOf(key);
    return index === -1 ? KEYWORD_ORDER.length : index;
  };
  const keys = Object.keys(schema).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const result: JsonObject = {};
  for (const key of keys) {
    const value = schema[key];
    if (value === undefined) continue;
    // Beside a reference or a choice of schemas, `type: object` (from IsObject, which refuses an array where a nested
    // object is expected) says nothing the reference does not, and would refuse the `null` of a nullable one.
    if (key === 'type' && value === 'object' && (typeof schema['$ref'] === 'string' || Array.isArray(schema['oneOf']) || Array.isArray(schema['anyOf']))) continue;
    if (key === 'properties' && isObject(value)) {
      const properties: JsonObject = {};
      for (const [name, property] of Object.entries(value)) properties[name] = isObject(property) ? normalizeSchema(property) : property;
      result[key] = properties;
    } else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) {
      result[key] = value.map((item) => (isObject(item) ? normalizeSchema(item) : item));
    } else if (SUBSCHEMAS.has(key) && isObject(value)) {
      result[key] = normalizeSchema(value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

function sortKeys(object: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const key of Object.keys(object).sort()) {
    const value = object[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asObject(value: JsonValue): JsonObject {
  if (!isObject(value)) throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

/** Plain JSON copy: drops functions and undefined, and detaches the result from the library's objects. */
function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}
