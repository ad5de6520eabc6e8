/** What changes between two states of a CI, field by field, and how a partial change applies. */

/** The fields of a CI that changes are reported on (bookkeeping such as version and timestamps left out). */
export interface CiSnapshot {
  name: string | null;
  environment: string | null;
  status: string | null;
  criticality: number | null;
  ownerGroup: string | null;
  retiredAt?: string | null;
  identifiers: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

export interface CiFieldChangeLike {
  field: string;
  from: unknown;
  to: unknown;
}

/** A CI before it existed: diffing against it lists every field a new CI was given. */
export const NO_CI: CiSnapshot = { name: null, environment: null, status: null, criticality: null, ownerGroup: null, retiredAt: null, identifiers: {}, attributes: {} };

const TOP_FIELDS = ['name', 'environment', 'status', 'criticality', 'ownerGroup', 'retiredAt'] as const;

/** JSON with sorted keys: jsonb hands object keys back in its own order, so `{a,b}` and `{b,a}` are equal. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function diffMap(prefix: string, before: Record<string, unknown>, after: Record<string, unknown>): CiFieldChangeLike[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((key) => !sameJson(before[key], after[key]))
    .map((key) => ({ field: `${prefix}.${key}`, from: before[key] ?? null, to: after[key] ?? null }));
}

/**
 * The fields that differ: `name`, `environment`, `status`, `criticality`, `ownerGroup`, `retiredAt`, then
 * `identifiers.<key>` and `attributes.<key>` by key. A key that is missing reads as null.
 */
export function diffCi(before: CiSnapshot, after: CiSnapshot): CiFieldChangeLike[] {
  const top = TOP_FIELDS.filter((field) => !sameJson(before[field], after[field])).map((field) => ({ field, from: before[field] ?? null, to: after[field] ?? null }));
  return [...top, ...diffMap('identifiers', before.identifiers, after.identifiers), ...diffMap('attributes', before.attributes, after.attributes)];
}

/** `patch` laid over `existing`: each given key is set, a null value removes the key; keys not given stay. */
export function mergeMap(existing: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...existing };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/**
 * Sources after a change: each changed field now belongs to `source`; a field whose value was removed loses
 * its entry (nobody asserts it any more).
 */
export function nextSources(sources: Record<string, string>, changes: readonly CiFieldChangeLike[], source: string): Record<string, string> {
  const next = { ...sources };
  for (const change of changes) {
    if (change.field === 'retiredAt') continue;
    if (change.to === null && (change.field.startsWith('attributes.') || change.field.startsWith('identifiers.'))) delete next[change.field];
    else next[change.field] = source;
  }
  return next;
}
