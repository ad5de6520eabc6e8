import { randomUUID } from 'node:crypto';
import { Impact, IncidentState, type IncidentView, Priority, Urgency } from '@itsm/contracts';

let sequence = 1_000;

export function incidentViewFactory(overrides: Partial<IncidentView> = {}): IncidentView {
  sequence += 1;
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    number: `INC000${sequence}`,
    title: 'VPN drops every 10 minutes',
    description: null,
    impact: Impact.Medium,
    urgency: Urgency.High,
    priority: Priority.High,
    state: IncidentState.New,
    requesterId: 'alice',
    requesterName: 'Alice Agent',
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...overrides,
  };
}
