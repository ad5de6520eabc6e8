import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, ValidationError, type ValidatorOptions, ValidationTypes } from 'class-validator';
import type { FieldError } from './errors';
import type { ClassOf } from './message';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export interface FlattenOptions {
  /** What an unknown field is not, e.g. `a parameter of this route`; `a field of this message` by default. */
  unknownFieldIs?: string;
}

/** The rule class-validator reports for a field the class does not declare. */
const UNKNOWN_FIELD_RULE = 'whitelistValidation';

/** Rules on the kind of value a field takes: when one of them fails, the field's other rules are not worth saying. */
const TYPE_RULES: ReadonlySet<string> = new Set(['isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject', 'isDate', 'nestedValidation']);

/** Edits (insertions, deletions, substitutions, swaps of two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_value, j) => j)];
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const above = rows[i - 1] ?? [];
      let distance = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row[j] = distance;
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

/**
 * The known name a mistyped one most likely meant: one that starts with it or it starts with (`assignee` for
 * `assigneeId`), or one a few edits away (a third of its length at most); the nearest wins, the first declared
 * among equals. Undefined when nothing is close.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    const distance = editDistance(wanted, lower);
    const [shorter, longer] = wanted.length <= lower.length ? [wanted, lower] : [lower, wanted];
    const close = distance <= allowed || (shorter.length >= 3 && longer.startsWith(shorter));
    if (close && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** The fields a class declares (those validation lets through), in the order they are declared. */
function declaredFields(target: object | undefined): string[] {
  if (target === undefined || target === null) return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  return [...new Set(metadata.map((rule) => rule.propertyName))];
}

/**
 * One message for one field: an unknown field names the closest declared one; a missing field is "required"
 * whatever its other rules; a value of the wrong kind hears only that; otherwise the first rule it breaks, in the
 * order the class declares them (class-validator lists the last declared first).
 */
function messageOf(error: ValidationError, unknownFieldIs: string): string | undefined {
  const constraints = error.constraints ?? {};
  const broken = Object.keys(constraints);
  if (broken.length === 0) return undefined;
  if (UNKNOWN_FIELD_RULE in constraints) {
    const suggestion = closestName(error.property, declaredFields(error.target));
    return `${error.property} is not ${unknownFieldIs}${suggestion ? `; did you mean ${suggestion}?` : ''}`;
  }
  // `value` is absent when the caller asked class-validator not to keep values; then nothing is known to be missing.
  if ('value' in error && error.value === undefined && error.property) return `${error.property} is required`;
  const rule = broken.find((name) => TYPE_RULES.has(name)) ?? broken[broken.length - 1];
  return rule === undefined ? undefined : constraints[rule];
}

/** How deep objects and arrays may nest in any input; deeper input is refused before anything walks it. */
export const MAX_INPUT_DEPTH = 32;

/** NUL, or half of a UTF-16 surrogate pair without the other half: text that no column or JSON document can hold. */
// eslint-disable-next-line no-control-regex -- NUL is one of the characters this rule is about
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const UNSAFE_TEXT_RULE = 'must not contain NUL or unpaired surrogate characters';

/** True for text that any store can hold: no NUL, no unpaired surrogate. */
export function isSafeText(text: string): boolean {
  return !UNSAFE_TEXT.test(text);
}

/**
 * The rules every input obeys whatever its class (a body at any depth, map keys and values, array items, query
 * and path parameters): no string holds NUL or an unpaired surrogate, and objects and arrays nest at most
 * {@link MAX_INPUT_DEPTH} levels. `path` names the value (a parameter's name; empty for a whole body) and `noun`
 * what the whole value is called in a message. Nothing deeper than the limit is walked.
 */
export function inputProblems(value: unknown, path = '', noun = 'payload'): FieldError[] {
  const problems: FieldError[] = [];
  const walk = (current: unknown, field: string, depth: number): void => {
    if (typeof current === 'string') {
      if (!isSafeText(current)) problems.push({ field, message: `${field || noun} ${UNSAFE_TEXT_RULE}` });
      return;
    }
    if (current === null || typeof current !== 'object') return;
    if (depth > MAX_INPUT_DEPTH) {
      problems.push({ field: '', message: `${noun} must not nest objects and arrays deeper than ${MAX_INPUT_DEPTH} levels` });
      return;
    }
    for (const [key, child] of Object.entries(current)) {
      if (!isSafeText(key)) {
        problems.push({ field, message: `field names in ${field || noun} ${UNSAFE_TEXT_RULE}` });
        continue;
      }
      walk(child, field ? `${field}.${key}` : key, depth + 1);
    }
  };
  walk(value, path, 1);
  // One message per field, and the depth said once however many branches reach it.
  return problems.filter((problem, index) => problems.findIndex((other) => other.field === problem.field) === index);
}

/**
 * The properties a class declares that no conditional rule (`@IsOptional()`, `OptionalNotNull()`, `@ValidateIf`)
 * lets be absent. A property with no rule but `@Allow()` takes any JSON value, and JSON has no `undefined`, so its
 * absence is one of the values it takes.
 */
function requiredProperties(target: object): { required: string[]; nested: string[] } {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  const conditional = new Set(metadata.filter((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION).map((rule) => rule.propertyName));
  const declared = [...new Set(metadata.filter((rule) => rule.type !== ValidationTypes.WHITELIST).map((rule) => rule.propertyName))];
  const nested = [...new Set(metadata.filter((rule) => rule.type === ValidationTypes.NESTED_VALIDATION).map((rule) => rule.propertyName))];
  return { required: declared.filter((property) => !conditional.has(property)), nested };
}

function missingIn(instance: object, seen: Set<object>): ValidationError[] {
  if (seen.has(instance)) return [];
  seen.add(instance);
  const { required, nested } = requiredProperties(instance);
  const values = instance as Record<string, unknown>;
  const errors: ValidationError[] = [];
  for (const property of required) {
    if (values[property] !== undefined) continue;
    const error = new ValidationError();
    Object.assign(error, { target: instance, property, value: undefined, constraints: { isDefined: `${property} is required` }, children: [] });
    errors.push(error);
  }
  for (const property of nested) {
    const children = nestedMissing(values[property], seen);
    if (children.length === 0) continue;
    const error = new ValidationError();
    Object.assign(error, { target: instance, property, value: values[property], children });
    errors.push(error);
  }
  return errors;
}

function nestedMissing(value: unknown, seen: Set<object>): ValidationError[] {
  if (value === null || typeof value !== 'object') return [];
  // A container (array, map, plain object of `@ValidateNested({ each: true })`) is checked item by item.
  const entries: [string, unknown][] | undefined = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : value instanceof Map
      ? [...(value as Map<unknown, unknown>).entries()].map(([key, item]) => [String(key), item])
      : value.constructor === Object
        ? Object.entries(value)
        : undefined;
  if (entries === undefined) return missingIn(value, seen);
  return entries.flatMap(([key, item]) => {
    if (item === null || typeof item !== 'object') return [];
    const children = missingIn(item, seen);
    if (children.length === 0) return [];
    const error = new ValidationError();
    Object.assign(error, { target: value, property: key, value: item, children });
    return [error];
  });
}

/**
 * A property a class declares without a conditional rule is required whatever its other rules, even one that lets
 * `undefined` pass (`@ValidateNested()`): the errors, in class-validator's shape, of the required properties that an
 * instance (and every instance nested in it) leaves out.
 */
export function missingRequiredFields(instance: object): ValidationError[] {
  return missingIn(instance, new Set());
}

function flatten(errors: ValidationError[], parent: string, unknownFieldIs: string): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent && error.property ? `${parent}.${error.property}` : (error.property ?? parent);
    const message = messageOf(error, unknownFieldIs);
    return [...(message === undefined ? [] : [{ field, message }]), ...flatten(error.children ?? [], field, unknownFieldIs)];
  });
}

/**
 * Flattens class-validator's tree into `field.path: message` pairs, one message per field (see {@link messageOf}).
 * Keep `target` and `value` in the errors (class-validator's default): the unknown-field hint reads the class from
 * the target, the "required" message the value.
 */
export function flattenValidationErrors(errors: ValidationError[], options: FlattenOptions = {}): FieldError[] {
  const fields = flatten(errors, '', options.unknownFieldIs ?? 'a field of this message');
  return fields.filter((error, index) => fields.findIndex((other) => other.field === error.field) === index);
}

/** class-validator's errors of an instance, with those of the required properties it leaves out (see {@link missingRequiredFields}). */
async function validateInstance(instance: object, options: ValidatorOptions): Promise<ValidationError[]> {
  const errors = await validate(instance, options);
  return [...errors, ...missingRequiredFields(instance)];
}

/**
 * Checks a plain object against a declared message class, rejecting unknown fields, so that every side of
 * the bus applies the same rules as the gateway.
 */
export async function validatePayload<T extends object>(cls: ClassOf<T>, plain: unknown): Promise<ValidationResult<T>> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, errors: [{ field: '', message: 'payload must be a JSON object' }] };
  }
  const problems = inputProblems(plain);
  if (problems.length > 0) return { ok: false, errors: problems };
  const instance = plainToInstance(cls as new () => T, plain);
  const errors = await validateInstance(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length === 0 ? { ok: true, value: instance } : { ok: false, errors: flattenValidationErrors(errors) };
}
