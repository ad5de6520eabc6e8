import fc from 'fast-check';
import { ClockAction, ClockState, HoldReason, IncidentState, Priority } from '@itsm/contracts';
import { nextAlertAt, pendingAlerts } from './alerts';
import { BusinessCalendar } from './business-calendar';
import { applySnapshot, type BusinessTime, type Clock, clockState, type ClockRules, dueAt, elapsedAt, isActive, NO_CLOCKS, replay, type TicketClocks } from './clock-engine';
import type { PolicySpec } from './policy';
import type { TicketSnapshot } from './ticket';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-02T08:00:00Z');

/** Every instant counts. */
const wall: BusinessTime = { add: (start, duration) => start + duration, between: (start, end) => Math.max(0, end - start) };
/** Business time is the first half of every hour: a small calendar with gaps, enough to tell wall from business time. */
const halfHours: BusinessTime = {
  between(start, end) {
    let total = 0;
    for (let hour = Math.floor(start / HOUR) * HOUR; hour < end; hour += HOUR) total += Math.max(0, Math.min(end, hour + HOUR / 2) - Math.max(start, hour));
    return total;
  },
  add(start, duration) {
    let at = start;
    let left = duration;
    for (;;) {
      const hour = Math.floor(at / HOUR) * HOUR;
      const open = Math.max(0, hour + HOUR / 2 - at);
      if (left <= open && (left > 0 || open > 0 || duration === 0)) return at + left;
      left -= open;
      at = hour + HOUR;
    }
  },
};

function policy(overrides: Partial<PolicySpec> & Pick<PolicySpec, 'id'>): PolicySpec {
  return {
    name: overrides.id,
    kind: 'sla',
    order: 100,
    createdAt: 0,
    enabled: true,
    conditions: { ticketTypes: ['incident'] },
    targets: [
      { metric: 'response', durationSeconds: 3600, durationByPriority: {}, calendarId: 'cal', pauseStates: [], pauseHoldReasons: [], warnAt: [] },
      {
        metric: 'resolution',
        durationSeconds: 8 * 3600,
        durationByPriority: { P1: 4 * 3600, P2: 6 * 3600 },
        calendarId: 'cal',
        pauseStates: ['on_hold'],
        pauseHoldReasons: [HoldReason.AwaitingCaller],
        warnAt: [50, 75],
      },
    ],
    ...overrides,
  };
}

const STANDARD = policy({ id: '00000000-0000-4000-8000-000000000001', name: 'standard' });
const NETWORK_OLA = policy({
  id: '00000000-0000-4000-8000-000000000002',
  name: 'network OLA',
  kind: 'ola',
  conditions: { assignmentGroups: ['network'] },
  targets: [
    { metric: 'response', durationSeconds: 1800, durationByPriority: {}, calendarId: 'cal', pauseStates: [], pauseHoldReasons: [], warnAt: [] },
    { metric: 'resolution', durationSeconds: 2 * 3600, durationByPriority: {}, calendarId: 'cal', pauseStates: ['on_hold'], pauseHoldReasons: [], warnAt: [] },
  ],
});

const rules = (calendar: BusinessTime, policies: PolicySpec[] = [STANDARD, NETWORK_OLA]): ClockRules => ({ policies, calendar: () => calendar });

function incident(version: number, at: number, fields: Partial<TicketSnapshot> = {}): TicketSnapshot {
  return {
    type: 'incident',
    id: '11111111-1111-4111-8111-111111111111',
    number: 'INC0001001',
    version,
    at,
    state: IncidentState.New,
    holdReason: null,
    priority: Priority.P3,
    assignmentGroup: null,
    assigneeId: null,
    serviceId: null,
    ciIds: [],
    category: null,
    catalogItemId: null,
    callerId: 'carol',
    callerGroups: [],
    major: false,
    responded: false,
    ...fields,
  };
}

function run(snapshots: TicketSnapshot[], clockRules: ClockRules = rules(wall)): TicketClocks {
  return snapshots.reduce((state, snapshot) => applySnapshot(state, snapshot, clockRules), NO_CLOCKS);
}

function clockOf(state: TicketClocks, kind: 'sla' | 'ola', metric: 'response' | 'resolution', cycle = 1): Clock {
  const clock = state.clocks.find((candidate) => candidate.kind === kind && candidate.metric === metric && candidate.cycle === cycle);
  if (!clock) throw new Error(`no ${kind} ${metric} clock of cycle ${cycle}`);
  return clock;
}

describe('SLA clocks driven by ticket snapshots', () => {
  it('starts a response and a resolution clock when an incident opens, due after their targets', () => {
    const state = run([incident(1, T0)]);
    const resolution = clockOf(state, 'sla', 'resolution');
    expect(state.clocks).toHaveLength(2);
    expect(resolution).toMatchObject({ status: 'running', targetMs: 8 * HOUR, elapsedMs: 0, startedAt: T0 });
    expect(dueAt(resolution, wall)).toBe(T0 + 8 * HOUR);
    expect(dueAt(clockOf(state, 'sla', 'response'), wall)).toBe(T0 + HOUR);
  });

  it('stops the response clock at the first response and keeps the resolution clock running', () => {
    const state = run([incident(1, T0), incident(2, T0 + 20 * MINUTE, { state: IncidentState.InProgress, assigneeId: 'sam', responded: true })]);
    const response = clockOf(state, 'sla', 'response');
    expect(response).toMatchObject({ status: 'stopped', stopReason: 'met', elapsedMs: 20 * MINUTE, stoppedAt: T0 + 20 * MINUTE });
    expect(clockState(response, T0 + 5 * HOUR, wall)).toBe(ClockState.Achieved);
    expect(clockOf(state, 'sla', 'resolution').status).toBe('running');
  });

  it('moves SLA due time forward by the hours spent on hold awaiting the caller', () => {
    const state = run([
      incident(1, T0),
      incident(2, T0 + HOUR, { state: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller, responded: true }),
      incident(3, T0 + 4 * HOUR, { state: IncidentState.InProgress, responded: true }),
    ]);
    const resolution = clockOf(state, 'sla', 'resolution');
    expect(resolution.history.map((entry) => entry.action)).toEqual([ClockAction.Started, ClockAction.Paused, ClockAction.Resumed]);
    expect(resolution.elapsedMs).toBe(HOUR);
    expect(dueAt(resolution, wall)).toBe(T0 + 11 * HOUR);
  });

  it('does not pause for a hold reason the policy does not name', () => {
    const state = run([incident(1, T0), incident(2, T0 + HOUR, { state: IncidentState.OnHold, holdReason: HoldReason.AwaitingVendor })]);
    expect(clockOf(state, 'sla', 'resolution').status).toBe('running');
  });

  it('re-targets the resolution clock when the priority changes, keeping the time already elapsed', () => {
    const state = run([incident(1, T0), incident(2, T0 + HOUR, { priority: Priority.P1 })]);
    const resolution = clockOf(state, 'sla', 'resolution');
    expect(resolution).toMatchObject({ targetMs: 4 * HOUR, elapsedMs: HOUR });
    expect(resolution.history.at(-1)).toMatchObject({ action: ClockAction.Retargeted, reason: 'priority P1', dueAt: T0 + 4 * HOUR });
  });

  it('marks a clock breached when a priority change shortens its target below the time already elapsed', () => {
    const state = run([incident(1, T0), incident(2, T0 + 5 * HOUR, { priority: Priority.P1, responded: true })]);
    const resolution = clockOf(state, 'sla', 'resolution');
    expect(resolution.breachedAt).toBe(T0 + 5 * HOUR);
    expect(clockState(resolution, T0 + 5 * HOUR, wall)).toBe(ClockState.Breached);
  });

  it('achieves the resolution clock on resolution and resumes it when the incident is reopened', () => {
    const state = run([
      incident(1, T0),
      incident(2, T0 + HOUR, { state: IncidentState.Resolved, responded: true }),
      incident(3, T0 + 3 * HOUR, { state: IncidentState.InProgress, responded: true }),
      incident(4, T0 + 4 * HOUR, { state: IncidentState.Resolved, responded: true }),
    ]);
    const resolution = clockOf(state, 'sla', 'resolution');
    expect(state.clocks.filter((clock) => clock.metric === 'resolution' && clock.kind === 'sla')).toHaveLength(1);
    expect(resolution.history.map((entry) => entry.action)).toEqual([ClockAction.Started, ClockAction.Stopped, ClockAction.Resumed, ClockAction.Stopped]);
    expect(resolution).toMatchObject({ status: 'stopped', elapsedMs: 2 * HOUR, stoppedAt: T0 + 4 * HOUR });
  });

  it('records a late resolution as breached, with the moment the target passed', () => {
    const state = run([incident(1, T0), incident(2, T0 + 9 * HOUR, { state: IncidentState.Resolved, responded: true })]);
    const resolution = clockOf(state, 'sla', 'resolution');
    expect(resolution.breachedAt).toBe(T0 + 8 * HOUR);
    expect(clockState(resolution, T0 + 10 * HOUR, wall)).toBe(ClockState.Breached);
  });

  it('cancels every running clock when the incident is canceled', () => {
    const state = run([incident(1, T0), incident(2, T0 + HOUR, { state: IncidentState.Canceled })]);
    expect(state.clocks.map((clock) => clock.status)).toEqual(['canceled', 'canceled']);
  });

  it('starts no clock for a ticket no policy matches', () => {
    const state = run([{ ...incident(1, T0), type: 'request', state: 'submitted', priority: null }]);
    expect(state.clocks).toEqual([]);
  });

  it('runs an OLA while the incident is with the group, stops it when the group hands it on, and starts a second cycle on its return', () => {
    const state = run([
      incident(1, T0, { assignmentGroup: 'network' }),
      incident(2, T0 + 10 * MINUTE, { assignmentGroup: 'network', assigneeId: 'nina', state: IncidentState.InProgress, responded: true }),
      incident(3, T0 + HOUR, { assignmentGroup: 'database', responded: true, state: IncidentState.InProgress }),
      incident(4, T0 + 2 * HOUR, { assignmentGroup: 'network', responded: true, state: IncidentState.InProgress }),
    ]);
    expect(clockOf(state, 'ola', 'response')).toMatchObject({ status: 'stopped', stopReason: 'met', elapsedMs: 10 * MINUTE });
    expect(clockOf(state, 'ola', 'resolution')).toMatchObject({ status: 'stopped', stopReason: 'left', elapsedMs: HOUR });
    expect(clockOf(state, 'ola', 'resolution', 2)).toMatchObject({ status: 'running', startedAt: T0 + 2 * HOUR });
    expect(clockOf(state, 'ola', 'response', 2)).toMatchObject({ status: 'running' });
  });

  it('counts only business time on a calendar with gaps', () => {
    const state = run([incident(1, T0), incident(2, T0 + 3 * HOUR, { state: IncidentState.Resolved, responded: true })], rules(halfHours));
    expect(clockOf(state, 'sla', 'resolution').elapsedMs).toBe(90 * MINUTE);
  });

  it('keeps clocks on a calendar with no business time for 20 years running, with no due time and no alerts owed', () => {
    // Business hours on Mondays only, and every Monday for 21 years a holiday.
    const mondays = Array.from({ length: 21 * 53 }, (_, week) => new Date(T0 + week * 7 * 24 * HOUR).toISOString().slice(0, 10));
    const never = BusinessCalendar.of({ timeZone: 'UTC', weekly: { monday: [{ start: '09:00', end: '17:00' }] }, holidays: mondays });
    const state = run(
      [
        incident(1, T0),
        incident(2, T0 + HOUR, { state: IncidentState.InProgress, assigneeId: 'sam', responded: true }),
        incident(3, T0 + 2 * HOUR, { state: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller }),
        incident(4, T0 + 3 * HOUR, { state: IncidentState.InProgress }),
      ],
      rules(never, [STANDARD]),
    );
    const resolution = clockOf(state, 'sla', 'resolution');
    expect(resolution).toMatchObject({ status: 'running', elapsedMs: 0 });
    expect(resolution.history.map((entry) => entry.dueAt)).toEqual([null, null, null]);
    expect(dueAt(resolution, never)).toBeNull();
    expect(pendingAlerts(resolution, new Set(), never)).toEqual([]);
    expect(nextAlertAt(resolution, new Set(), never)).toBeNull();
    expect(clockState(resolution, T0 + 24 * HOUR, never)).toBe(ClockState.Running);
  });

  it('applies a change with an earlier time than the last one at the time of the last', () => {
    const state = run([incident(1, T0), incident(2, T0 - HOUR, { state: IncidentState.Resolved, responded: true })]);
    expect(clockOf(state, 'sla', 'resolution')).toMatchObject({ elapsedMs: 0, stoppedAt: T0 });
  });

  it('owes warnings at 50 % and 75 % and the breach at 100 % of the target, earliest first', () => {
    const clock = clockOf(run([incident(1, T0)]), 'sla', 'resolution');
    expect(pendingAlerts(clock, new Set(), wall).map((alert) => [alert.thresholdPercent, alert.at])).toEqual([
      [50, T0 + 4 * HOUR],
      [75, T0 + 6 * HOUR],
      [100, T0 + 8 * HOUR],
    ]);
    expect(pendingAlerts(clock, new Set([50, 75]), wall).map((alert) => alert.thresholdPercent)).toEqual([100]);
  });
});

// Random incident lives: each step changes some fields at a later time; responded and reopen follow the rules of the desk.
const steps = fc.array(
  fc.record({
    minutes: fc.integer({ min: 0, max: 300 }),
    state: fc.constantFrom(IncidentState.New, IncidentState.InProgress, IncidentState.OnHold, IncidentState.Resolved, IncidentState.Closed, IncidentState.Canceled),
    holdReason: fc.constantFrom(HoldReason.AwaitingCaller, HoldReason.AwaitingVendor),
    priority: fc.constantFrom(Priority.P1, Priority.P2, Priority.P3, Priority.P4),
    group: fc.constantFrom(null, 'network', 'database'),
    assignee: fc.boolean(),
  }),
  { minLength: 1, maxLength: 14 },
);

interface Step {
  minutes: number;
  state: IncidentState;
  holdReason: HoldReason;
  priority: Priority;
  group: string | null;
  assignee: boolean;
}

function life(input: Step[]): TicketSnapshot[] {
  let at = T0;
  let responded = false;
  let ended = false;
  const snapshots: TicketSnapshot[] = [];
  input.forEach((step, index) => {
    if (ended) return;
    at += step.minutes * MINUTE;
    const state = index === 0 ? IncidentState.New : step.state;
    responded ||= step.assignee || state !== IncidentState.New;
    ended = state === IncidentState.Canceled || state === IncidentState.Closed;
    snapshots.push(
      incident(index + 1, at, {
        state,
        holdReason: state === IncidentState.OnHold ? step.holdReason : null,
        priority: step.priority,
        assignmentGroup: step.group,
        assigneeId: step.assignee ? 'sam' : null,
        responded,
      }),
    );
  });
  return snapshots;
}

describe('recomputing clocks from the events', () => {
  const calendars = fc.constantFrom(wall, halfHours);

  it('gives exactly the incrementally kept state, also through a JSON round trip after every change', () => {
    fc.assert(
      fc.property(steps, calendars, (input, calendar) => {
        const snapshots = life(input);
        const clockRules = rules(calendar);
        let incremental: TicketClocks = NO_CLOCKS;
        for (const snapshot of snapshots) incremental = JSON.parse(JSON.stringify(applySnapshot(incremental, snapshot, clockRules))) as TicketClocks;
        expect(replay(snapshots, clockRules)).toEqual(incremental);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same clocks whatever order the events arrive in and however often', () => {
    fc.assert(
      fc.property(
        steps.chain((input) => {
          const snapshots = life(input);
          return fc.tuple(fc.constant(snapshots), fc.shuffledSubarray([...snapshots, ...snapshots], { minLength: snapshots.length * 2 }));
        }),
        ([snapshots, arrival]) => {
          expect(replay(arrival, rules(halfHours))).toEqual(replay(snapshots, rules(halfHours)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never counts more business time than wall time, never runs two clocks of a kind and metric, and starts every history with the start', () => {
    fc.assert(
      fc.property(steps, calendars, (input, calendar) => {
        const snapshots = life(input);
        const state = replay(snapshots, rules(calendar));
        const end = (snapshots.at(-1)?.at ?? T0) + 10 * HOUR;
        for (const clock of state.clocks) {
          expect(elapsedAt(clock, end, calendar)).toBeLessThanOrEqual((clock.stoppedAt ?? end) - clock.startedAt);
          expect(clock.history[0]?.action).toBe(ClockAction.Started);
          const elapsed = clock.history.map((entry) => entry.elapsedMs);
          expect([...elapsed].sort((a, b) => a - b)).toEqual(elapsed);
        }
        const active = state.clocks.filter(isActive).map((clock) => `${clock.kind}/${clock.metric}`);
        expect(new Set(active).size).toBe(active.length);
      }),
      { numRuns: 300 },
    );
  });
});
