import { IncidentState, Priority } from '@itsm/contracts';
import { checkPolicy, inMatchingOrder, type PolicySpec, policyMatches, selectPolicy, type TargetSpec } from './policy';
import type { TicketSnapshot } from './ticket';

const target = (overrides: Partial<TargetSpec> = {}): TargetSpec => ({
  metric: 'resolution',
  durationSeconds: 3600,
  durationByPriority: {},
  calendarId: '24x7',
  pauseStates: [],
  pauseHoldReasons: [],
  warnAt: [],
  ...overrides,
});

const spec = (overrides: Partial<PolicySpec> = {}): PolicySpec => ({
  id: 'p',
  name: 'p',
  kind: 'sla',
  order: 100,
  createdAt: 0,
  enabled: true,
  conditions: {},
  targets: [target()],
  ...overrides,
});

const ticket: TicketSnapshot = {
  type: 'incident',
  id: 'i',
  number: 'INC0001001',
  version: 1,
  at: 0,
  state: IncidentState.New,
  holdReason: null,
  priority: Priority.P2,
  assignmentGroup: 'network',
  assigneeId: null,
  serviceId: 'svc-1',
  ciIds: ['ci-1', 'ci-2'],
  category: 'network',
  catalogItemId: null,
  callerId: 'carol',
  callerGroups: ['vip'],
  major: false,
  responded: false,
};

const known = (id: string) => id === '24x7';
const fields = (policy: PolicySpec) => checkPolicy(policy, known).map((error) => error.field);

describe('policy matching', () => {
  it('matches when every given condition holds, any listed value within one', () => {
    expect(policyMatches({ priorities: [Priority.P1, Priority.P2], callerGroups: ['vip', 'board'], ciIds: ['ci-2'] }, ticket)).toBe(true);
    expect(policyMatches({ priorities: [Priority.P1], callerGroups: ['vip'] }, ticket)).toBe(false);
    expect(policyMatches({ major: true }, ticket)).toBe(false);
    expect(policyMatches({}, ticket)).toBe(true);
  });

  it('takes the first enabled policy in matching order that has a target for the metric and the priority', () => {
    const late = spec({ id: 'late', order: 200 });
    const disabled = spec({ id: 'off', order: 1, enabled: false });
    const responseOnly = spec({ id: 'response', order: 5, targets: [target({ metric: 'response' })] });
    const p1Only = spec({ id: 'p1', order: 6, targets: [target({ durationSeconds: null, durationByPriority: { P1: 600 } })] });
    const policies = inMatchingOrder([late, disabled, responseOnly, p1Only]);
    expect(selectPolicy(policies, 'sla', 'resolution', ticket)?.policy.id).toBe('late');
    expect(selectPolicy(policies, 'sla', 'resolution', { ...ticket, priority: Priority.P1 })).toMatchObject({ policy: { id: 'p1' }, targetSeconds: 600 });
    expect(selectPolicy(policies, 'sla', 'response', ticket)?.policy.id).toBe('response');
    expect(selectPolicy(policies, 'ola', 'response', ticket)).toBeNull();
  });

  it('orders equal orders by age, then id', () => {
    expect(inMatchingOrder([spec({ id: 'b', createdAt: 2 }), spec({ id: 'a', createdAt: 2 }), spec({ id: 'c', createdAt: 1 })]).map((p) => p.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('checking a policy', () => {
  it('accepts a sound policy', () => {
    expect(fields(spec({ conditions: { priorities: [Priority.P1] }, targets: [target({ pauseStates: ['on_hold'], pauseHoldReasons: ['awaiting_caller'] })] }))).toEqual([]);
  });

  it('refuses conditions that match nothing', () => {
    expect(fields(spec({ conditions: { priorities: [Priority.P1], catalogItemIds: ['x'] } }))).toEqual(['conditions.catalogItemIds']);
    expect(fields(spec({ conditions: { ticketTypes: ['request'], priorities: [Priority.P1] } }))).toEqual(['conditions.priorities']);
    expect(fields(spec({ conditions: { ticketTypes: ['incident'], catalogItemIds: ['x'] } }))).toEqual(['conditions.catalogItemIds']);
  });

  it('refuses an OLA that names no assignment group', () => {
    expect(fields(spec({ kind: 'ola' }))).toEqual(['conditions.assignmentGroups']);
  });

  it('refuses targets without a duration, twice the same metric, unknown calendars and states that cannot pause', () => {
    expect(fields(spec({ targets: [target({ durationSeconds: null })] }))).toEqual(['targets.0.duration']);
    expect(fields(spec({ targets: [target(), target()] }))).toEqual(['targets.1.metric']);
    expect(fields(spec({ targets: [target({ calendarId: 'nope' })] }))).toEqual(['targets.0.calendarId']);
    expect(fields(spec({ targets: [target({ pauseStates: ['sleeping', 'resolved'] })] }))).toEqual(['targets.0.pauseStates.0', 'targets.0.pauseStates.1']);
    expect(fields(spec({ targets: [target({ pauseHoldReasons: ['awaiting_caller'] })] }))).toEqual(['targets.0.pauseHoldReasons']);
    expect(fields(spec({ conditions: { ticketTypes: ['request'] }, targets: [target({ durationByPriority: { P1: 60 } })] }))).toEqual(['targets.0.durationByPriority']);
    expect(fields(spec({ conditions: { ticketTypes: ['request'] }, targets: [target({ pauseStates: ['on_hold'] })] }))).toEqual(['targets.0.pauseStates.0']);
  });
});
