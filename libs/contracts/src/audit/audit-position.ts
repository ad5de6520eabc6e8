import { CommonError, CommonErrorCode } from '../errors';
import { isIsoInstant } from '../field-rules';

/** Where a page of one service's audit trail ends: the time and number of its last entry (the keyset of the list). */
export interface AuditPosition {
  at: string;
  id: string;
}

const ENTRY_NUMBER = /^[1-9][0-9]{0,18}$/;

/** The `cursor` that asks a service's audit list for the entries after (older than) this one. */
export function encodeAuditPosition(position: AuditPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

/** True for a position as {@link encodeAuditPosition} writes it: an instant in UTC and an entry number. */
export function isAuditPosition(values: unknown): values is [string, string] {
  return Array.isArray(values) && values.length === 2 && isIsoInstant(values[0]) && typeof values[1] === 'string' && ENTRY_NUMBER.test(values[1]);
}

/** Reads a cursor of a service's audit list; anything else is refused as field `cursor`. */
export function decodeAuditPosition(cursor: string): AuditPosition {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (!isAuditPosition(values)) {
    throw new CommonError(CommonErrorCode.InvalidCursor, 'cursor is not valid', { errors: [{ field: 'cursor', message: 'must be a nextCursor returned by this list' }] });
  }
  return { at: values[0], id: values[1] };
}

/** Refuses a period that ends before it starts (`to` not after `from`), naming `to`: a check across two fields. */
export function assertAuditPeriod(query: { from?: string; to?: string }): void {
  if (query.from !== undefined && query.to !== undefined && Date.parse(query.to) <= Date.parse(query.from)) {
    throw new CommonError(CommonErrorCode.InvalidRequest, 'request is not valid', { errors: [{ field: 'to', message: 'to must be after from' }] });
  }
}
