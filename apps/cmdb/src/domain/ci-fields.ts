import { CI_CLASS_NAME, CI_IDENTIFIER_KEYS, CiStatus, ENVIRONMENT, type FieldError } from '@itsm/contracts';

/** The fields of a CI other than attributes, as a writer receives them (from the API or from an import). */
export interface CiFieldValues {
  className?: string | null;
  name?: string | null;
  environment?: string | null;
  status?: string;
  criticality?: number;
  ownerGroup?: string | null;
  identifiers?: Record<string, unknown>;
}

export type RequiredCiField = 'className' | 'name' | 'environment';

/** What a new CI cannot do without. */
export const NEW_CI_REQUIRED: readonly RequiredCiField[] = ['className', 'name', 'environment'];

const STATUSES: readonly string[] = Object.values(CiStatus);
const IDENTIFIER_KEYS: readonly string[] = CI_IDENTIFIER_KEYS;

/**
 * What is wrong with the given fields: each of `required` that is missing (or null) "is required", and each
 * field given must be well formed. The RPC contracts check the same for requests; writers check again because
 * imports reach them with rows of their own.
 */
export function checkCiFields(values: CiFieldValues, required: readonly RequiredCiField[] = []): FieldError[] {
  const errors: FieldError[] = [];
  const check = (field: RequiredCiField, wellFormed: (value: unknown) => boolean, message: string): void => {
    const value = values[field];
    if (value === undefined || (value === null && required.includes(field))) {
      if (required.includes(field)) errors.push({ field, message: 'is required' });
    } else if (!wellFormed(value)) {
      errors.push({ field, message });
    }
  };
  check('className', (value) => typeof value === 'string' && CI_CLASS_NAME.test(value), 'must be a CI class name (lower case, digits, _)');
  check('name', (value) => typeof value === 'string' && value.trim().length > 0 && value.length <= 200, 'must be 1 to 200 characters');
  check('environment', (value) => typeof value === 'string' && ENVIRONMENT.test(value), 'must be a lower-case environment name such as prod');
  if (values.status !== undefined && !STATUSES.includes(values.status)) errors.push({ field: 'status', message: `must be one of ${STATUSES.join(', ')}` });
  if (values.criticality !== undefined && !(Number.isInteger(values.criticality) && values.criticality >= 1 && values.criticality <= 4)) {
    errors.push({ field: 'criticality', message: 'must be 1, 2, 3 or 4' });
  }
  if (values.ownerGroup !== undefined && values.ownerGroup !== null && (values.ownerGroup.length === 0 || values.ownerGroup.length > 100)) {
    errors.push({ field: 'ownerGroup', message: 'must be 1 to 100 characters' });
  }
  for (const [key, value] of Object.entries(values.identifiers ?? {})) {
    if (!IDENTIFIER_KEYS.includes(key)) errors.push({ field: `identifiers.${key}`, message: `is not an identifier; identifiers are ${IDENTIFIER_KEYS.join(', ')}` });
    else if (value !== null && value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > 500)) {
      errors.push({ field: `identifiers.${key}`, message: 'must be a non-empty string' });
    }
  }
  return errors;
}
