/**
 * Makes the OpenAPI document say every rule the gateway's validation enforces on bodies, queries and path
 * parameters: read from the class-validator rules of the DTO classes the routes take, so that no value the document
 * allows is refused for its shape.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { MetadataStorage as ClassTransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
// @ts-expect-error class-transformer ships this module's types under types/, not beside the CommonJS build;
// the import is typed by the cast below. Without this storage, `@Type(() => X)` on nested classes is lost.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { MAX_DURATION_SECONDS } from '@itsm/contracts';

const transformerStorage = defaultMetadataStorage as ClassTransformerMetadataStorage;

/** A DTO class, as a route declares it. */
type DtoClass = abstract new (...args: never[]) => object;

/** The DTO classes one operation validates, by where the values come from. */
export interface OperationInputs {
  body?: DtoClass;
  query?: DtoClass;
  path?: DtoClass;
}

type Schema = SchemaObject & Record<string, unknown>;

const INPUT_KINDS: ReadonlyMap<number, keyof OperationInputs> = new Map([
  [RouteParamtypes.BODY, 'body'],
  [RouteParamtypes.QUERY, 'query'],
  [RouteParamtypes.PARAM, 'path'],
]);
// @nestjs/swagger's metadata key of `@ApiBody()` and `@ApiParam()` (its DECORATORS constant is not exported from the package root).
const API_PARAMETERS = 'swagger/apiParameters';
const BUILT_IN_TYPES: readonly unknown[] = [String, Number, Boolean, Array, Object, Date, Map, Set, Symbol, BigInt, Promise];

/** A rule JSON Schema cannot express, said in the property's description. */
const NOTE = 'x-note';
/** An instant with its offset from UTC (`IsInstant`), as an ECMA-262 pattern. */
const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';
/** An ISO 8601 time duration (`IsBusinessDuration`), as an ECMA-262 pattern. */
const BUSINESS_DURATION_PATTERN = '^PT(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?$';

/**
 * The DTO classes of every operation, keyed by the operation id @nestjs/swagger gives it (`<Controller>_<method>`):
 * the whole-object `@Body()`, `@Query()` and `@Param()` arguments whose type is a class with validation rules.
 */
export function operationInputs(app: INestApplicationContext): Map<string, OperationInputs> {
  const inputs = new Map<string, OperationInputs>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null | undefined;
      if (typeof controller !== 'function') continue;
      const prototype = controller.prototype as object;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        // Only methods: reading a getter would run it against the bare prototype.
        const handler: unknown = Object.getOwnPropertyDescriptor(prototype, method)?.value;
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) as Record<string, { index: number; data?: unknown }> | undefined;
        const types = (Reflect.getMetadata('design:paramtypes', prototype, method) as unknown[] | undefined) ?? [];
        const operation: OperationInputs = {};
        for (const [key, arg] of Object.entries(args ?? {})) {
          const kind = INPUT_KINDS.get(Number(key.split(':')[0]));
          const type = types[arg.index];
          if (kind && arg.data === undefined && isDtoClass(type)) operation[kind] = type;
        }
        // A body read by a custom decorator (validated by its own pipe) is known by the type its `@ApiBody()` gives.
        operation.body ??= declaredBody(Reflect.getMetadata(API_PARAMETERS, handler));
        if (Object.keys(operation).length > 0) inputs.set(`${controller.name}_${method}`, operation);
      }
    }
  }
  return inputs;
}

function declaredBody(parameters: unknown): DtoClass | undefined {
  const body = Array.isArray(parameters) ? (parameters as Array<{ in?: string; type?: unknown }>).find((parameter) => parameter.in === 'body') : undefined;
  return isDtoClass(body?.type) ? body.type : undefined;
}

function isDtoClass(type: unknown): type is DtoClass {
  return typeof type === 'function' && !BUILT_IN_TYPES.includes(type) && rulesOf(type as DtoClass).length > 0;
}

function rulesOf(cls: DtoClass): ValidationMetadata[] {
  return getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
}

/**
 * Adds to the document what the validation of each route's DTO classes (and the classes nested in them) enforces
 * and the document does not yet say: for every property of their component schemas and every query and path
 * parameter, `type: integer`, `pattern`, lengths, bounds, `enum`, `format`, item counts and uniqueness, the rules
 * of array items; and `additionalProperties: false`, as unknown fields are refused. Never loosens what is declared.
 */
export function stateValidatorRules(document: OpenAPIObject, app: INestApplicationContext): OpenAPIObject {
  const inputs = operationInputs(app);
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema | ReferenceObject>;
  const classes = new Map<string, DtoClass>();
  const queue = [...inputs.values()].flatMap((operation) => (operation.body ? [operation.body] : []));
  for (let cls = queue.shift(); cls; cls = queue.shift()) {
    if (classes.has(cls.name)) continue;
    classes.set(cls.name, cls);
    for (const rule of rulesOf(cls)) {
      if (rule.type !== ValidationTypes.NESTED_VALIDATION) continue;
      const nested = nestedClass(cls, rule.propertyName);
      if (nested) queue.push(nested);
    }
  }
  for (const [name, cls] of classes) {
    const schema = schemas[name];
    if (schema && !('$ref' in schema)) stateClassRules(schema, cls);
  }
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<{ operationId?: string; parameters?: Array<ParameterObject | ReferenceObject> }>) {
      const routeInputs = operation?.operationId ? inputs.get(operation.operationId) : undefined;
      if (!routeInputs) continue;
      for (const parameter of operation.parameters ?? []) {
        if ('$ref' in parameter) continue;
        const cls = parameter.in === 'query' ? routeInputs.query : parameter.in === 'path' ? routeInputs.path : undefined;
        if (!cls) continue;
        const rules = rulesOf(cls).filter((rule) => rule.propertyName === parameter.name);
        if (rules.length === 0) continue;
        parameter.schema = mergeRules((parameter.schema ?? {}) as Schema | ReferenceObject, rules);
        if (isRequired(rules)) parameter.required = true;
      }
    }
  }
  return document;
}

function nestedClass(owner: DtoClass, property: string): DtoClass | undefined {
  const declared = transformerStorage.findTypeMetadata(owner, property)?.typeFunction();
  const type: unknown = declared ?? Reflect.getMetadata('design:type', owner.prototype as object, property);
  return isDtoClass(type) ? type : undefined;
}

function stateClassRules(schema: Schema, cls: DtoClass): void {
  const properties = (schema.properties ?? {}) as Record<string, Schema | ReferenceObject>;
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of rulesOf(cls)) byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  for (const [name, property] of Object.entries(properties)) {
    const rules = byProperty.get(name);
    if (rules) properties[name] = mergeRules(property, rules);
    // A property without a rule is refused as unknown by the validation: the document must not offer it.
    else delete properties[name];
  }
  const required = new Set((schema.required ?? []).filter((name) => name in properties));
  for (const [name, rules] of byProperty) if (name in properties && isRequired(rules)) required.add(name);
  if (required.size > 0) schema.required = Object.keys(properties).filter((name) => required.has(name));
  schema.properties = properties;
  schema.additionalProperties = false;
}

/** A property the validation refuses to miss: one with rules and none that skips them (`IsOptional`, `ValidateIf`). */
function isRequired(rules: readonly ValidationMetadata[]): boolean {
  return !rules.some((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION || rule.type === ValidationTypes.WHITELIST);
}

/** The JSON Schema keywords one class-validator rule stands for, on the value itself (or each item with `each`). */
function keywordsOf(rule: ValidationMetadata): Schema | undefined {
  const [first, second] = (rule.constraints ?? []) as unknown[];
  const name = rule.name ?? (rule.type === ValidationTypes.CUSTOM_VALIDATION ? customName(rule) : rule.type);
  switch (name) {
    case 'isInt':
      return { type: 'integer' };
    case 'isNumber':
      return { type: 'number' };
    case 'isString':
      return { type: 'string' };
    case 'isBoolean':
      return { type: 'boolean' };
    case 'isArray':
      return { type: 'array' };
    case 'isObject':
      return { type: 'object' };
    case 'min':
      return typeof first === 'number' ? { minimum: first } : undefined;
    case 'max':
      return typeof first === 'number' ? { maximum: first } : undefined;
    case 'minLength':
      return typeof first === 'number' ? { minLength: first } : undefined;
    case 'maxLength':
      return typeof first === 'number' ? { maxLength: first } : undefined;
    case 'isLength':
      return { ...(typeof first === 'number' ? { minLength: first } : {}), ...(typeof second === 'number' ? { maxLength: second } : {}) };
    case 'isNotEmpty':
      return { minLength: 1 };
    case 'matches':
      return patternOf(first, second);
    case 'isUuid':
      return { type: 'string', format: 'uuid' };
    case 'isEmail':
      return { type: 'string', format: 'email' };
    case 'isUrl':
      return { type: 'string', format: 'uri' };
    case 'isDateString':
    case 'isIso8601':
      return { type: 'string', format: 'date-time' };
    case 'isInstant':
      return { type: 'string', format: 'date-time', pattern: INSTANT_PATTERN };
    case 'isCalendarDate':
      return { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
    case 'isIn':
      return Array.isArray(first) ? { enum: first } : undefined;
    case 'isEnum':
      return first && typeof first === 'object' ? { enum: enumValues(first as Record<string, unknown>) } : undefined;
    case 'arrayMinSize':
      return typeof first === 'number' ? { minItems: first } : undefined;
    case 'arrayMaxSize':
      return typeof first === 'number' ? { maxItems: first } : undefined;
    case 'arrayNotEmpty':
      return { minItems: 1 };
    case 'arrayUnique':
      return { uniqueItems: true };
    case 'isBusinessDuration':
      return {
        [NOTE]: `At most ${MAX_DURATION_SECONDS} seconds in all.`,
        oneOf: [
          { type: 'integer', minimum: 0, maximum: MAX_DURATION_SECONDS },
          { type: 'string', pattern: BUSINESS_DURATION_PATTERN },
        ],
      };
    default:
      return undefined;
  }
}

function customName(rule: ValidationMetadata): string | undefined {
  if (!rule.constraintCls) return undefined;
  return getMetadataStorage().getTargetValidatorConstraints(rule.constraintCls)[0]?.name;
}

/** The values of a TypeScript enum, without the reverse entries of a numeric one. */
function enumValues(record: Record<string, unknown>): unknown[] {
  return Object.keys(record)
    .filter((key) => typeof record[String(record[key])] !== 'number')
    .map((key) => record[key]);
}

/**
 * A `Matches` rule as an ECMA-262 pattern without flags: `i` is spelled out as both cases of each letter, `s` makes
 * `.` any character; `u` changes nothing the patterns here use.
 */
export function patternOf(source: unknown, modifiers: unknown): Schema | undefined {
  const regex = source instanceof RegExp ? source : typeof source === 'string' ? new RegExp(source, typeof modifiers === 'string' ? modifiers : '') : undefined;
  if (!regex) return undefined;
  return { type: 'string', pattern: withoutFlags(regex) };
}

export function withoutFlags(regex: RegExp): string {
  const caseless = regex.flags.includes('i');
  const dotAll = regex.flags.includes('s');
  if (!caseless && !dotAll) return regex.source;
  let out = '';
  let inClass = false;
  const source = regex.source;
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i] ?? '';
    if (char === '\\') {
      out += char + (source[i + 1] ?? '');
      i += 1;
    } else if (inClass) {
      if (char === ']') inClass = false;
      const range = /^([a-zA-Z])-([a-zA-Z])/.exec(source.slice(i));
      if (caseless && range?.[1] && range[2]) {
        out += `${range[0]}${swapCase(range[1])}-${swapCase(range[2])}`;
        i += 2;
      } else {
        out += caseless && /[a-zA-Z]/.test(char) ? char + swapCase(char) : char;
      }
    } else if (char === '[') {
      inClass = true;
      out += char;
    } else if (char === '.' && dotAll) {
      out += '[\\s\\S]';
    } else if (caseless && /[a-zA-Z]/.test(char) && !/\{\d*,?\d*$/.test(out)) {
      out += `[${char}${swapCase(char)}]`;
    } else {
      out += char;
    }
  }
  return out;
}

function swapCase(char: string): string {
  return char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
}

/**
 * A property's schema made as strict as its rules: each keyword the rules imply is added where the schema has none
 * and tightened where it has a looser one; rules with `each` go to the items of an array. A `$ref` or `allOf`
 * property keeps its target (the class behind it gets its own rules).
 */
function mergeRules(property: Schema | ReferenceObject, rules: readonly ValidationMetadata[]): Schema | ReferenceObject {
  if ('$ref' in property) return property;
  const result: Schema = { ...property };
  for (const rule of rules) {
    const keywords = keywordsOf(rule);
    if (!keywords) continue;
    if (rule.each) {
      const items = (result.items ?? {}) as Schema | ReferenceObject;
      if (!('$ref' in items)) result.items = tighten(items, keywords);
    } else {
      Object.assign(result, tighten(result, keywords));
    }
  }
  return result;
}

function tighten(schema: Schema, input: Schema): Schema {
  const { [NOTE]: note, ...keywords } = input;
  const result: Schema = { ...schema };
  if (typeof note === 'string' && !(result.description ?? '').includes(note)) result.description = result.description ? `${result.description} ${note}` : note;
  if (Array.isArray(keywords.oneOf) && Array.isArray(result.oneOf)) {
    result.oneOf = (result.oneOf as Schema[]).map((branch) => {
      const match = (keywords.oneOf as Schema[]).find((derived) => derived.type === branch.type);
      return match && !('$ref' in branch) ? tighten(branch, match) : branch;
    });
    return result;
  }
  if (keywords.oneOf !== undefined) {
    if (result.type === undefined && result.allOf === undefined && result.$ref === undefined) result.oneOf = keywords.oneOf;
    return result;
  }
  const composed = result.allOf !== undefined || result.oneOf !== undefined || result.anyOf !== undefined;
  for (const [key, value] of Object.entries(keywords)) {
    const current = result[key];
    switch (key) {
      case 'type':
        if (current === 'number' && value === 'integer') result.type = 'integer';
        else if (current === undefined && !composed) result.type = value as SchemaObject['type'];
        break;
      case 'minimum':
      case 'minLength':
      case 'minItems':
        result[key] = typeof current === 'number' ? Math.max(current, value as number) : value;
        break;
      case 'maximum':
      case 'maxLength':
      case 'maxItems':
        result[key] = typeof current === 'number' ? Math.min(current, value as number) : value;
        break;
      case 'enum':
        if (composed) break;
        result.enum = Array.isArray(current) ? current.filter((item) => (value as unknown[]).includes(item)) : (value as unknown[]);
        break;
      case 'pattern':
        if (current === undefined) result.pattern = value as string;
        else if (current !== value) result.allOf = [...((result.allOf as Schema[] | undefined) ?? []), { pattern: value as string }];
        break;
      case 'format':
        if (current === undefined) result.format = value as string;
        break;
      default:
        if (current === undefined) result[key] = value;
    }
  }
  return result;
}
