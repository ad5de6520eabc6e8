import { CI_IDENTIFIER_KEYS, type FieldError } from '@itsm/contracts';

const KEYS: readonly string[] = CI_IDENTIFIER_KEYS;

/**
 * What is wrong with the identification rules of a class: each set is 1 to 6 distinct identifier keys, and no
 * set repeats an earlier one (it could never match anything the earlier one did not).
 */
export function checkIdentificationRules(rules: readonly unknown[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  rules.forEach((set, index) => {
    const field = `identificationRules.${index}`;
    if (!Array.isArray(set) || set.length === 0 || set.length > KEYS.length) {
      errors.push({ field, message: `must list 1 to ${KEYS.length} identifiers` });
      return;
    }
    set.forEach((key: unknown, position) => {
      if (typeof key !== 'string' || !KEYS.includes(key)) errors.push({ field: `${field}.${position}`, message: `must be one of ${KEYS.join(', ')}` });
    });
    if (new Set(set).size !== set.length) errors.push({ field, message: 'names an identifier twice' });
    const key = [...set].map(String).sort().join(',');
    if (seen.has(key)) errors.push({ field, message: 'repeats an earlier identifier set' });
    seen.add(key);
  });
  return errors;
}
