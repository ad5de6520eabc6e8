/** The audit trail across services: the order of a merged page and the cursor that remembers each service's place. */
import { AUDITED_SERVICES, type AuditedService, type AuditEntryView, type AuditPage, type AuditPosition, CommonError, CommonErrorCode, isAuditPosition } from '@itsm/contracts';

/**
 * Where the merged trail stands in each service's: the last entry taken from it, `null` once every entry it has was
 * taken, absent while none was (the service is read from its newest entry).
 */
export type AuditTrailPositions = Partial<Record<AuditedService, AuditPosition | null>>;

/** One service's answer to the page being merged, asked from its position. */
export interface ServiceAuditPage {
  service: AuditedService;
  page: AuditPage;
}

/** Entry numbers compared as the numbers they are (a bigserial may outgrow 2^53). */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Newest first: by time (services write `at` in one fixed UTC format to the microsecond, so text order is time
 * order), then by service name, then by entry number, newest first. A total order: entries written in the same
 * microsecond by two services are always in the same order, so no cursor splits them differently.
 */
export function compareAuditEntries(a: AuditEntryView, b: AuditEntryView): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.service !== b.service) return a.service < b.service ? -1 : 1;
  return -compareIds(a.id, b.id);
}

/**
 * The first `limit` entries of the services' pages together, and the positions after them. Each service was asked
 * for `limit` entries after its own position, so the first `limit` of all of them are the next `limit` of the trail.
 */
export function mergeAuditPages(limit: number, previous: AuditTrailPositions, pages: readonly ServiceAuditPage[]): { items: AuditEntryView[]; positions: AuditTrailPositions } {
  const items = pages.flatMap(({ page }) => page.items).sort(compareAuditEntries).slice(0, limit);
  const positions: AuditTrailPositions = { ...previous };
  for (const { service, page } of pages) {
    const taken = items.filter((item) => item.service === service);
    const last = taken[taken.length - 1];
    if (taken.length === page.items.length && page.nextCursor === null) positions[service] = null;
    else if (last) positions[service] = { at: last.at, id: last.id };
  }
  return { items, positions };
}

/** The services that may still have entries after these positions. */
export function servicesToAsk(positions: AuditTrailPositions): AuditedService[] {
  return AUDITED_SERVICES.filter((service) => positions[service] !== null);
}

/** The `nextCursor` of a merged page: null once every service's trail was read to its end. */
export function encodeAuditTrailCursor(positions: AuditTrailPositions): string | null {
  if (servicesToAsk(positions).length === 0) return null;
  const body: Record<string, [string, string] | null> = {};
  for (const service of AUDITED_SERVICES) {
    const position = positions[service];
    if (position !== undefined) body[service] = position === null ? null : [position.at, position.id];
  }
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function invalidCursor(): CommonError {
  return new CommonError(CommonErrorCode.InvalidCursor, 'cursor is not valid', { errors: [{ field: 'cursor', message: 'must be a nextCursor returned by this list' }] });
}

/** Reads a cursor made by {@link encodeAuditTrailCursor}; anything else (edited, truncated, of another list) is refused as field `cursor`. */
export function decodeAuditTrailCursor(cursor: string): AuditTrailPositions {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidCursor();
  const positions: AuditTrailPositions = {};
  for (const [service, value] of Object.entries(body)) {
    if (!(AUDITED_SERVICES as readonly string[]).includes(service)) throw invalidCursor();
    if (value === null) positions[service as AuditedService] = null;
    else if (isAuditPosition(value)) positions[service as AuditedService] = { at: value[0], id: value[1] };
    else throw invalidCursor();
  }
  if (servicesToAsk(positions).length === 0) throw invalidCursor();
  return positions;
}
