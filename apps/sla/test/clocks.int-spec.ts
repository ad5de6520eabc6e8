/** SLA clocks driven by incident events on the bus: the sla service with real PostgreSQL and NATS JetStream. */
import { randomUUID } from 'node:crypto';
import { ClockAction, ClockState, HoldReason, IncidentEvents, IncidentState, Priority, RequestEvents, SlaEvents, SlaRpc } from '@itsm/contracts';
import { ada, alice, fieldsOf, sam, waitFor } from '@itsm/testing';
import { SlaHarness } from './support/sla-harness';

const HOUR = 3_600_000;
const NOW = Date.now();
const ago = (ms: number) => new Date(NOW - ms);

describe('SLA clocks from incident events', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await SlaHarness.start();
    await h.policy({
      name: 'Incidents: standard',
      conditions: { ticketTypes: ['incident'] },
      targets: [
        { metric: 'response', duration: 'PT4H' },
        { metric: 'resolution', duration: 'PT24H', durationByPriority: { P1: 'PT8H', P2: 'PT12H' }, pauseStates: ['on_hold'], pauseHoldReasons: [HoldReason.AwaitingCaller], warnAt: [50, 75, 90] },
      ],
    });
    await h.policy({ name: 'Network OLA', kind: 'ola', conditions: { assignmentGroups: ['network'] }, targets: [{ metric: 'resolution', duration: 'PT10H' }] });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  it('starts a response and a resolution clock when an incident is created, and announces both', async () => {
    const opened = ago(HOUR);
    const incident = await h.open(opened, { priority: Priority.P3 });
    const clocks = await h.clocksWhen(incident.id, (found) => found.length === 2);
    expect(clocks.map((clock) => [clock.metric, clock.state, clock.targetSeconds, clock.ticketNumber])).toEqual(
      expect.arrayContaining([
        ['response', ClockState.Running, 4 * 3600, incident.number],
        ['resolution', ClockState.Running, 24 * 3600, incident.number],
      ]),
    );
    const resolution = clocks.find((clock) => clock.metric === 'resolution');
    expect(resolution?.dueAt).toBe(new Date(opened.getTime() + 24 * HOUR).toISOString());
    expect(resolution?.elapsedSeconds).toBeGreaterThanOrEqual(3600);
    await expect(h.stored(SlaEvents.clockStarted, incident.id)).resolves.toHaveLength(2);
  });

  it('pages through a ticket\'s clocks in start order with the cursor it hands out, and refuses one it did not', async () => {
    const incident = await h.open(ago(2 * HOUR), { priority: Priority.P3 });
    const all = await h.clocksWhen(incident.id, (found) => found.length === 2);
    const paged: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await h.rpc.call(SlaRpc.listClocks, { ticket: incident.id, limit: 1, ...(cursor ? { cursor } : {}) }, { actor: sam });
      paged.push(...page.items.map((clock) => clock.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(all.map((clock) => clock.id));
    const forged = Buffer.from(JSON.stringify(['yesterday', randomUUID()])).toString('base64url');
    const refused = await h.rpc.call(SlaRpc.listClocks, { ticket: incident.id, cursor: forged }, { actor: sam }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'VALIDATION', reason: 'INVALID_CURSOR' });
    expect(fieldsOf(refused)).toEqual(['cursor']);
  });

  it('pauses the resolution clock while on hold awaiting the caller and resumes it after, moving the due time by the hold', async () => {
    const incident = await h.open(ago(5 * HOUR), { priority: Priority.P3 });
    const held = await h.change(incident, { state: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller, respondedAt: ago(4 * HOUR).toISOString() }, ago(4 * HOUR), IncidentEvents.stateChanged);
    await h.change(held, { state: IncidentState.InProgress, holdReason: null }, ago(HOUR), IncidentEvents.stateChanged);
    const [resolution] = await h.clocksWhen(incident.id, (found) => found.some((clock) => clock.metric === 'resolution' && clock.history.length === 3));
    const clock = (await h.clocks(incident.id)).find((found) => found.metric === 'resolution');
    expect(clock?.history.map((entry) => entry.action)).toEqual([ClockAction.Started, ClockAction.Paused, ClockAction.Resumed]);
    expect(clock?.history[1]).toMatchObject({ reason: 'state on_hold (awaiting_caller)', elapsedSeconds: 3600 });
    expect(clock?.dueAt).toBe(new Date(Date.parse(incident.createdAt) + 27 * HOUR).toISOString());
    expect(resolution).toBeDefined();
    const paused = await h.stored(SlaEvents.clockPaused, incident.id);
    expect(paused).toEqual([expect.objectContaining({ data: expect.objectContaining({ metric: 'resolution', state: 'paused', elapsedSeconds: 3600, dueAt: null }) })]);
    await expect(h.stored(SlaEvents.clockResumed, incident.id)).resolves.toHaveLength(1);
    // Each change announces only what it changed: the starts are not announced again.
    await expect(h.stored(SlaEvents.clockStarted, incident.id)).resolves.toHaveLength(2);
  });

  it('re-targets the resolution clock when the priority changes', async () => {
    const incident = await h.open(ago(2 * HOUR), { priority: Priority.P3 });
    await h.change(incident, { priority: Priority.P1 }, ago(HOUR), IncidentEvents.priorityChanged);
    const clocks = await h.clocksWhen(incident.id, (found) => found.some((clock) => clock.metric === 'resolution' && clock.targetSeconds === 8 * 3600));
    const resolution = clocks.find((clock) => clock.metric === 'resolution');
    expect(resolution?.history.at(-1)).toMatchObject({ action: ClockAction.Retargeted, reason: 'priority P1', elapsedSeconds: 3600, targetSeconds: 8 * 3600 });
    expect(resolution?.dueAt).toBe(new Date(Date.parse(incident.createdAt) + 8 * HOUR).toISOString());
    await expect(h.stored(SlaEvents.clockRetargeted, incident.id)).resolves.toHaveLength(1);
  });

  it('achieves the clocks when the incident is resolved, and resumes resolution when it is reopened', async () => {
    const incident = await h.open(ago(3 * HOUR));
    const resolved = await h.change(incident, { state: IncidentState.Resolved, respondedAt: ago(2 * HOUR).toISOString(), resolvedAt: ago(2 * HOUR).toISOString() }, ago(2 * HOUR), IncidentEvents.stateChanged);
    await h.clocksWhen(incident.id, (found) => found.length === 2 && found.every((clock) => clock.state === ClockState.Achieved), 'achieved clocks');
    const achieved = await h.stored(SlaEvents.achieved, incident.id);
    expect(achieved.map((event) => event.data['metric']).sort()).toEqual(['resolution', 'response']);

    await h.change(resolved, { state: IncidentState.InProgress, resolvedAt: null, reopenCount: 1 }, ago(HOUR), IncidentEvents.reopened);
    const clocks = await h.clocksWhen(incident.id, (found) => found.some((clock) => clock.metric === 'resolution' && clock.state === ClockState.Running));
    expect(clocks.find((clock) => clock.metric === 'resolution')?.history.map((entry) => entry.action)).toEqual([ClockAction.Started, ClockAction.Stopped, ClockAction.Resumed]);
    expect(clocks.find((clock) => clock.metric === 'response')?.state).toBe(ClockState.Achieved);
  });

  it('cancels the clocks of a canceled incident', async () => {
    const incident = await h.open(ago(HOUR));
    await h.change(incident, { state: IncidentState.Canceled }, ago(HOUR / 2), IncidentEvents.stateChanged);
    await h.clocksWhen(incident.id, (found) => found.length === 2 && found.every((clock) => clock.state === ClockState.Canceled), 'canceled clocks');
    await expect(h.stored(SlaEvents.clockCanceled, incident.id)).resolves.toHaveLength(2);
  });

  it('runs the OLA of the assignment group beside the SLA', async () => {
    const incident = await h.open(ago(HOUR), { assignmentGroup: 'network' });
    const clocks = await h.clocksWhen(incident.id, (found) => found.length === 3);
    expect(clocks.find((clock) => clock.kind === 'ola')).toMatchObject({ policyName: 'Network OLA', metric: 'resolution', state: ClockState.Running, targetSeconds: 36_000 });
  });

  it('keeps an OLA on a calendar with no business time for 20 years running with no due time, and applies the events after it', async () => {
    // Business hours on Mondays only, and every Monday from last week on, for 21 years, a holiday.
    const lastWeek = new Date(NOW - 7 * 24 * HOUR);
    const monday = Date.UTC(lastWeek.getUTCFullYear(), lastWeek.getUTCMonth(), lastWeek.getUTCDate() - ((lastWeek.getUTCDay() + 6) % 7));
    const holidays = Array.from({ length: 21 * 53 }, (_, week) => ({ date: new Date(monday + week * 7 * 24 * HOUR).toISOString().slice(0, 10), name: 'Closed' }));
    const closed = await h.rpc.call(SlaRpc.createCalendar, { name: `Closed ${randomUUID().slice(0, 8)}`, timeZone: 'UTC', weekly: { monday: [{ start: '09:00', end: '17:00' }] }, holidays }, { actor: ada });
    await h.policy({ name: 'Closed desk OLA', kind: 'ola', conditions: { assignmentGroups: ['closed-desk'] }, targets: [{ metric: 'resolution', duration: 'PT8H', calendarId: closed.id, warnAt: [50] }] });

    const incident = await h.open(ago(2 * HOUR), { assignmentGroup: 'closed-desk' });
    const held = await h.change(incident, { state: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller }, ago(HOUR), IncidentEvents.stateChanged);
    await h.change(held, { state: IncidentState.InProgress, holdReason: null }, ago(HOUR / 2), IncidentEvents.stateChanged);

    await waitFor(async () => ((await h.appliedVersion(incident.id)) === 3 ? true : undefined), { what: 'the third version applied', timeoutMs: 15_000 });
    const clocks = await h.clocks(incident.id);
    expect(clocks.find((clock) => clock.kind === 'ola')).toMatchObject({ policyName: 'Closed desk OLA', state: ClockState.Running, elapsedSeconds: 0, dueAt: null });
    expect(clocks.find((clock) => clock.kind === 'sla' && clock.metric === 'resolution')?.history.map((entry) => entry.action)).toEqual([ClockAction.Started, ClockAction.Paused, ClockAction.Resumed]);
  });

  it('applies events that arrive twice or out of order once each, in the order of the incident’s versions', async () => {
    const v1 = { ...(await h.open(ago(6 * HOUR))) };
    await h.clocksWhen(v1.id, (found) => found.length === 2);
    const v2 = { ...v1, state: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller, respondedAt: ago(5 * HOUR).toISOString(), version: 2, updatedAt: ago(5 * HOUR).toISOString() };
    const v3 = { ...v2, state: IncidentState.InProgress, holdReason: null, version: 3, updatedAt: ago(2 * HOUR).toISOString() };
    const v4 = { ...v3, priority: Priority.P1, version: 4, updatedAt: ago(HOUR).toISOString() };
    // v3 and v4 first, then v2, then v3 again under a new event id (a republish after the de-duplication window).
    await h.publish(IncidentEvents.stateChanged, v3, v2);
    await h.publish(IncidentEvents.priorityChanged, v4, v3);
    await waitFor(async () => (await h.appliedVersion(v1.id)) === 4, { what: 'version 4 applied' });
    await h.publish(IncidentEvents.stateChanged, v2, v1);
    await h.publish(IncidentEvents.stateChanged, v3, v2);
    await waitFor(async () => (await h.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM sla.ticket_facts WHERE ticket_id = $1`, [v1.id]))[0]?.n === 4, { what: 'four versions stored' });
    const clocks = await h.clocksWhen(v1.id, (found) => found.some((clock) => clock.metric === 'resolution' && clock.history.length === 4), 'the rebuilt history');
    const resolution = clocks.find((clock) => clock.metric === 'resolution');
    expect(resolution?.history.map((entry) => [entry.action, entry.elapsedSeconds])).toEqual([
      [ClockAction.Started, 0],
      [ClockAction.Paused, 3600],
      [ClockAction.Resumed, 3600],
      [ClockAction.Retargeted, 2 * 3600],
    ]);
    const recomputed = await h.rpc.call(SlaRpc.recomputeClocks, { ticket: v1.id }, { actor: sam });
    expect(recomputed).toMatchObject({ ticketId: v1.id, events: 4, differences: [] });
  });

  it('starts the next ticket’s clocks under a policy as it was just changed, and none under a policy just disabled', async () => {
    const ola = await h.policy({ name: 'Desk OLA: re-read', kind: 'ola', conditions: { assignmentGroups: ['re-read'] }, targets: [{ metric: 'resolution', duration: 'PT2H' }] });
    const olaTarget = async (ticket: string, clocks: number) => (await h.clocksWhen(ticket, (found) => found.length === clocks)).find((clock) => clock.kind === 'ola')?.targetSeconds;

    await expect(olaTarget((await h.open(ago(HOUR), { priority: Priority.P3, assignmentGroup: 're-read' })).id, 3)).resolves.toBe(2 * 3600);
    const changed = await h.rpc.call(SlaRpc.updatePolicy, { id: ola.id, name: ola.name, kind: 'ola', conditions: { assignmentGroups: ['re-read'] }, targets: [{ metric: 'resolution', duration: 'PT5H' }] }, { actor: ada });
    await expect(olaTarget((await h.open(ago(HOUR), { priority: Priority.P3, assignmentGroup: 're-read' })).id, 3)).resolves.toBe(5 * 3600);
    await h.rpc.call(SlaRpc.updatePolicy, { id: ola.id, expectedVersion: changed.version, name: ola.name, kind: 'ola', conditions: { assignmentGroups: ['re-read'] }, targets: [{ metric: 'resolution', duration: 'PT5H' }], enabled: false }, { actor: ada });
    const after = await h.open(ago(HOUR), { priority: Priority.P3, assignmentGroup: 're-read' });
    await expect(olaTarget(after.id, 2)).resolves.toBeUndefined();
  });

  it('starts no clock for a ticket no policy matches', async () => {
    const requestId = randomUUID();
    await h.publishEvent(RequestEvents.stateChanged, requestId, { requestId, number: 'REQ0001001', itemId: randomUUID(), requesterId: 'alice', requesterGroups: [], from: null, to: 'submitted', changedBy: 'alice', reason: null, version: 1 }, ago(HOUR).toISOString());
    await waitFor(async () => (await h.appliedVersion(requestId)) === 1, { what: 'the request applied' });
    await expect(h.clocks(requestId)).resolves.toEqual([]);
  });

  it('refuses clock reads by requesters and recompute of a ticket it never saw', async () => {
    await expect(h.rpc.call(SlaRpc.listClocks, { ticket: randomUUID() }, { actor: alice })).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    await expect(h.rpc.call(SlaRpc.recomputeClocks, { ticket: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: 'NOT_FOUND', reason: 'SLA_TICKET_NOT_FOUND' });
    const refused = await h.rpc.call(SlaRpc.listClocks, { ticket: 'not-a-uuid' }, { actor: sam }).catch((error: unknown) => error);
    expect(fieldsOf(refused)).toEqual(['ticket']);
  });
});
