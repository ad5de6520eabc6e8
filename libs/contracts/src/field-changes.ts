/** What changed between two snapshots of a record (as it was and as it is), for the events and the history of every record type. */
export interface FieldChangeLike {
  field: string;
  from: unknown;
  to: unknown;
}

/** Bookkeeping fields that change with every write and say nothing about the record. */
const IGNORED = new Set(['version', 'updatedAt']);

/** JSON with sorted keys and undefined read as null at every depth: jsonb hands keys back in its own order. */
function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value as object)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined && (value as Record<string, unknown>)[key] !== null)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** The fields whose values differ between two snapshots of a record, in the order of the later one. */
export function diffFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): FieldChangeLike[] {
  if (!after) return [];
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before ?? {})])];
  return keys
    .filter((key) => !IGNORED.has(key) && !same(before?.[key] ?? null, after[key] ?? null))
    .map((field) => ({ field, from: before?.[field] ?? null, to: after[field] ?? null }));
}
