import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { buildAsyncApiDocument, CONTRACTS_VERSION } from './asyncapi';
import { allDeclarations } from './registry';
import type { ClassOf } from './message';

const CHECKED_IN = join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml');

type Json = Record<string, unknown>;

function isJson(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Follows a local `$ref` (`#/components/...`) inside the document. */
function resolve(document: Json, value: unknown): Json {
  if (!isJson(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  const pointer = value['$ref'];
  if (typeof pointer !== 'string') return value;
  const target = pointer
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (isJson(node) ? node[part] : undefined), document);
  return resolve(document, target);
}

function section(document: Json, ...path: string[]): Json {
  const found = path.reduce<unknown>((node, part) => (isJson(node) ? node[part] : undefined), document);
  if (!isJson(found)) throw new Error(`the document has no ${path.join('.')}`);
  return found;
}

/** Properties a class validates, its inherited ones included, straight from class-validator's metadata. */
function validatedProperties(cls: ClassOf<unknown>): string[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadatas.map((meta) => meta.propertyName))].sort();
}

/** A document without class instances or undefined values, as it reads back from YAML or JSON. */
function plain(document: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(document));
}

describe('AsyncAPI document', () => {
  const document = buildAsyncApiDocument();
  const { events, rpc } = allDeclarations();

  it('matches the checked-in docs/asyncapi.yaml', () => {
    let checkedIn: unknown;
    try {
      checkedIn = parse(readFileSync(CHECKED_IN, 'utf8'));
    } catch (error) {
      checkedIn = `unreadable: ${(error as Error).message}`;
    }
    const verdict = isDeepStrictEqual(checkedIn, plain(document))
      ? 'up to date'
      : 'docs/asyncapi.yaml differs from the message declarations: run `npm run asyncapi` and commit the file';
    expect(verdict).toBe('up to date');
  });

  it('builds the same document every time, keys in the same order', () => {
    expect(JSON.stringify(buildAsyncApiDocument())).toBe(JSON.stringify(document));
  });

  it('is a valid AsyncAPI 3.0 document', async () => {
    const diagnostics = await new Parser().validate(JSON.stringify(document));
    const errors = diagnostics
      .filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error)
      .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
    expect(errors).toEqual([]);
  });

  it('carries the contracts version, as in libs/contracts/package.json', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(section(document, 'info')['version']).toBe(CONTRACTS_VERSION);
    expect(CONTRACTS_VERSION).toBe(pkg.version);
  });

  it.each(events.map((event) => [event.subject, event] as const))(
    'has a channel for %s whose message carries every property of the payload in data',
    (subject, event) => {
      const channels = Object.values(section(document, 'channels')).filter(isJson);
      const channel = channels.find((candidate) => candidate['address'] === subject);
      expect(channel).toBeDefined();

      const messages = Object.values(section(channel ?? {}, 'messages')).map((message) => resolve(document, message));
      expect(messages).toHaveLength(1);
      const [message] = messages;
      const envelope = resolve(document, message?.['payload']);
      expect(section(envelope, 'properties', 'type')['const']).toBe(event.type);
      const data = resolve(document, section(envelope, 'properties', 'data'));
      const listed = Object.keys(section(data, 'properties')).sort();
      const declared = validatedProperties(event.payload);
      expect(declared.length).toBeGreaterThan(0);
      expect(listed).toEqual(declared);
    },
  );

  it('describes an inherited payload with the properties of its base class', () => {
    const created = events.find((event) => event.subject === 'itsm.events.incident.created.v1');
    expect(created?.payload.name).toBe('IncidentCreatedV1');
    const schema = section(document, 'components', 'schemas', 'IncidentCreatedV1');
    expect(Object.keys(section(schema, 'properties'))).toEqual(expect.arrayContaining(['id', 'number', 'state', 'priority', 'version']));
  });

  it('writes enums as enums, numeric ones as integers', () => {
    const properties = section(document, 'components', 'schemas', 'IncidentView', 'properties');
    expect(properties['state']).toMatchObject({ type: 'string', enum: ['new', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled', 'merged'] });
    expect(properties['priority']).toMatchObject({ type: 'string', enum: ['P1', 'P2', 'P3', 'P4', 'P5'] });
    expect(properties['impact']).toMatchObject({ type: 'integer', enum: [1, 2, 3] });
  });

  it('has a request channel with a reply for every RPC', () => {
    for (const call of rpc) {
      const operations = Object.values(section(document, 'operations')).filter(isJson);
      const operation = operations.find((candidate) => resolve(document, candidate['channel'])['address'] === call.subject);
      expect(operation).toMatchObject({ action: 'send', reply: expect.any(Object) });

      const request = resolve(document, resolve(document, (operation?.['messages'] as unknown[] | undefined)?.[0])['payload']);
      expect(section(request, 'properties', 'pattern')['const']).toBe(call.subject);
      expect(resolve(document, section(request, 'properties', 'data'))).toBe(section(document, 'components', 'schemas', call.request.name));
    }
  });

  it('names every event subject itsm.events.<domain>.<type>.v<N> and every RPC subject itsm.rpc.<domain>.<operation>', () => {
    for (const event of events) {
      expect(event.subject).toMatch(/^itsm\.events\.[a-z][a-z0-9-]*\.[a-z][a-z0-9_-]*\.v[1-9][0-9]*$/);
      expect(event.subject).toBe(`itsm.events.${event.domain}.${event.name}.v${event.version}`);
      expect(event.type).toBe(`itsm.${event.domain}.${event.name}.v${event.version}`);
    }
    for (const call of rpc) {
      expect(call.subject).toMatch(/^itsm\.rpc\.[a-z][a-z0-9-]*\.[a-z][a-zA-Z0-9_-]*$/);
      expect(call.subject).toBe(`itsm.rpc.${call.domain}.${call.operation}`);
    }
  });

  it('declares every subject once', () => {
    const subjects = [...events.map((event) => event.subject), ...rpc.map((call) => call.subject)];
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('documents the dead-letter subject itsm.dlq.{consumer} with its consumer parameter', () => {
    const channel = Object.values(section(document, 'channels'))
      .filter(isJson)
      .find((candidate) => candidate['address'] === 'itsm.dlq.{consumer}');
    expect(channel).toBeDefined();
    expect(section(channel ?? {}, 'parameters')).toHaveProperty('consumer');
    const [message] = Object.values(section(channel ?? {}, 'messages')).map((entry) => resolve(document, entry));
    const payload = resolve(document, message?.['payload']);
    expect(section(payload, 'properties')).toEqual(
      expect.objectContaining({ consumer: expect.anything(), subject: expect.anything(), streamSequence: expect.anything(), event: expect.anything() }),
    );
    expect(Object.keys(section(payload, 'properties'))).toEqual(['consumer', 'subject', 'streamSequence', 'deliveries', 'error', 'failedAt', 'event']);
  });
});
