import { randomUUID } from 'node:crypto';
import { Channel, type CreateIncidentDto, Impact, IncidentState, type IncidentView, Priority, Urgency } from '@itsm/contracts';

let counter = 0;

export function buildCreateIncident(overrides: Partial<CreateIncidentDto> = {}): CreateIncidentDto {
  counter += 1;
  return {
    title: `Printer on floor ${counter} jams`,
    description: 'Every print job stops after the first page.',
    impact: Impact.Medium,
    urgency: Urgency.High,
    ...overrides,
  };
}

let sequence = 1_000;

/** An incident as the API and events show it, for tests that need one without the service. */
export function buildIncidentView(overrides: Partial<IncidentView> = {}): IncidentView {
  sequence += 1;
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    number: `INC${String(sequence).padStart(7, '0')}`,
    title: 'VPN drops every 10 minutes',
    description: null,
    category: null,
    subcategory: null,
    impact: Impact.Medium,
    urgency: Urgency.High,
    priority: Priority.P2,
    priorityOverridden: false,
    state: IncidentState.New,
    holdReason: null,
    resolutionCode: null,
    resolutionNotes: null,
    callerId: 'alice',
    callerName: 'Alice Smith',
    openedById: 'alice',
    channel: Channel.Api,
    assignmentGroup: null,
    assigneeId: null,
    reassignmentCount: 0,
    serviceId: null,
    ciIds: [],
    major: false,
    parentId: null,
    problemId: null,
    changeIds: [],
    suggestedArticles: [],
    mergedIntoId: null,
    reopenCount: 0,
    openedAt: now,
    respondedAt: null,
    resolvedAt: null,
    closedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...overrides,
  };
}
