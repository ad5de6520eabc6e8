import fc from 'fast-check';
import {
  AllEvents,
  ApprovalType,
  Channel,
  type CloudEvent,
  CommentVisibility,
  Impact,
  IncidentState,
  type IncidentView,
  Priority,
  RequestState,
  Urgency,
} from '@itsm/contracts';
import { contextOf, forRequester, type NotificationContext, TICKET_FIELDS, type TicketFields } from './notification-context';

const INCIDENT_ID = '0b6e3f4a-52c1-4c47-9a55-3d8e2f1a7c10';
const REQUEST_ID = '5d2c8e1b-7a34-4f0e-8b6d-9c1a2e3f4b50';
const ITEM_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const SERVICE_ID = '3f1c0a52-7d0e-4d8e-bb0f-6a1f4c2e9a10';

function buildIncident(overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    id: INCIDENT_ID,
    number: 'INC0001042',
    title: 'VPN drops every 10 minutes',
    description: 'Since the client update.',
    category: 'network',
    subcategory: 'vpn',
    impact: Impact.Medium,
    urgency: Urgency.High,
    priority: Priority.P2,
    priorityOverridden: false,
    state: IncidentState.InProgress,
    holdReason: null,
    resolutionCode: null,
    resolutionNotes: null,
    callerId: 'alice',
    callerName: 'Alice Smith',
    openedById: 'alice',
    channel: Channel.Portal,
    assignmentGroup: 'network',
    assigneeId: 'bob',
    reassignmentCount: 0,
    serviceId: SERVICE_ID,
    ciIds: [],
    major: false,
    parentId: null,
    problemId: null,
    changeIds: [],
    suggestedArticles: [],
    mergedIntoId: null,
    reopenCount: 0,
    openedAt: '2026-03-02T08:00:00.000Z',
    respondedAt: null,
    resolvedAt: null,
    closedAt: null,
    createdAt: '2026-03-02T08:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    version: 3,
    ...overrides,
  };
}

function buildEvent(type: string, data: unknown, overrides: Partial<CloudEvent<unknown>> = {}): CloudEvent<unknown> {
  const domain = type.split('.')[1] ?? 'unknown';
  return {
    specversion: '1.0',
    id: '7e0c5c2a-1f4b-4d7e-9a8b-6c5d4e3f2a10',
    source: `itsm/${domain}`,
    type,
    subject: INCIDENT_ID,
    time: '2026-03-02T09:00:00.000Z',
    datacontenttype: 'application/json',
    correlationid: 'corr-1',
    data,
    ...overrides,
  };
}

function buildComment(visibility: CommentVisibility) {
  return {
    incidentId: INCIDENT_ID,
    number: 'INC0001042',
    callerId: 'alice',
    assignmentGroup: 'network',
    assigneeId: 'bob',
    comment: {
      id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
      incidentId: INCIDENT_ID,
      body: 'Restarted the concentrator.',
      visibility,
      authorId: 'bob',
      authorName: 'Bob Jones',
      createdAt: '2026-03-02T09:00:00.000Z',
    },
  };
}

const ticketOf = (type: string, data: unknown): TicketFields => contextOf(buildEvent(type, data)).ticket;

describe('notification context', () => {
  it('carries the envelope fields templates may name, and the payload as data', () => {
    const data = { incident: buildIncident() };
    const context: NotificationContext = contextOf(buildEvent('itsm.incident.assigned.v1', data));
    expect(context.event).toEqual({
      id: '7e0c5c2a-1f4b-4d7e-9a8b-6c5d4e3f2a10',
      type: 'itsm.incident.assigned.v1',
      time: '2026-03-02T09:00:00.000Z',
      subject: INCIDENT_ID,
      source: 'itsm/incident',
    });
    expect(context.data).toBe(data);
  });

  describe('incident events', () => {
    it('reads the ticket from the incident an event carries', () => {
      expect(ticketOf('itsm.incident.state_changed.v1', { incident: buildIncident(), from: 'new', to: 'in_progress' })).toEqual({
        type: 'incident',
        id: INCIDENT_ID,
        number: 'INC0001042',
        title: 'VPN drops every 10 minutes',
        state: 'in_progress',
        priority: 'P2',
        assignmentGroup: 'network',
        assigneeId: 'bob',
        callerId: 'alice',
        serviceId: SERVICE_ID,
        category: 'network',
        major: false,
      });
    });

    it('reads the ticket from the payload itself on incident.created', () => {
      const ticket = ticketOf('itsm.incident.created.v1', buildIncident({ major: true, state: IncidentState.New }));
      expect(ticket).toMatchObject({ type: 'incident', id: INCIDENT_ID, number: 'INC0001042', state: 'new', major: true });
    });

    it('reads what incident.comment_added carries and leaves the rest null', () => {
      expect(ticketOf('itsm.incident.comment_added.v1', buildComment(CommentVisibility.Public))).toEqual({
        type: 'incident',
        id: INCIDENT_ID,
        number: 'INC0001042',
        title: null,
        state: null,
        priority: null,
        assignmentGroup: 'network',
        assigneeId: 'bob',
        callerId: 'alice',
        serviceId: null,
        category: null,
        major: null,
      });
    });
  });

  describe('request events', () => {
    it('reads the submitted request snapshot, its item name as title and its requester as caller', () => {
      const snapshot = {
        id: REQUEST_ID,
        number: 'REQ0001001',
        itemId: ITEM_ID,
        itemName: 'New laptop',
        itemVersion: 1,
        requesterId: 'alice',
        requesterName: 'Alice Smith',
        managerId: 'mallory',
        answers: { laptopModel: 'developer-16' },
        approval: { type: ApprovalType.Manager },
        state: RequestState.Submitted,
        createdAt: '2026-03-02T08:00:00.000Z',
        updatedAt: '2026-03-02T08:00:00.000Z',
        version: 1,
      };
      expect(ticketOf('itsm.incident.request_submitted.v1', snapshot)).toEqual({
        type: 'request',
        id: REQUEST_ID,
        number: 'REQ0001001',
        title: 'New laptop',
        state: 'submitted',
        priority: null,
        assignmentGroup: null,
        assigneeId: null,
        callerId: 'alice',
        serviceId: null,
        category: null,
        major: null,
      });
    });

    it('takes the state a request moved to on request_state_changed', () => {
      const data = { requestId: REQUEST_ID, number: 'REQ0001001', itemId: ITEM_ID, requesterId: 'alice', from: 'approved', to: 'in_fulfillment', changedBy: 'sam', reason: null, version: 4 };
      expect(ticketOf('itsm.incident.request_state_changed.v1', data)).toMatchObject({ type: 'request', id: REQUEST_ID, state: 'in_fulfillment', callerId: 'alice', title: null });
    });

    it('has no title when the event does not name the item', () => {
      const data = { requestId: REQUEST_ID, number: 'REQ0001001', itemId: ITEM_ID, requesterId: 'alice', fulfilledBy: 'sam', tasksCompleted: 2 };
      expect(ticketOf('itsm.incident.request_fulfilled.v1', data)).toMatchObject({ type: 'request', number: 'REQ0001001', title: null, state: null });
    });
  });

  describe('SLA events', () => {
    it('names the ticket the clock runs for and nothing more of it', () => {
      const data = { clockId: 'c1', policyId: 'p1', policyName: 'P1 incidents', kind: 'sla', ticketType: 'request', ticketId: REQUEST_ID, ticketNumber: 'REQ0001001', metric: 'resolution', targetSeconds: 3600, dueAt: '2026-03-02T10:00:00.000Z', elapsedSeconds: 3601 };
      expect(ticketOf('itsm.sla.breached.v1', data)).toEqual({
        type: 'request',
        id: REQUEST_ID,
        number: 'REQ0001001',
        title: null,
        state: null,
        priority: null,
        assignmentGroup: null,
        assigneeId: null,
        callerId: null,
        serviceId: null,
        category: null,
        major: null,
      });
    });

    it('leaves the number null when a warning comes without one', () => {
      expect(ticketOf('itsm.sla.warning.v1', { ticketType: 'incident', ticketId: INCIDENT_ID }).number).toBeNull();
    });
  });

  describe('as a requester sees it', () => {
    it('withholds a work note, and passes a public comment on', () => {
      expect(forRequester(contextOf(buildEvent('itsm.incident.comment_added.v1', buildComment(CommentVisibility.Internal))))).toBeNull();
      const comment = contextOf(buildEvent('itsm.incident.comment_added.v1', buildComment(CommentVisibility.Public)));
      expect(forRequester(comment)).toEqual(comment);
    });

    it('keeps the ticket fields of other events', () => {
      const context = contextOf(buildEvent('itsm.incident.state_changed.v1', { incident: buildIncident(), from: 'new', to: 'in_progress' }));
      expect(forRequester(context)?.ticket).toEqual(context.ticket);
    });
  });

  it('has no ticket for events of other domains', () => {
    const ticket = ticketOf('itsm.cmdb.ci_created.v1', { ci: { id: 'ci-1', name: 'core-switch-1', state: 'operational' } });
    for (const field of TICKET_FIELDS) expect(ticket[field]).toBeNull();
  });

  it('lists every ticket field once', () => {
    const keys = Object.keys(ticketOf('itsm.cmdb.ci_created.v1', {})).sort();
    expect([...TICKET_FIELDS].sort()).toEqual(keys);
  });

  it('gives null, never undefined or another type, for any payload of any declared event', () => {
    const types = AllEvents.map((event) => event.type);
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.anything(), (type, data) => {
        const context = contextOf(buildEvent(type, data));
        return TICKET_FIELDS.every((field) => {
          const value = context.ticket[field];
          if (value === null) return true;
          return field === 'major' ? typeof value === 'boolean' : typeof value === 'string';
        });
      }),
    );
  });
});
