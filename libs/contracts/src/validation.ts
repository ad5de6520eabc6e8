import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, type ValidationError } from 'class-validator';
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
  return flatten(errors, '', options.unknownFieldIs ?? 'a field of this message');
}

/**
 * Checks a plain object against a declared message class, rejecting unknown fields, so that every side of
 * the bus applies the same rules as the gateway.
 */
export async function validatePayload<T extends object>(cls: ClassOf<T>, plain: unknown): Promise<ValidationResult<T>> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, errors: [{ field: '', message: 'payload must be a JSON object' }] };
  }
  const instance = plainToInstance(cls as new () => T, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length === 0 ? { ok: true, value: instance } : { ok: false, errors: flattenValidationErrors(errors) };
}
