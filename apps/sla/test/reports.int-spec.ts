/** The SLA reports (compliance, MTTA/MTTR, breaches) over a known set of clocks built from ticket events in the past. */
import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type BreachesQuery,
  ClockState,
  type ClockView,
  type ComplianceRow,
  IncidentEvents,
  IncidentState,
  type IncidentView,
  HoldReason,
  Priority,
  RequestEvents,
  Role,
  type SlaMetric,
  SlaRpc,
} from '@itsm/contracts';
import { ada, fieldsOf, sam } from '@itsm/testing';
import { SlaHarness } from './support/sla-harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.now();
/** The instant `hours` (and `minutes`) before the test started. */
const ago = (hours: number, minutes = 0) => new Date(NOW - hours * HOUR - minutes * MINUTE);
const iso = (date: Date) => date.toISOString();

const mia: Actor = { sub: 'mia', name: 'Mia Manager', roles: [Role.Manager] };

// Sorted as text, the way the report orders its keys.
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const S3 = '33333333-3333-4333-8333-333333333333';

/** Everything the data set holds, and a little past now (a running clock's breach is as of the query). */
const ALL = { from: iso(ago(48)), to: new Date(NOW + MINUTE).toISOString() };
/** Starts at the moment I2 is resolved (inclusive) and ends at the moment I7 responds (exclusive). */
const PART = { from: iso(ago(21)), to: iso(ago(5, 15)) };
/** Before any ticket existed. */
const NOTHING = { from: iso(ago(100)), to: iso(ago(50)) };

const row = (key: string | null, label: string | null, total: number, achieved: number, compliancePercent: number | null): ComplianceRow => ({
  key,
  label,
  total,
  achieved,
  breached: total - achieved,
  compliancePercent,
});

describe('SLA reports', () => {
  let h: SlaHarness;
  let policyA: string;
  let policyB: string;
  let policyC: string;
  /** Clocks by `<ticket name>/<metric>`, as stored once every event was applied. */
  const clocks = new Map<string, ClockView>();
  const clock = (name: string, metric: SlaMetric): ClockView => {
    const found = clocks.get(`${name}/${metric}`);
    if (!found) throw new Error(`no ${metric} clock of ${name}`);
    return found;
  };

  const respond = (incident: IncidentView, at: Date) =>
    h.change(incident, { state: IncidentState.InProgress, assigneeId: 'sam', respondedAt: iso(at) }, at, IncidentEvents.stateChanged);
  const resolve = (incident: IncidentView, at: Date) => h.change(incident, { state: IncidentState.Resolved, resolvedAt: iso(at) }, at, IncidentEvents.stateChanged);

  /** Waits until the ticket's clocks are in the expected states (every event applied) and keeps them. */
  async function settled(name: string, ticketId: string, states: Partial<Record<SlaMetric, ClockState>>): Promise<void> {
    const expected = Object.entries(states).sort();
    const found = await h.clocksWhen(
      ticketId,
      (candidates) => JSON.stringify(candidates.map((candidate) => [candidate.metric, candidate.state]).sort()) === JSON.stringify(expected),
      `${name}'s clocks`,
    );
    for (const candidate of found) clocks.set(`${name}/${candidate.metric}`, candidate);
  }

  beforeAll(async () => {
    h = await SlaHarness.start();
    // All three on the 24x7 calendar: business time is wall time except while a clock is paused.
    policyA = (
      await h.policy({
        name: 'Reports P-all',
        conditions: { categories: ['reports'] },
        targets: [
          { metric: 'response', duration: 'PT1H' },
          { metric: 'resolution', duration: 'PT4H', pauseStates: ['on_hold'] },
        ],
      })
    ).id;
    policyB = (
      await h.policy({
        name: 'Reports B',
        conditions: { categories: ['reports-b'] },
        targets: [
          { metric: 'response', duration: 'PT30M' },
          { metric: 'resolution', duration: 'PT2H' },
        ],
      })
    ).id;
    policyC = (await h.policy({ name: 'Reports requests', conditions: { ticketTypes: ['request'] }, targets: [{ metric: 'resolution', duration: 'PT8H' }] })).id;

    const a = { category: 'reports' };
    const b = { category: 'reports-b' };
    // I1: responded after 20 min, resolved after 3 h: both in time.
    const i1 = await h.open(ago(30), { ...a, priority: Priority.P2, serviceId: S1, assignmentGroup: 'desk' });
    await resolve(await respond(i1, ago(29, 40)), ago(27));
    // I2: responded after 2 h and resolved after 7 h: both late (breaches 27 h and 24 h ago).
    const i2 = await h.open(ago(28), { ...a, priority: Priority.P3, serviceId: S2, assignmentGroup: 'network' });
    await resolve(await respond(i2, ago(26)), ago(21));
    // I3: responded after 30 min, on hold for 3 h, resolved 6 h after opening: 3 h of business time.
    const i3 = await h.open(ago(20), { ...a, priority: Priority.P2, serviceId: S1, assignmentGroup: 'network' });
    const i3Held = await h.change(await respond(i3, ago(19, 30)), { state: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller }, ago(19), IncidentEvents.stateChanged);
    await resolve(await h.change(i3Held, { state: IncidentState.InProgress, holdReason: null }, ago(16), IncidentEvents.stateChanged), ago(14));
    // I4: opened 10 h ago and never touched since: both clocks still running, past due 9 h and 6 h ago.
    const i4 = await h.open(ago(10), { ...a, priority: Priority.P1, serviceId: S2, assignmentGroup: 'desk' });
    // I5: canceled after both clocks passed their targets; canceled clocks count nowhere.
    const i5 = await h.open(ago(12), { ...a, priority: Priority.P4, serviceId: S1, assignmentGroup: 'desk' });
    await h.change(i5, { state: IncidentState.Canceled }, ago(5), IncidentEvents.stateChanged);
    // I6: policy B, both in time.
    const i6 = await h.open(ago(8), { ...b, priority: Priority.P3, serviceId: S3, assignmentGroup: 'apps' });
    await resolve(await respond(i6, ago(7, 50)), ago(7));
    // I7: policy B, responded after 45 min (late, breach 5 h 30 min ago), resolved after 1 h 30 min (in time).
    const i7 = await h.open(ago(6), { ...b, priority: Priority.P3, serviceId: S3, assignmentGroup: 'apps' });
    await resolve(await respond(i7, ago(5, 15)), ago(4, 30));
    // R1: a request submitted 14 h ago, still open: its resolution clock breached 6 h ago, the moment I4's did.
    const r1 = randomUUID();
    await h.publishEvent(
      RequestEvents.stateChanged,
      r1,
      { requestId: r1, number: 'REQ0004711', itemId: randomUUID(), requesterId: 'alice', requesterGroups: [], from: null, to: 'submitted', changedBy: 'alice', reason: null, version: 1 },
      iso(ago(14)),
    );

    await settled('I1', i1.id, { response: ClockState.Achieved, resolution: ClockState.Achieved });
    await settled('I2', i2.id, { response: ClockState.Breached, resolution: ClockState.Breached });
    await settled('I3', i3.id, { response: ClockState.Achieved, resolution: ClockState.Achieved });
    await settled('I4', i4.id, { response: ClockState.Breached, resolution: ClockState.Breached });
    await settled('I5', i5.id, { response: ClockState.Canceled, resolution: ClockState.Canceled });
    await settled('I6', i6.id, { response: ClockState.Achieved, resolution: ClockState.Achieved });
    await settled('I7', i7.id, { response: ClockState.Breached, resolution: ClockState.Achieved });
    await settled('R1', r1, { resolution: ClockState.Breached });
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  describe('compliance', () => {
    it('counts per policy the clocks that ended or breached in the period, running past-due ones as breached and canceled ones not at all', async () => {
      const report = await h.rpc.call(SlaRpc.complianceReport, { ...ALL, groupBy: 'policy' }, { actor: ada });
      const expected = [row(policyA, 'Reports P-all', 8, 4, 50), row(policyB, 'Reports B', 4, 3, 75), row(policyC, 'Reports requests', 1, 0, 0)].sort((x, y) =>
        (x.key ?? '') < (y.key ?? '') ? -1 : 1,
      );
      expect(report).toEqual({ from: ALL.from, to: ALL.to, groupBy: 'policy', rows: expected, overall: row(null, null, 13, 7, 53.8) });
    });

    it('groups by priority, with the request (no priority) last', async () => {
      const report = await h.rpc.call(SlaRpc.complianceReport, { ...ALL, groupBy: 'priority' }, { actor: ada });
      expect(report.rows).toEqual([row('P1', null, 2, 0, 0), row('P2', null, 4, 4, 100), row('P3', null, 6, 3, 50), row(null, null, 1, 0, 0)]);
      expect(report.overall).toEqual(row(null, null, 13, 7, 53.8));
    });

    it('groups by affected service', async () => {
      const report = await h.rpc.call(SlaRpc.complianceReport, { ...ALL, groupBy: 'service' }, { actor: ada });
      expect(report.rows).toEqual([row(S1, null, 4, 4, 100), row(S2, null, 4, 0, 0), row(S3, null, 4, 3, 75), row(null, null, 1, 0, 0)]);
    });

    it('groups by assignment group', async () => {
      const report = await h.rpc.call(SlaRpc.complianceReport, { ...ALL, groupBy: 'group' }, { actor: ada });
      expect(report.rows).toEqual([row('apps', null, 4, 3, 75), row('desk', null, 4, 2, 50), row('network', null, 4, 2, 50), row(null, null, 1, 0, 0)]);
    });

    it('groups by policy when no grouping is asked for', async () => {
      const report = await h.rpc.call(SlaRpc.complianceReport, { ...ALL }, { actor: ada });
      expect(report.groupBy).toBe('policy');
      expect(report.rows.map((r) => r.key).sort()).toEqual([policyA, policyB, policyC].sort());
    });

    it('counts a late clock in the period it breached in, not the one it stopped in', async () => {
      // A: I3 both, I4 both (breached in the period); not I2's late resolution (breached 24 h ago, before `from`,
      // though it stopped at `from`). B: I6 both, and I7's late response (breached in the period, stopped at `to`).
      // C: R1 (breached in the period).
      const report = await h.rpc.call(SlaRpc.complianceReport, { ...PART, groupBy: 'priority' }, { actor: ada });
      expect(report.rows).toEqual([row('P1', null, 2, 0, 0), row('P2', null, 2, 2, 100), row('P3', null, 3, 2, 66.7), row(null, null, 1, 0, 0)]);
      expect(report.overall).toEqual(row(null, null, 8, 4, 50));
      const byPolicy = await h.rpc.call(SlaRpc.complianceReport, { ...PART, groupBy: 'policy' }, { actor: ada });
      expect(byPolicy.rows.find((r) => r.key === policyA)).toEqual(row(policyA, 'Reports P-all', 4, 2, 50));
      expect(byPolicy.rows.find((r) => r.key === policyB)).toEqual(row(policyB, 'Reports B', 3, 2, 66.7));
    });

    it('gives no rows and no percentage for a period in which nothing ended or breached', async () => {
      const report = await h.rpc.call(SlaRpc.complianceReport, { ...NOTHING, groupBy: 'service' }, { actor: ada });
      expect(report).toEqual({ from: NOTHING.from, to: NOTHING.to, groupBy: 'service', rows: [], overall: row(null, null, 0, 0, null) });
    });

    it('narrows to a ticket type, a metric and a policy', async () => {
      const requests = await h.rpc.call(SlaRpc.complianceReport, { ...ALL, ticketType: 'request' }, { actor: ada });
      expect(requests.rows).toEqual([row(policyC, 'Reports requests', 1, 0, 0)]);
      const responses = await h.rpc.call(SlaRpc.complianceReport, { ...ALL, metric: 'response', groupBy: 'group' }, { actor: ada });
      expect(responses.rows).toEqual([row('apps', null, 2, 1, 50), row('desk', null, 2, 1, 50), row('network', null, 2, 1, 50)]);
      const onlyB = await h.rpc.call(SlaRpc.complianceReport, { ...ALL, policyId: policyB, groupBy: 'priority' }, { actor: ada });
      expect(onlyB.rows).toEqual([row('P3', null, 4, 3, 75)]);
      const olas = await h.rpc.call(SlaRpc.complianceReport, { ...ALL, kind: 'ola' }, { actor: ada });
      expect(olas.overall.total).toBe(0);
    });
  });

  describe('response times', () => {
    it('gives MTTA and MTTR as mean and p90 in business and wall seconds, the hold left out of business time only', async () => {
      const report = await h.rpc.call(SlaRpc.responseTimesReport, ALL, { actor: ada });
      // Responses (business = wall): 20 min, 2 h, 30 min, 10 min, 45 min → 600, 1200, 1800, 2700, 7200 s;
      // p90 (interpolated) = 2700 + 0.6 × 4500.
      const mtta = { count: 5, business: { mean: 2700, p90: 5400 }, wall: { mean: 2700, p90: 5400 } };
      // Resolutions: I1 3 h, I2 7 h, I3 3 h (wall 6 h), I6 1 h, I7 1 h 30 min; R1 is still running.
      // Business 3600, 5400, 10800, 10800, 25200: mean 11160, p90 = 10800 + 0.6 × 14400.
      // Wall 3600, 5400, 10800, 21600, 25200: mean 13320, p90 = 21600 + 0.6 × 3600.
      const mttr = { count: 5, business: { mean: 11_160, p90: 19_440 }, wall: { mean: 13_320, p90: 23_760 } };
      expect(report).toEqual({ from: ALL.from, to: ALL.to, mtta, mttr });
    });

    it('measures only the clocks stopped within the period', async () => {
      const report = await h.rpc.call(SlaRpc.responseTimesReport, PART, { actor: ada });
      // Responses of I3 and I6: 1800 and 600 s. Resolutions of I2, I3 and I6: business 25200, 10800, 3600; wall 25200, 21600, 3600.
      expect(report.mtta).toEqual({ count: 2, business: { mean: 1200, p90: 1680 }, wall: { mean: 1200, p90: 1680 } });
      expect(report.mttr).toEqual({ count: 3, business: { mean: 13_200, p90: 22_320 }, wall: { mean: 16_800, p90: 24_480 } });
    });

    it('narrows to one policy', async () => {
      const report = await h.rpc.call(SlaRpc.responseTimesReport, { ...ALL, policyId: policyB }, { actor: ada });
      expect(report.mtta).toEqual({ count: 2, business: { mean: 1650, p90: 2490 }, wall: { mean: 1650, p90: 2490 } });
      expect(report.mttr).toEqual({ count: 2, business: { mean: 4500, p90: 5220 }, wall: { mean: 4500, p90: 5220 } });
    });

    it('gives a count of zero and no figures for an empty period', async () => {
      const none = { count: 0, business: { mean: null, p90: null }, wall: { mean: null, p90: null } };
      await expect(h.rpc.call(SlaRpc.responseTimesReport, NOTHING, { actor: ada })).resolves.toEqual({ ...NOTHING, mtta: none, mttr: none });
    });
  });

  describe('breaches', () => {
    /** Every clock that breached in the data set, the latest breach first (equal breach times: higher id first). */
    const latestFirst = () => {
      const tied = [clock('I4', 'resolution').id, clock('R1', 'resolution').id].sort().reverse();
      return [clock('I7', 'response').id, ...tied, clock('I4', 'response').id, clock('I2', 'resolution').id, clock('I2', 'response').id];
    };

    it('lists the clocks that passed their target in the period, the latest breach first, without the canceled ones', async () => {
      const page = await h.rpc.call(SlaRpc.breachesReport, ALL, { actor: ada });
      expect(page.items.map((item) => item.id)).toEqual(latestFirst());
      expect(page.nextCursor).toBeNull();
      expect(page.items.find((item) => item.id === clock('I2', 'response').id)).toMatchObject({ state: ClockState.Breached, metric: 'response', targetSeconds: 3600, elapsedSeconds: 7200 });
      expect(page.items.find((item) => item.id === clock('I4', 'resolution').id)).toMatchObject({ state: ClockState.Breached, active: true, dueAt: iso(ago(6)) });
    });

    it('pages with limit 1 through every breach once, in the same order', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages += 1) {
        const query: BreachesQuery = { ...ALL, limit: 1, ...(cursor ? { cursor } : {}) };
        const page = await h.rpc.call(SlaRpc.breachesReport, query, { actor: ada });
        expect(page.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.items.map((item) => item.id));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(latestFirst());
    });

    it('keeps to the period and narrows to a ticket type or a policy', async () => {
      const inPart = await h.rpc.call(SlaRpc.breachesReport, PART, { actor: ada });
      expect(inPart.items.map((item) => item.id).sort()).toEqual([clock('I4', 'resolution').id, clock('R1', 'resolution').id, clock('I7', 'response').id, clock('I4', 'response').id].sort());
      const requests = await h.rpc.call(SlaRpc.breachesReport, { ...ALL, ticketType: 'request' }, { actor: ada });
      expect(requests.items.map((item) => item.id)).toEqual([clock('R1', 'resolution').id]);
      const incidents = await h.rpc.call(SlaRpc.breachesReport, { ...ALL, ticketType: 'incident' }, { actor: ada });
      expect(incidents.items.map((item) => item.id)).toEqual(latestFirst().filter((id) => id !== clock('R1', 'resolution').id));
      const onlyB = await h.rpc.call(SlaRpc.breachesReport, { ...ALL, policyId: policyB }, { actor: ada });
      expect(onlyB.items.map((item) => item.id)).toEqual([clock('I7', 'response').id]);
      await expect(h.rpc.call(SlaRpc.breachesReport, NOTHING, { actor: ada })).resolves.toEqual({ items: [], nextCursor: null });
    });
  });

  describe('access and bad input', () => {
    it('lets managers read every report', async () => {
      await expect(h.rpc.call(SlaRpc.complianceReport, { ...ALL, groupBy: 'group' }, { actor: mia })).resolves.toMatchObject({ overall: row(null, null, 13, 7, 53.8) });
      await expect(h.rpc.call(SlaRpc.responseTimesReport, ALL, { actor: mia })).resolves.toMatchObject({ mtta: { count: 5 }, mttr: { count: 5 } });
      await expect(h.rpc.call(SlaRpc.breachesReport, ALL, { actor: mia })).resolves.toMatchObject({ items: expect.any(Array) });
    });

    it('refuses every report to agents', async () => {
      await expect(h.rpc.call(SlaRpc.complianceReport, ALL, { actor: sam })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(h.rpc.call(SlaRpc.responseTimesReport, ALL, { actor: sam })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(h.rpc.call(SlaRpc.breachesReport, ALL, { actor: sam })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('refuses a period that ends before it starts, naming `to`', async () => {
      const backwards = { from: ALL.to, to: ALL.from };
      for (const call of [
        h.rpc.call(SlaRpc.complianceReport, backwards, { actor: ada }),
        h.rpc.call(SlaRpc.responseTimesReport, backwards, { actor: ada }),
        h.rpc.call(SlaRpc.breachesReport, backwards, { actor: ada }),
      ]) {
        const refused = await call.catch((error: unknown) => error);
        expect(refused).toMatchObject({ code: 'UNPROCESSABLE', reason: 'SLA_REPORT_PERIOD_EMPTY', message: 'the period is empty: to' });
        expect(fieldsOf(refused)).toEqual(['to']);
      }
    });

    it('refuses a cursor it did not hand out, naming `cursor`, also one that decodes but names no clock', async () => {
      const forged = Buffer.from(JSON.stringify(['2026-11-28T04:00:00.000Z', 'x'])).toString('base64url');
      for (const cursor of ['not-a-cursor', forged]) {
        const refused = await h.rpc.call(SlaRpc.breachesReport, { ...ALL, cursor }, { actor: ada }).catch((error: unknown) => error);
        expect(refused).toMatchObject({ code: 'VALIDATION', reason: 'INVALID_CURSOR' });
        expect(fieldsOf(refused)).toEqual(['cursor']);
      }
    });
  });
});
