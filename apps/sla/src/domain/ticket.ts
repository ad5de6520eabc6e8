import { IncidentState, type IncidentView, type Priority, RequestState, type RequestStateChangedV1, type SlaTicketType } from '@itsm/contracts';

/**
 * What the SLA rules need to know of a ticket at one version: taken from the incident in each incident event,
 * or from a request's state change. Clocks are a function of the ordered list of these.
 */
export interface TicketSnapshot {
  type: SlaTicketType;
  id: string;
  number: string;
  /** The ticket's own version: snapshots are applied in this order, and one version is applied once. */
  version: number;
  /** When the change happened (epoch ms). */
  at: number;
  state: string;
  holdReason: string | null;
  priority: Priority | null;
  assignmentGroup: string | null;
  assigneeId: string | null;
  serviceId: string | null;
  ciIds: string[];
  category: string | null;
  catalogItemId: string | null;
  callerId: string;
  callerGroups: string[];
  major: boolean;
  /** An agent has responded (assignee set, work started or a comment to the caller; for requests: fulfillment started). */
  responded: boolean;
}

/** `open`: clocks run; `resolved`: resolution (and response) clocks stop; `void`: every clock is canceled. */
export type TicketPhase = 'open' | 'resolved' | 'void';

const INCIDENT_PHASES: Record<string, TicketPhase> = {
  [IncidentState.New]: 'open',
  [IncidentState.InProgress]: 'open',
  [IncidentState.OnHold]: 'open',
  [IncidentState.Resolved]: 'resolved',
  [IncidentState.Closed]: 'resolved',
  [IncidentState.Canceled]: 'void',
  [IncidentState.Merged]: 'void',
};

const REQUEST_PHASES: Record<string, TicketPhase> = {
  [RequestState.Submitted]: 'open',
  [RequestState.AwaitingApproval]: 'open',
  [RequestState.Approved]: 'open',
  [RequestState.InFulfillment]: 'open',
  [RequestState.Fulfilled]: 'resolved',
  [RequestState.Closed]: 'resolved',
  [RequestState.Rejected]: 'void',
  [RequestState.Canceled]: 'void',
};

export function phaseOf(ticket: Pick<TicketSnapshot, 'type' | 'state'>): TicketPhase {
  return (ticket.type === 'incident' ? INCIDENT_PHASES : REQUEST_PHASES)[ticket.state] ?? 'open';
}

/** States a pause condition may name, per ticket type. */
export const TICKET_STATES: Readonly<Record<SlaTicketType, readonly string[]>> = {
  incident: Object.keys(INCIDENT_PHASES),
  request: Object.keys(REQUEST_PHASES),
};

/** The snapshot in an incident event (every incident event but `comment_added` carries the incident). */
export function incidentSnapshot(incident: IncidentView): TicketSnapshot {
  return {
    type: 'incident',
    id: incident.id,
    number: incident.number,
    version: incident.version,
    at: Date.parse(incident.updatedAt),
    state: incident.state,
    holdReason: incident.holdReason,
    priority: incident.priority,
    assignmentGroup: incident.assignmentGroup,
    assigneeId: incident.assigneeId,
    serviceId: incident.serviceId,
    ciIds: [...incident.ciIds],
    category: incident.category,
    catalogItemId: null,
    callerId: incident.callerId,
    callerGroups: [...(incident.callerGroups ?? [])],
    major: incident.major,
    responded: incident.respondedAt !== null,
  };
}

const REQUEST_RESPONDED: readonly string[] = [RequestState.InFulfillment, RequestState.Fulfilled, RequestState.Closed];

/** The snapshot a request state change gives; `at` is the event's time (the request's `updatedAt`). */
export function requestSnapshot(change: RequestStateChangedV1, at: string): TicketSnapshot {
  return {
    type: 'request',
    id: change.requestId,
    number: change.number,
    version: change.version,
    at: Date.parse(at),
    state: change.to,
    holdReason: null,
    priority: null,
    assignmentGroup: null,
    assigneeId: null,
    serviceId: null,
    ciIds: [],
    category: null,
    catalogItemId: change.itemId,
    callerId: change.requesterId,
    callerGroups: [...(change.requesterGroups ?? [])],
    major: false,
    responded: REQUEST_RESPONDED.includes(change.to),
  };
}
