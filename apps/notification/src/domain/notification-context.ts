/** What templates and conditions see of an event: its envelope, the ticket it is about, and its payload. */
import type { CloudEvent } from '@itsm/contracts';
import { parseEventType } from './event-patterns';

export interface TicketFields {
  type: 'incident' | 'request' | null;
  id: string | null;
  number: string | null;
  title: string | null;
  state: string | null;
  priority: string | null;
  assignmentGroup: string | null;
  assigneeId: string | null;
  callerId: string | null;
  serviceId: string | null;
  category: string | null;
  major: boolean | null;
  /** Reserved: no event carries a link to the ticket yet. */
  url?: never;
}

export interface NotificationContext {
  event: { id: string; type: string; time: string; subject: string; source: string };
  ticket: TicketFields;
  data: Record<string, unknown>;
}

export const TICKET_FIELDS: readonly (keyof TicketFields)[] = [
  'type',
  'id',
  'number',
  'title',
  'state',
  'priority',
  'assignmentGroup',
  'assigneeId',
  'callerId',
  'serviceId',
  'category',
  'major',
];

/** The event fields templates may use. */
export const EVENT_FIELDS: readonly (keyof NotificationContext['event'])[] = ['id', 'type', 'time', 'subject', 'source'];

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const ticketType = (value: unknown): TicketFields['type'] => (value === 'incident' || value === 'request' ? value : null);

export function noTicket(): TicketFields {
  return {
    type: null,
    id: null,
    number: null,
    title: null,
    state: null,
    priority: null,
    assignmentGroup: null,
    assigneeId: null,
    callerId: null,
    serviceId: null,
    category: null,
    major: null,
  };
}

/**
 * Incident events carry the incident whole as `incident`, except `created` (the payload is the incident) and
 * `comment_added` (a few fields of it beside the comment); reading `incident` when present and the payload
 * otherwise covers all three, and the first two name the id differently.
 */
function incidentTicket(data: Json): TicketFields {
  const incident = isRecord(data['incident']) ? data['incident'] : data;
  return {
    type: 'incident',
    id: text(incident['id']) ?? text(incident['incidentId']),
    number: text(incident['number']),
    title: text(incident['title']),
    state: text(incident['state']),
    priority: text(incident['priority']),
    assignmentGroup: text(incident['assignmentGroup']),
    assigneeId: text(incident['assigneeId']),
    callerId: text(incident['callerId']),
    serviceId: text(incident['serviceId']),
    category: text(incident['category']),
    major: flag(incident['major']),
  };
}

/** `request_submitted` carries the request snapshot (`id`, `state`), the others `requestId` and, on moves, `to`. */
function requestTicket(data: Json): TicketFields {
  return {
    ...noTicket(),
    type: 'request',
    id: text(data['requestId']) ?? text(data['id']),
    number: text(data['number']),
    title: text(data['itemName']),
    state: text(data['state']) ?? text(data['to']),
    callerId: text(data['requesterId']),
  };
}

/** SLA events name the ticket their clock runs for, nothing more of it. */
function slaTicket(data: Json): TicketFields {
  return { ...noTicket(), type: ticketType(data['ticketType']), id: text(data['ticketId']), number: text(data['ticketNumber']) };
}

function ticketOf(type: string, data: Json): TicketFields {
  const parts = parseEventType(type);
  if (parts?.domain === 'incident') return parts.name.startsWith('request_') ? requestTicket(data) : incidentTicket(data);
  if (parts?.domain === 'sla') return slaTicket(data);
  return noTicket();
}

export function contextOf(event: CloudEvent<unknown>): NotificationContext {
  const data = isRecord(event.data) ? event.data : {};
  return {
    event: { id: event.id, type: event.type, time: event.time, subject: event.subject, source: event.source },
    ticket: ticketOf(event.type, data),
    data,
  };
}

/** Keys of payloads that hold what only the people working a ticket may read. */
const INTERNAL_KEYS: ReadonlySet<string> = new Set(['workNotes', 'internal']);

const isInternalEntry = (value: unknown): boolean => isRecord(value) && value['visibility'] !== undefined && value['visibility'] !== 'public';

function withoutInternal(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => !isInternalEntry(item)).map(withoutInternal);
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (INTERNAL_KEYS.has(key) || isInternalEntry(child)) continue;
    copy[key] = withoutInternal(child);
  }
  return copy;
}

/**
 * The context as a requester (the caller) may see it, or null for an event they must never be told about: a
 * comment that is not public, i.e. a work note. Anything else internal (`workNotes`, `internal`, entries whose
 * `visibility` is not `public`) is removed from a copy of the payload.
 */
export function forRequester(context: NotificationContext): NotificationContext | null {
  const comment = context.data['comment'];
  // Only an explicitly public comment goes out: a missing or unknown visibility is treated as a work note.
  const aboutComment = parseEventType(context.event.type)?.name.endsWith('comment_added') ?? false;
  if (aboutComment && !(isRecord(comment) && comment['visibility'] === 'public')) return null;
  if (isInternalEntry(comment)) return null;
  return { event: { ...context.event }, ticket: { ...context.ticket }, data: withoutInternal(context.data) as Record<string, unknown> };
}
