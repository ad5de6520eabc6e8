import fc from 'fast-check';
import { conditionsMatch, type SubscriptionConditions } from './conditions';
import { type NotificationContext, noTicket, type TicketFields } from './notification-context';

const SERVICE_MAIL = '3f1c0a52-7d0e-4d8e-bb0f-6a1f4c2e9a10';
const SERVICE_VPN = '9b2e4f61-1a3c-4e5d-8f7a-2c3d4e5f6a7b';

function buildIncidentTicket(overrides: Partial<TicketFields> = {}): TicketFields {
  return {
    type: 'incident',
    id: '0b6e3f4a-52c1-4c47-9a55-3d8e2f1a7c10',
    number: 'INC0001042',
    title: 'VPN drops every 10 minutes',
    state: 'in_progress',
    priority: 'P1',
    assignmentGroup: 'network',
    assigneeId: 'bob',
    callerId: 'alice',
    serviceId: SERVICE_VPN,
    category: 'Network',
    major: true,
    ...overrides,
  };
}

function buildContext(ticket: TicketFields): NotificationContext {
  return {
    event: { id: 'e1', type: 'itsm.incident.updated.v1', time: '2026-03-02T09:00:00.000Z', subject: ticket.id ?? 'x', source: 'itsm/incident' },
    ticket,
    data: {},
  };
}

const matches = (conditions: SubscriptionConditions, ticket: Partial<TicketFields> = {}): boolean => conditionsMatch(conditions, buildContext(buildIncidentTicket(ticket)));

describe('subscription conditions', () => {
  it('takes every event when no condition is given', () => {
    expect(matches({})).toBe(true);
    expect(conditionsMatch({}, buildContext(noTicket()))).toBe(true);
  });

  it('holds when the ticket has any one of the listed values', () => {
    expect(matches({ priorities: ['P1', 'P2'] })).toBe(true);
    expect(matches({ priorities: ['P3', 'P4'] })).toBe(false);
    expect(matches({ serviceIds: [SERVICE_MAIL, SERVICE_VPN] })).toBe(true);
    expect(matches({ ticketTypes: ['request'] })).toBe(false);
    expect(matches({ states: ['resolved'] }, { state: 'resolved' })).toBe(true);
  });

  it('needs every given condition to hold', () => {
    expect(matches({ priorities: ['P1'], assignmentGroups: ['network'] })).toBe(true);
    expect(matches({ priorities: ['P1'], assignmentGroups: ['database'] })).toBe(false);
    expect(matches({ priorities: ['P1'], major: false })).toBe(false);
  });

  it('compares names regardless of case, as routing rules do', () => {
    expect(matches({ categories: ['network'], assignmentGroups: ['Network'] })).toBe(true);
    expect(matches({ serviceIds: [SERVICE_VPN.toUpperCase()] })).toBe(true);
  });

  it('does not hold on a field the event does not carry', () => {
    const slaTicket = { ...noTicket(), type: 'incident' as const, id: 'i1', number: 'INC0001042' };
    const context = buildContext(slaTicket);
    expect(conditionsMatch({ priorities: ['P1'] }, context)).toBe(false);
    expect(conditionsMatch({ major: false }, context)).toBe(false);
    expect(conditionsMatch({ ticketTypes: ['incident'] }, context)).toBe(true);
    expect(conditionsMatch({ ticketTypes: ['incident', 'request'] }, buildContext(noTicket()))).toBe(false);
  });

  it('takes major incidents only, or never, by the major flag', () => {
    expect(matches({ major: true }, { major: true })).toBe(true);
    expect(matches({ major: true }, { major: false })).toBe(false);
    expect(matches({ major: false }, { major: false })).toBe(true);
  });

  it('treats an empty list as no condition', () => {
    expect(matches({ priorities: [], categories: [] })).toBe(true);
  });

  describe('properties', () => {
    const text = fc.option(fc.constantFrom('P1', 'P2', 'network', 'database', 'incident', 'request', 'resolved', SERVICE_VPN), { nil: null });
    const ticket: fc.Arbitrary<TicketFields> = fc.record({
      type: fc.constantFrom('incident' as const, 'request' as const, null),
      id: text,
      number: text,
      title: text,
      state: text,
      priority: text,
      assignmentGroup: text,
      assigneeId: text,
      callerId: text,
      serviceId: text,
      category: text,
      major: fc.option(fc.boolean(), { nil: null }),
    });
    const values = fc.option(fc.array(fc.constantFrom('P1', 'P2', 'network', 'incident', 'request', 'resolved', SERVICE_VPN), { maxLength: 3 }), { nil: undefined });
    const conditions: fc.Arbitrary<SubscriptionConditions> = fc.record(
      {
        ticketTypes: values,
        priorities: values,
        serviceIds: values,
        assignmentGroups: values,
        categories: values,
        states: values,
        major: fc.option(fc.boolean(), { nil: undefined }),
      },
      { requiredKeys: [] },
    );

    it('never lets a further condition turn a non-match into a match', () => {
      fc.assert(
        fc.property(conditions, conditions, ticket, (base, extra, fields) => {
          const context = buildContext(fields);
          const combined: SubscriptionConditions = { ...extra, ...base };
          return !conditionsMatch(combined, context) || conditionsMatch(base, context);
        }),
      );
    });

    it('holds for a list naming the ticket its own value exactly when the ticket has one', () => {
      fc.assert(
        fc.property(ticket, (fields) => {
          const context = buildContext(fields);
          const own = (value: string | null): string[] => [value ?? 'something-else'];
          return (
            conditionsMatch({ priorities: own(fields.priority) }, context) === (fields.priority !== null) &&
            conditionsMatch({ assignmentGroups: own(fields.assignmentGroup) }, context) === (fields.assignmentGroup !== null) &&
            conditionsMatch({ major: fields.major ?? true }, context) === (fields.major !== null)
          );
        }),
      );
    });
  });
});
