/** Warnings and breaches on time and exactly once, with one replica of the sla service and with two. */
import { IncidentEvents, IncidentState, SlaEvents } from '@itsm/contracts';
import { waitFor } from '@itsm/testing';
import { SlaHarness } from './support/sla-harness';

const SECOND = 1000;
/** How late an alert may arrive after the moment it is due. */
const ON_TIME_MS = 2 * SECOND;

describe.each([1, 2])('SLA alerts with %i replica(s)', (replicas) => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await SlaHarness.start({}, { replicas });
    await h.policy({
      name: 'Seconds',
      conditions: { ticketTypes: ['incident'], categories: ['timers'] },
      targets: [{ metric: 'resolution', duration: 4, warnAt: [50, 75] }],
    });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  it('emits each warning and the breach within two seconds of its moment, and each once', async () => {
    const opened = new Date();
    const incident = await h.open(opened, { category: 'timers' });
    const breach = await waitFor(() => h.arrived(SlaEvents.breached, incident.id)[0], { what: 'the breach', timeoutMs: 15 * SECOND });
    const warnings = h.arrived(SlaEvents.warning, incident.id);
    expect(warnings.map((warning) => warning.event.data['thresholdPercent'])).toEqual([50, 75]);
    for (const [received, percent] of [...warnings.map((warning) => [warning, warning.event.data['thresholdPercent'] as number] as const), [breach, 100] as const]) {
      const due = opened.getTime() + (4 * SECOND * percent) / 100;
      expect(received.receivedAt).toBeGreaterThanOrEqual(due);
      expect(received.receivedAt - due).toBeLessThanOrEqual(ON_TIME_MS);
    }
    expect(breach.event.data).toMatchObject({ metric: 'resolution', policyName: 'Seconds', elapsedSeconds: 4, targetSeconds: 4, dueAt: new Date(opened.getTime() + 4 * SECOND).toISOString() });
    // Schedulers keep running for a while: nothing is sent twice.
    await new Promise((resolve) => setTimeout(resolve, 2 * SECOND));
    await expect(h.stored(SlaEvents.warning, incident.id)).resolves.toHaveLength(2);
    await expect(h.stored(SlaEvents.breached, incident.id)).resolves.toHaveLength(1);
  });

  it('sends one warning and one breach per clock for a burst of clocks falling due together', async () => {
    const opened = new Date();
    const incidents = await Promise.all(Array.from({ length: 30 }, () => h.open(opened, { category: 'timers' })));
    await waitFor(async () => {
      const [row] = await h.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM sla.clock_alerts WHERE threshold_percent = 100`);
      return (row?.n ?? 0) >= 31;
    }, { what: 'every breach', timeoutMs: 20 * SECOND });
    await new Promise((resolve) => setTimeout(resolve, 2 * SECOND));
    const breaches = await h.stored(SlaEvents.breached, incidents[0]?.id ?? '');
    expect(breaches).toHaveLength(1);
    const all = h.received.filter((entry) => entry.type === SlaEvents.breached.type || entry.type === SlaEvents.warning.type);
    const keys = all.map((entry) => `${String(entry.event.data['clockId'])}/${String(entry.event.data['thresholdPercent'] ?? 100)}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const incident of incidents) expect(h.arrived(SlaEvents.breached, incident.id)).toHaveLength(1);
  });

  it('owes nothing once the incident is resolved in time, and announces the achievement', async () => {
    const opened = new Date();
    const incident = await h.open(opened, { category: 'timers' });
    await h.change(incident, { state: IncidentState.Resolved, respondedAt: new Date().toISOString(), resolvedAt: new Date().toISOString() }, new Date(opened.getTime() + 100), IncidentEvents.stateChanged);
    await waitFor(() => h.arrived(SlaEvents.achieved, incident.id)[0], { what: 'the achievement' });
    await new Promise((resolve) => setTimeout(resolve, 5 * SECOND));
    expect(h.arrived(SlaEvents.breached, incident.id)).toEqual([]);
    expect(h.arrived(SlaEvents.warning, incident.id)).toEqual([]);
  });
});
