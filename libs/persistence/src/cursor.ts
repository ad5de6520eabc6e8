import { DomainError, ErrorCode } from '@itsm/contracts';

/** The position after the last item of a page (its sort key and id), as an opaque URL-safe token. */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor}; anything else is the client's error, named as field `cursor`.
 * `accept` checks the values before they reach a query (a cursor of another list or sort is refused too).
 */
export function decodeCursor(cursor: string, arity: number, accept: (values: unknown[]) => boolean = () => true): unknown[] {
  const invalid = new DomainError(ErrorCode.VALIDATION, 'cursor is not valid', { errors: [{ field: 'cursor', message: 'must be a nextCursor returned by this list' }] });
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity ||
    values.some((value) => value !== null && typeof value !== 'string' && typeof value !== 'number') ||
    !accept(values)
  ) {
    throw invalid;
  }
  return values;
}
