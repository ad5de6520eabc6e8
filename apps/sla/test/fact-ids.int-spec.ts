/**
 * SLA events are facts with ids of their own: a rebuild that finds the clocks unchanged announces nothing, one that
 * finds them changed announces corrections of what was announced, and every id is the one its fact names.
 */
import { ClockAction, type CloudEvent, domainEvents, HoldReason, IncidentEvents, IncidentState, SlaEvents, SlaRpc } from '@itsm/contracts';
import { factEventId } from '@itsm/messaging';
import { ada, readEvents, sam, waitFor } from '@itsm/testing';
import { SlaHarness } from './support/sla-harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.now();
const ago = (ms: number) => new Date(NOW - ms);

type SlaEvent = CloudEvent<Record<string, unknown>>;

const LIFECYCLE_TYPES = new Set(
  [SlaEvents.clockStarted, SlaEvents.clockPaused, SlaEvents.clockResumed, SlaEvents.clockRetargeted, SlaEvents.achieved, SlaEvents.clockStopped, SlaEvents.clockCanceled].map((event) => event.type),
);

describe('ids and corrections of SLA events', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await SlaHarness.start();
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  /** Every SLA event on the stream about one ticket, in stream order. */
  async function eventsOf(ticketId: string): Promise<SlaEvent[]> {
    await h.outboxDrained();
    return (await readEvents(h.nc, domainEvents('sla'))).map((m) => m.body as SlaEvent).filter((event) => event.data['ticketId'] === ticketId);
  }

  async function correctionsOf(clockId: string): Promise<number | undefined> {
    const [row] = await h.database.query<{ corrections: number }>(`SELECT corrections FROM sla.clocks WHERE id = $1`, [clockId]);
    return row?.corrections;
  }

  /** A resolution clock on hold awaiting the caller for half an hour, opened two hours ago; its 25 % warning sent. */
  async function heldAndResumed(category: string, duration: string) {
    const policy = await h.policy({ name: `Facts ${category}`, conditions: { categories: [category] }, targets: [{ metric: 'resolution', duration, pauseStates: ['on_hold'], warnAt: [25] }] });
    const incident = await h.open(ago(2 * HOUR), { category });
    const held = await h.change(incident, { state: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller }, ago(90 * MINUTE), IncidentEvents.stateChanged);
    const resumed = await h.change(held, { state: IncidentState.InProgress, holdReason: null }, ago(HOUR), IncidentEvents.stateChanged);
    const [clock] = await h.clocksWhen(incident.id, (clocks) => clocks[0]?.history.length === 3 && clocks[0].alerts.length === 1, 'the resumed clock with its warning');
    return { policy, incident, resumed, clockId: clock?.id ?? '' };
  }

  it('announces nothing when a rebuild finds the clocks as they were', async () => {
    const { policy, incident } = await heldAndResumed('facts-unchanged', 'PT3H');
    const before = await eventsOf(incident.id);
    // The warning may go out before the pause is known: the incident was opened two hours ago, so a clock that has
    // heard only of the opening is already past 25 % when the alert scheduler looks. Either order is a true account.
    expect(before.map((event) => event.type).sort()).toEqual([SlaEvents.clockStarted.type, SlaEvents.clockPaused.type, SlaEvents.clockResumed.type, SlaEvents.warning.type].sort());

    const rebuilt = await h.rpc.call(SlaRpc.recomputeClocks, { ticket: incident.id }, { actor: sam });
    expect(rebuilt.differences).toEqual([]);
    // An edit that leaves the targets as they were rebuilds the open tickets of the policy all the same.
    await h.rpc.call(SlaRpc.updatePolicy, { id: policy.id, name: `${policy.name} (renamed)`, kind: 'sla', conditions: { categories: ['facts-unchanged'] }, targets: [{ metric: 'resolution', duration: 'PT3H', pauseStates: ['on_hold'], warnAt: [25] }] }, { actor: ada });
    await waitFor(async () => (await h.database.query<{ stale: boolean }>(`SELECT stale FROM sla.tickets WHERE id = $1`, [incident.id]))[0]?.stale === false, { what: 'the rebuild after the edit' });

    await expect(eventsOf(incident.id)).resolves.toEqual(before);
  });

  it('corrects the announced entries when a policy change rebuilds them, naming the events that announced them, and never starts the clock again', async () => {
    const { policy, incident, clockId } = await heldAndResumed('facts-retargeted', 'PT3H');
    const announced = (await eventsOf(incident.id)).filter((event) => LIFECYCLE_TYPES.has(event.type));
    expect(announced.map((event) => event.data['targetSeconds'])).toEqual([3 * 3600, 3 * 3600, 3 * 3600]);

    await h.rpc.call(SlaRpc.updatePolicy, { id: policy.id, name: policy.name, kind: 'sla', conditions: { categories: ['facts-retargeted'] }, targets: [{ metric: 'resolution', duration: 'PT1H', pauseStates: ['on_hold'], warnAt: [25] }] }, { actor: ada });
    await h.clocksWhen(incident.id, (clocks) => clocks[0]?.targetSeconds === 3600 && clocks[0].alerts.some((alert) => alert.kind === 'breached'), 'the retargeted clock with its breach');
    // A second rebuild under the same rules finds nothing more to say.
    await h.rpc.call(SlaRpc.recomputeClocks, { ticket: incident.id }, { actor: sam });

    const events = await eventsOf(incident.id);
    const corrections = events.filter((event) => event.type === SlaEvents.clockCorrected.type);
    expect(corrections.map((event) => [event.data['index'], event.data['correctsEventId']])).toEqual(announced.map((event, index) => [index, event.id]));
    for (const [index, correction] of corrections.entries()) {
      const original = announced[index] as SlaEvent;
      const { state, at, reason, elapsedSeconds, targetSeconds, dueAt } = original.data;
      expect(correction.data).toMatchObject({ clockId, previous: { state, at, reason, elapsedSeconds, targetSeconds, dueAt }, current: { targetSeconds: 3600 } });
    }
    expect((corrections[0] as SlaEvent).data['current']).toMatchObject({ action: ClockAction.Started, at: incident.createdAt, elapsedSeconds: 0 });
    expect(events.filter((event) => event.type === SlaEvents.clockStarted.type)).toEqual([announced[0]]);
    expect(events.filter((event) => LIFECYCLE_TYPES.has(event.type))).toEqual(announced);
    expect(events.filter((event) => event.type === SlaEvents.breached.type)).toHaveLength(1);
  });

  it('retracts announced entries a rebuild no longer has, once however often it rebuilds', async () => {
    const { policy, incident, clockId } = await heldAndResumed('facts-retracted', 'PT5H');
    const announced = (await eventsOf(incident.id)).filter((event) => LIFECYCLE_TYPES.has(event.type));

    // Without its pause state the policy never paused the clock: the pause and the resumption did not happen.
    await h.rpc.call(SlaRpc.updatePolicy, { id: policy.id, name: policy.name, kind: 'sla', conditions: { categories: ['facts-retracted'] }, targets: [{ metric: 'resolution', duration: 'PT5H', warnAt: [25] }] }, { actor: ada });
    await h.clocksWhen(incident.id, (clocks) => clocks[0]?.history.length === 1, 'the clock without its pause');
    await h.rpc.call(SlaRpc.recomputeClocks, { ticket: incident.id }, { actor: sam });

    const corrections = (await eventsOf(incident.id)).filter((event) => event.type === SlaEvents.clockCorrected.type);
    expect(corrections.map((event) => event.data)).toEqual([
      expect.objectContaining({ clockId, index: 1, correctsEventId: announced[1]?.id, previous: expect.objectContaining({ action: ClockAction.Paused, state: 'paused' }), current: null }),
      expect.objectContaining({ clockId, index: 2, correctsEventId: announced[2]?.id, previous: expect.objectContaining({ action: ClockAction.Resumed, state: 'running' }), current: null }),
    ]);
    expect(corrections.map((event) => event.id)).toEqual([1, 2].map((index) => factEventId('itsm/sla', clockId, 'history', index, 'corrected', index)));
  });

  it('gives every SLA event the id of its fact, each id once on the stream', async () => {
    const { policy, incident, resumed, clockId } = await heldAndResumed('facts-ids', 'PT3H');
    await h.rpc.call(SlaRpc.updatePolicy, { id: policy.id, name: policy.name, kind: 'sla', conditions: { categories: ['facts-ids'] }, targets: [{ metric: 'resolution', duration: 'PT1H', pauseStates: ['on_hold'], warnAt: [25] }] }, { actor: ada });
    await h.clocksWhen(incident.id, (clocks) => clocks[0]?.alerts.some((alert) => alert.kind === 'breached') === true, 'the breach of the retargeted clock');
    await h.change(resumed, { state: IncidentState.Resolved, resolvedAt: ago(MINUTE).toISOString() }, ago(MINUTE), IncidentEvents.stateChanged);
    await h.clocksWhen(incident.id, (clocks) => clocks[0]?.history.length === 4, 'the stopped clock');

    const events = await eventsOf(incident.id);
    const expected: string[] = [];
    let lifecycle = 0;
    let corrected = 0;
    for (const event of events) {
      expect(event.subject).toBe(clockId);
      if (LIFECYCLE_TYPES.has(event.type)) expected.push(factEventId('itsm/sla', clockId, 'history', lifecycle++));
      else if (event.type === SlaEvents.warning.type) expected.push(factEventId('itsm/sla', clockId, 'warning', event.data['thresholdPercent'] as number));
      else if (event.type === SlaEvents.breached.type) expected.push(factEventId('itsm/sla', clockId, 'breached'));
      else if (event.type === SlaEvents.clockCorrected.type) {
        const index = event.data['index'] as number;
        corrected += 1;
        expected.push(factEventId('itsm/sla', clockId, 'history', index, 'corrected', corrected));
      } else expected.push(`unexpected ${event.type}`);
    }
    expect(events.map((event) => event.type)).toEqual([
      SlaEvents.clockStarted.type,
      SlaEvents.clockPaused.type,
      SlaEvents.clockResumed.type,
      SlaEvents.warning.type,
      SlaEvents.clockCorrected.type,
      SlaEvents.clockCorrected.type,
      SlaEvents.clockCorrected.type,
      SlaEvents.breached.type,
      SlaEvents.clockStopped.type,
    ]);
    expect(events.map((event) => event.id)).toEqual(expected);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    // The clock counts the corrections it announced: the next one gets the next number.
    await expect(correctionsOf(clockId)).resolves.toBe(corrected);
  });
});
