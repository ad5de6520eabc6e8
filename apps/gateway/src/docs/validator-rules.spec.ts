import 'reflect-metadata';
import { RequestMethod, type ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import fc from 'fast-check';
import type { NatsConnection } from 'nats';
import { CommonError } from '@itsm/contracts';
import { createLogger } from '@itsm/observability';
import { loadGatewayConfig } from '../config';
import { createValidationPipe } from '../errors/validation';
import { GatewayModule } from '../gateway.module';
import { API_PREFIX } from '../gateway.tokens';
import { buildOpenApiDocument } from './openapi';
import { arbitraryOf } from '../../test/support/schema-arbitrary';
import { operationInputs, type OperationInputs, withoutFlags } from './validator-rules';

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value?: unknown }> }> };
}

/**
 * Rules that depend on other fields or on a sum, which JSON Schema cannot say simply: the document states them in
 * the description of the property (`properties`), and only refusals by these rules are not the document's fault.
 */
const STATED_IN_DESCRIPTIONS: ReadonlyArray<{ field: string; message: RegExp; properties: Array<[string, string]>; says: RegExp }> = [
  { field: 'group', message: /is required$/, properties: [['ApprovalPolicyDto', 'group']], says: /Required with `type: group`/ },
  { field: 'approvers', message: /is required$/, properties: [['ApprovalPolicyDto', 'approvers']], says: /Required with `type: n_of_m`/ },
  { field: 'required', message: /is required$/, properties: [['ApprovalPolicyDto', 'required']], says: /Required with `type: n_of_m`/ },
  { field: 'address', message: /is required$/, properties: [['RecipientDto', 'address']], says: /Required with `kind: address`/ },
  {
    field: 'webhook',
    message: /is required$/,
    properties: [['CreateSubscriptionDto', 'webhook'], ['SubscriptionDefinitionDto', 'webhook']],
    says: /Required with `channel: webhook`/,
  },
  { field: 'email', message: /is required$/, properties: [['CreateSubscriptionDto', 'email'], ['SubscriptionDefinitionDto', 'email']], says: /Required with `channel: email`/ },
  {
    field: 'duration',
    message: /must be at most \d+ seconds$/,
    properties: [['CalendarAddDto', 'duration'], ['PolicyTargetDto', 'duration']],
    says: /At most \d+ seconds in all/,
  },
  // The names the time zone database knows, which JSON Schema cannot list but by an enum of hundreds.
  {
    field: 'timeZone',
    message: /must be an IANA time zone/,
    properties: [['BlackoutWindowDto', 'timeZone'], ['MaintenanceWindowDto', 'timeZone']],
    says: /IANA time zone/,
  },
];

/** True when every error names a rule the document states in a description. */
function onlyStatedInDescriptions(errors: Array<{ field: string; message: string }>): boolean {
  return errors.every(({ field, message }) => {
    const name = field.split('.').filter((part) => !/^\d+$/.test(part)).pop() ?? '';
    return STATED_IN_DESCRIPTIONS.some((rule) => rule.field === name && rule.message.test(message));
  });
}

const SAMPLES_PER_OPERATION = 25;
const SEED = 20261206;

/** Routes whose arguments the document describes: every operation with its id, method and path. */
function operationsOf(document: OpenAPIObject): Array<{ id: string; label: string; operation: Operation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>)
      .filter(([, operation]) => typeof operation === 'object' && operation.operationId)
      .map(([method, operation]) => ({ id: operation.operationId ?? '', label: `${method.toUpperCase()} ${path}`, operation })),
  );
}

/** A typed value as it arrives in a query string or path: text, or repeated text for a list. */
function asQueryValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => String(item));
  return String(value);
}

/** Why the gateway's validation refuses a value, or undefined when it takes it. */
async function refusal(pipe: ValidationPipe, value: unknown, type: 'body' | 'query' | 'param', metatype: OperationInputs[keyof OperationInputs]): Promise<string | undefined> {
  try {
    await pipe.transform(value, { type, metatype: metatype as never, data: undefined });
    return undefined;
  } catch (error) {
    if (!(error instanceof CommonError)) throw error;
    const errors = (error.details as { errors?: Array<{ field: string; message: string }> } | undefined)?.errors ?? [];
    return onlyStatedInDescriptions(errors) ? undefined : JSON.stringify({ value, errors });
  }
}

describe('the OpenAPI document states the rules of the validation', () => {
  let app: NestFastifyApplication;
  let document: OpenAPIObject;
  let inputs: Map<string, OperationInputs>;
  const pipe = createValidationPipe();

  beforeAll(async () => {
    const config = loadGatewayConfig({ JWT_SECRET: 'x'.repeat(64) });
    app = await NestFactory.create<NestFastifyApplication>(
      GatewayModule.forRoot({ config, logger: createLogger('gateway', 'silent'), nc: Object.freeze({}) as NatsConnection }),
      new FastifyAdapter(),
      { logger: false, abortOnError: false },
    );
    app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'openapi.json', method: RequestMethod.GET }] });
    document = JSON.parse(JSON.stringify(buildOpenApiDocument(app))) as OpenAPIObject;
    inputs = operationInputs(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  function schema(name: string): Schema {
    return (document.components?.schemas?.[name] ?? {}) as Schema;
  }

  function property(name: string, field: string): Schema {
    return ((schema(name)['properties'] ?? {}) as Record<string, Schema>)[field] ?? {};
  }

  function parameter(path: string, method: string, name: string): Schema {
    const operation = (document.paths[path] as Record<string, Operation>)[method];
    return operation?.parameters?.find((candidate) => candidate.name === name)?.schema ?? {};
  }

  it('says that page sizes are whole numbers', () => {
    expect(parameter('/v1/incidents', 'get', 'limit')).toEqual(expect.objectContaining({ type: 'integer', minimum: 1, maximum: 200 }));
    expect(parameter('/v1/cis/{id}/impact', 'get', 'depth')).toEqual(expect.objectContaining({ type: 'integer' }));
  });

  it('gives the patterns of CI class names, attribute filters, hours and calendar ids', () => {
    expect(property('CreateCiDto', 'className')['pattern']).toBe('^[a-z][a-z0-9_]{1,62}$');
    expect((parameter('/v1/cis', 'get', 'attr')['items'] as Schema)['pattern']).toBe('^[A-Za-z0-9_-]{1,100}(\\.[A-Za-z0-9_-]{1,100}){0,4}:[\\s\\S]{0,500}$');
    expect(property('BusinessIntervalDto', 'start')['pattern']).toBe('^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$');
    expect(parameter('/v1/sla/calendars/{id}', 'get', 'id')['pattern']).toBe('^(24[xX]7|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$');
  });

  it('bounds the items of arrays as the validation does', () => {
    expect(property('PolicyTargetDto', 'warnAt')).toEqual(
      expect.objectContaining({ type: 'array', maxItems: 10, uniqueItems: true, items: expect.objectContaining({ type: 'integer', minimum: 1, maximum: 99 }) }),
    );
  });

  it('marks as required what the validation cannot do without', () => {
    const from = (document.paths['/v1/reports/sla/compliance'] as Record<string, Operation>)['get']?.parameters?.find((candidate) => candidate.name === 'from');
    expect(from?.required).toBe(true);
    expect(schema('CalendarAddDto')['required']).toEqual(expect.arrayContaining(['start', 'duration']));
  });

  it('refuses unknown fields in every request body schema', () => {
    for (const { operation } of operationsOf(document)) {
      for (const content of Object.values(operation.requestBody?.content ?? {})) {
        const ref = content.schema?.['$ref'];
        if (typeof ref === 'string') expect({ ref, additionalProperties: schema(ref.split('/').pop() ?? '')['additionalProperties'] }).toEqual({ ref, additionalProperties: false });
      }
    }
  });

  it('states in descriptions the rules that depend on other fields', () => {
    expect(property('UpdateIncidentDto', 'priorityReason')['description']).toMatch(/required with `priority`/i);
    for (const rule of STATED_IN_DESCRIPTIONS) {
      for (const [name, field] of rule.properties) expect(`${name}.${field}: ${String(property(name, field)['description'])}`).toMatch(rule.says);
    }
  });

  it('writes regular expressions with flags as patterns without them', () => {
    expect(new RegExp(withoutFlags(/^(24x7|[0-9a-f]{2})$/i)).test('24X7')).toBe(true);
    expect(new RegExp(withoutFlags(/^(24x7|[0-9a-f]{2})$/i)).test('aF')).toBe(true);
    expect(new RegExp(withoutFlags(/^a.b{2}$/s)).test('a\nbb')).toBe(true);
  });

  it('lets through every example and every generated value the document allows', async () => {
    const refused: string[] = [];
    let checked = 0;
    for (const { id, label, operation } of operationsOf(document)) {
      const classes = inputs.get(id);
      if (!classes) continue;
      const json = operation.requestBody?.content['application/json'];
      if (classes.body && json?.schema) {
        const examples = [...(json.example !== undefined ? [json.example] : []), ...Object.values(json.examples ?? {}).map((example) => example.value)];
        const generated = fc.sample(arbitraryOf(document, json.schema), { numRuns: SAMPLES_PER_OPERATION, seed: SEED });
        for (const body of [...examples, ...generated]) {
          checked += 1;
          const why = await refusal(pipe, body, 'body', classes.body);
          if (why) refused.push(`${label} body ${why}`);
        }
      }
      for (const where of ['query', 'path'] as const) {
        const cls = where === 'query' ? classes.query : classes.path;
        const parameters = (operation.parameters ?? []).filter((candidate) => candidate.in === where && candidate.schema);
        if (!cls || parameters.length === 0) continue;
        const record = fc.record(Object.fromEntries(parameters.map((candidate) => [candidate.name, arbitraryOf(document, candidate.schema ?? {})])), {
          requiredKeys: parameters.filter((candidate) => candidate.required).map((candidate) => candidate.name),
        });
        const example = Object.fromEntries(parameters.filter((candidate) => candidate.example !== undefined).map((candidate) => [candidate.name, candidate.example]));
        for (const values of [example, ...fc.sample(record, { numRuns: SAMPLES_PER_OPERATION, seed: SEED })]) {
          const sent = Object.fromEntries(Object.entries(values as Record<string, unknown>).filter(([, value]) => value !== null).map(([name, value]) => [name, asQueryValue(value)]));
          // The examples alone are a request only when they give every required parameter.
          if (parameters.some((candidate) => (candidate.required || where === 'path') && !(candidate.name in sent))) continue;
          checked += 1;
          const why = await refusal(pipe, sent, where === 'path' ? 'param' : 'query', cls);
          if (why) refused.push(`${label} ${where} ${why}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(refused).toEqual([]);
  });
});
