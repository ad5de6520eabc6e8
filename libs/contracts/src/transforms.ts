import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/** `?state=new,on_hold` or `?state=new&state=on_hold` → `['new', 'on_hold']`. */
export function CommaList(map: (part: string) => unknown = (part) => part): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    const parts = Array.isArray(value) ? value.flatMap((v) => String(v).split(',')) : typeof value === 'string' ? value.split(',') : value;
    return Array.isArray(parts) ? parts.map((part) => (typeof part === 'string' ? map(part.trim()) : part)) : parts;
  });
}

/** `?major=true|false` → boolean; anything else is left for the validator to refuse. */
export function QueryBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));
}

/**
 * The field may be left out, but not set to `null` (class-validator's `IsOptional` lets null through, which
 * suits only fields that may be cleared).
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
