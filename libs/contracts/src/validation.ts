import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { FieldError } from './errors';
import type { ClassOf } from './message';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Flattens class-validator's tree into `field.path: message` pairs. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
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
