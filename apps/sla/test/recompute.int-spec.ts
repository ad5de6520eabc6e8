/**
 * Recomputing clocks: random event sequences arriving shuffled and repeated give stored clocks that a rebuild
 * from the events reproduces exactly; policy and calendar edits rebuild open tickets only; request clocks.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  ClockAction,
  ClockState,
  HoldReason,
  IncidentEvents,
  IncidentState,
  type IncidentView,
  Priority,
  RequestEvents,
  RequestState,
  SlaEvents,
  SlaRpc,
} from '@itsm/contracts';
import { ada, buildIncidentView, sam, waitFor } from '@itsm/testing';
import { SlaHarness } from './support/sla-harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.now();
const ago = (ms: number) => new Date(NOW - ms);

const steps = fc.array(
  fc.record({
    minutes: fc.integer({ min: 1, max: 240 }),
    state: fc.constantFrom(IncidentState.InProgress, IncidentState.OnHold, IncidentState.Resolved, IncidentState.Closed, IncidentState.Canceled),
    holdReason: fc.constantFrom(HoldReason.AwaitingCaller, HoldReason.AwaitingVendor),
    priority: fc.constantFrom(Priority.P1, Priority.P2, Priority.P3),
    group: fc.constantFrom(null, 'network', 'database'),
    assignee: fc.boolean(),
  }),
  { minLength: 1, maxLength: 8 },
);

/** The versions of one random incident life, starting two days ago. */
interface Step {
  minutes: number;
  state: IncidentState;
  holdReason: HoldReason;
  priority: Priority;
  group: string | null;
  assignee: boolean;
}

function life(input: Step[]): IncidentView[] {
  const start = NOW - 2 * 24 * HOUR;
  const first = buildIncidentView({ category: 'random', priority: Priority.P3, createdAt: new Date(start).toISOString(), updatedAt: new Date(start).toISOString() });
  const versions = [first];
  let at = start;
  for (const step of input) {
    const previous = versions.at(-1) as IncidentView;
    if (previous.state === IncidentState.Closed || previous.state === IncidentState.Canceled) break;
    at += step.minutes * MINUTE;
    versions.push({
      ...previous,
      state: step.state,
      holdReason: step.state === IncidentState.OnHold ? step.holdReason : null,
      priority: step.priority,
      assignmentGroup: step.group,
      assigneeId: step.assignee ? 'sam' : null,
      respondedAt: previous.respondedAt ?? (step.assignee || step.state !== IncidentState.InProgress ? new Date(at).toISOString() : null),
      version: previous.version + 1,
      updatedAt: new Date(at).toISOString(),
    });
  }
  return versions;
}

describe('recomputing SLA clocks', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await SlaHarness.start();
    await h.policy({
      name: 'Random incidents',
      conditions: { categories: ['random'] },
      targets: [
        { metric: 'response', duration: 'PT2H', warnAt: [50] },
        { metric: 'resolution', duration: 'PT10H', durationByPriority: { P1: 'PT3H' }, pauseStates: ['on_hold'], pauseHoldReasons: [HoldReason.AwaitingCaller], warnAt: [50, 90] },
      ],
    });
    await h.policy({ name: 'Random network OLA', kind: 'ola', conditions: { categories: ['random'], assignmentGroups: ['network'] }, targets: [{ metric: 'resolution', duration: 'PT4H', pauseStates: ['on_hold'] }] });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  it('rebuilds exactly the stored clocks for random event sequences that arrive shuffled and twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        steps.chain((input) => {
          const versions = life(input);
          return fc.tuple(fc.constant(versions), fc.shuffledSubarray([...versions.keys(), ...versions.keys()], { minLength: versions.length, maxLength: 2 * versions.length }));
        }),
        async ([versions, order]) => {
          // Every version arrives at least once; some twice (as a redelivery or a republish under a new id).
          const arrival = [...order, ...[...versions.keys()].filter((index) => !order.includes(index))];
          for (const index of arrival) {
            const version = versions[index] as IncidentView;
            const event = index === 0 ? IncidentEvents.created : IncidentEvents.updated;
            await h.publish(event, version, versions[index - 1] ?? version);
          }
          const first = versions[0] as IncidentView;
          await waitFor(async () => (await h.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM sla.ticket_facts WHERE ticket_id = $1`, [first.id]))[0]?.n === versions.length, {
            what: `all ${versions.length} versions of ${first.number}`,
            timeoutMs: 20_000,
          });
          await waitFor(async () => (await h.appliedVersion(first.id)) === versions.length, { what: 'the last version applied' });
          const stored = await h.clocks(first.id);
          const rebuilt = await h.rpc.call(SlaRpc.recomputeClocks, { ticket: first.id }, { actor: sam });
          expect(rebuilt.differences).toEqual([]);
          expect(rebuilt.events).toBe(versions.length);
          // What moves with the time of reading (elapsed up to now) or with the scheduler (alerts it sends meanwhile) is left out.
          const strip = (clocks: typeof stored) => clocks.map(({ elapsedSeconds: _e, remainingSeconds: _r, state: _s, breached: _b, alerts: _a, ...rest }) => rest).sort((a, b) => a.id.localeCompare(b.id));
          expect(strip(rebuilt.clocks)).toEqual(strip(stored));
        },
      ),
      { numRuns: 12 },
    );
  }, 300_000);

  it('rebuilds the clocks of open tickets when a policy changes, and leaves those of resolved tickets as they ended', async () => {
    const policy = await h.policy({ name: 'Editable', conditions: { categories: ['edited'] }, targets: [{ metric: 'resolution', duration: 'PT10H' }] });
    const open = await h.open(ago(2 * HOUR), { category: 'edited' });
    const done = await h.open(ago(3 * HOUR), { category: 'edited' });
    await h.change(done, { state: IncidentState.Resolved, resolvedAt: ago(HOUR).toISOString(), respondedAt: ago(HOUR).toISOString() }, ago(HOUR), IncidentEvents.stateChanged);
    await h.clocksWhen(done.id, (clocks) => clocks[0]?.state === ClockState.Achieved);
    await h.clocksWhen(open.id, (clocks) => clocks.length === 1);

    await h.rpc.call(SlaRpc.updatePolicy, { id: policy.id, name: 'Editable', kind: 'sla', conditions: { categories: ['edited'] }, targets: [{ metric: 'resolution', duration: 'PT1H' }] }, { actor: ada });

    const [rebuilt] = await h.clocksWhen(open.id, (clocks) => clocks[0]?.targetSeconds === 3600, 'the rebuilt clock');
    expect(rebuilt).toMatchObject({ state: ClockState.Breached, dueAt: new Date(Date.parse(open.createdAt) + HOUR).toISOString() });
    const [ended] = await h.clocks(done.id);
    expect(ended).toMatchObject({ targetSeconds: 36_000, state: ClockState.Achieved });
  });

  it('rebuilds on a new policy only the open tickets it can match: of its ticket types, and none while it is disabled', async () => {
    const stamp = async (id: string): Promise<string | undefined> =>
      (await h.database.query<{ updated: string }>(`SELECT updated_at::text AS updated FROM sla.tickets WHERE id = $1`, [id]))[0]?.updated;
    const incident = await h.open(ago(HOUR), { category: 'untouched' });
    const requestId = randomUUID();
    await h.publishEvent(
      RequestEvents.stateChanged,
      requestId,
      { requestId, number: 'REQ0003001', itemId: randomUUID(), requesterId: 'alice', requesterGroups: [], from: null, to: RequestState.Submitted, changedBy: 'alice', reason: null, version: 1 },
      ago(HOUR).toISOString(),
    );
    await waitFor(async () => (await h.appliedVersion(incident.id)) === 1 && (await h.appliedVersion(requestId)) === 1, { what: 'both tickets applied' });
    const before = { incident: await stamp(incident.id), request: await stamp(requestId) };

    await h.policy({ conditions: { ticketTypes: ['request'], catalogItemIds: [randomUUID()] }, targets: [{ metric: 'resolution', duration: 'PT24H' }] });
    await h.policy({ enabled: false, conditions: { categories: ['untouched'] }, targets: [{ metric: 'resolution', duration: 'PT1H' }] });

    expect({ incident: await stamp(incident.id), requestChanged: (await stamp(requestId)) !== before.request }).toEqual({ incident: before.incident, requestChanged: true });
  });

  it('takes the clocks of a disabled policy off open tickets, announcing them canceled', async () => {
    const policy = await h.policy({ name: 'Soon disabled', conditions: { categories: ['disabled'] }, targets: [{ metric: 'resolution', duration: 'PT10H' }] });
    const incident = await h.open(ago(HOUR), { category: 'disabled' });
    await h.clocksWhen(incident.id, (clocks) => clocks.length === 1);

    await h.rpc.call(SlaRpc.updatePolicy, { id: policy.id, name: 'Soon disabled', kind: 'sla', enabled: false, conditions: { categories: ['disabled'] }, targets: [{ metric: 'resolution', duration: 'PT10H' }] }, { actor: ada });

    await h.clocksWhen(incident.id, (clocks) => clocks.length === 0, 'no clock');
    const canceled = await h.stored(SlaEvents.clockCanceled, incident.id);
    expect(canceled).toEqual([expect.objectContaining({ data: expect.objectContaining({ policyName: 'Soon disabled', state: 'canceled', reason: 'the policy no longer applies' }) })]);
  });

  it('rebuilds the open clocks on a calendar when its hours change', async () => {
    const calendar = await h.rpc.call(SlaRpc.createCalendar, { name: `Office ${randomUUID().slice(0, 6)}`, timeZone: 'Europe/Berlin', weekly: { monday: [{ start: '09:00', end: '17:00' }] } }, { actor: ada });
    await h.policy({ name: 'On office hours', conditions: { categories: ['office'] }, targets: [{ metric: 'resolution', duration: 'PT4H', calendarId: calendar.id }] });
    // Opened on a Monday at 10:00 Berlin time (09:00 UTC), long ago.
    const incident = await h.open(new Date('2026-11-16T09:00:00Z'), { category: 'office' });
    const [before] = await h.clocksWhen(incident.id, (clocks) => clocks.length === 1);
    expect(before?.dueAt).toBe('2026-11-16T13:00:00.000Z');

    await h.rpc.call(SlaRpc.updateCalendar, { id: calendar.id, name: calendar.name, timeZone: 'Europe/Berlin', weekly: { monday: [{ start: '09:00', end: '12:00' }] } }, { actor: ada });

    const [after] = await h.clocksWhen(incident.id, (clocks) => clocks[0]?.dueAt !== before?.dueAt, 'the clock on the new hours');
    // 10:00–12:00 that Monday, then 09:00–11:00 the next Monday.
    expect(after?.dueAt).toBe('2026-11-23T10:00:00.000Z');
  });

  it('runs request clocks from request state changes, paused while awaiting approval', async () => {
    const itemId = randomUUID();
    await h.policy({
      name: 'Laptop requests',
      conditions: { ticketTypes: ['request'], catalogItemIds: [itemId] },
      targets: [
        { metric: 'response', duration: 'PT8H' },
        { metric: 'resolution', duration: 'PT24H', pauseStates: [RequestState.AwaitingApproval] },
      ],
    });
    const requestId = randomUUID();
    const states = [RequestState.Submitted, RequestState.AwaitingApproval, RequestState.Approved, RequestState.InFulfillment, RequestState.Fulfilled];
    const times = [10, 9, 6, 5, 1].map((hours) => ago(hours * HOUR).toISOString());
    for (const [index, to] of states.entries()) {
      await h.publishEvent(
        RequestEvents.stateChanged,
        requestId,
        { requestId, number: 'REQ0002001', itemId, requesterId: 'alice', requesterGroups: [], from: states[index - 1] ?? null, to, changedBy: 'alice', reason: null, version: index + 1 },
        times[index] as string,
      );
    }
    const clocks = await h.clocksWhen(requestId, (found) => found.length === 2 && found.every((clock) => clock.state === ClockState.Achieved), 'achieved request clocks');
    const resolution = clocks.find((clock) => clock.metric === 'resolution');
    expect(resolution?.history.map((entry) => entry.action)).toEqual([ClockAction.Started, ClockAction.Paused, ClockAction.Resumed, ClockAction.Stopped]);
    expect(resolution?.elapsedSeconds).toBe(6 * 3600);
    expect(clocks.find((clock) => clock.metric === 'response')?.elapsedSeconds).toBe(5 * 3600);
  });
});
