import { type IncidentView, KnowledgeTicketType, type ServiceRequestSnapshot } from '@itsm/contracts';

/** What suggestions are computed from: one version of a ticket, whichever service keeps it. */
export interface TicketText {
  ticketType: KnowledgeTicketType;
  ticketId: string;
  ticketNumber: string;
  ticketVersion: number;
  /** Title and description (for a request: the catalog item's name and the answers written as text). */
  text: string;
  category: string | null;
  ciIds: string[];
}

/** The incident fields suggestions are computed from; an update touching none of them leaves them as they are. */
export const SUGGESTION_FIELDS: readonly string[] = ['title', 'description', 'category', 'subcategory', 'ciIds'];

export function incidentText(incident: IncidentView): TicketText {
  return {
    ticketType: KnowledgeTicketType.Incident,
    ticketId: incident.id,
    ticketNumber: incident.number,
    ticketVersion: incident.version,
    text: [incident.title, incident.description ?? ''].join('\n').trim(),
    category: incident.category,
    ciIds: incident.ciIds,
  };
}

/** A request's words: the item's name and every answer that is text (numbers, flags and choices of ids say little). */
export function requestText(request: ServiceRequestSnapshot): TicketText {
  const answers = Object.values(request.answers).filter((answer): answer is string => typeof answer === 'string');
  return {
    ticketType: KnowledgeTicketType.Request,
    ticketId: request.id,
    ticketNumber: request.number,
    ticketVersion: request.version,
    text: [request.itemName, ...answers].join('\n').trim(),
    category: null,
    ciIds: [],
  };
}
