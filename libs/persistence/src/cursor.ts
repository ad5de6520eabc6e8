import { CommonError, CommonErrorCode, isIsoInstant } from '@itsm/contracts';
import { isUuid } from './name-uuid';

// The check lives in contracts, beside the `IsInstant` rule of date filters; persistence users keep importing it from here.
export { isIsoInstant };

/** The position after the last item of a page (its sort key and id), as an opaque URL-safe token. */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function invalidCursor(): CommonError {
  return new CommonError(CommonErrorCode.InvalidCursor, 'cursor is not valid', { errors: [{ field: 'cursor', message: 'must be a nextCursor returned by this list' }] });
}

/**
 * Reads a cursor made by {@link encodeCursor}; anything else is the client's error, named as field `cursor`.
 * `accept` checks the values before they reach a query (a cursor of another list or sort is refused too).
 */
export function decodeCursor(cursor: string, arity: number, accept: (values: unknown[]) => boolean = () => true): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity ||
    values.some((value) => value !== null && typeof value !== 'string' && typeof value !== 'number') ||
    !accept(values)
  ) {
    throw invalidCursor();
  }
  return values;
}

/** The cursor of a list ordered by an instant and then by id (newest or oldest first). */
export function encodeTimeCursor(at: Date, id: string): string {
  return encodeCursor([at.toISOString(), id]);
}

/** Reads a cursor made by {@link encodeTimeCursor}; anything else is refused as field `cursor`. */
export function decodeTimeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = decodeCursor(cursor, 2, ([a, i]) => isIsoInstant(a) && isUuid(i)) as [string, string];
  return { at, id };
}
