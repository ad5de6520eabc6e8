/**
 * The change reports on a small known set: changes as their lifecycle leaves them (written as rows), incidents as
 * the incident events bring them in (published on the stream, the observations kept by the service's consumer).
 */
import { randomUUID } from 'node:crypto';
import { ChangeOutcome, ChangeRpc, ChangeState, ChangeType, ErrorCode, type IncidentView } from '@itsm/contracts';
import { alice, fieldsOf, sam, waitFor } from '@itsm/testing';
import type { ChangeHarness } from './support/change-harness';
import { type ChangeRowSeed, insertChange } from './support/change-rows';
import { ChangeWorld, windowOf } from './support/change-world';
import { ciIdsChanged, created, incidentOpened, type IncidentMessage, publishAll } from './support/incident-events';

const PERIOD = { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' };
const EMPTY = { from: '2024-01-01T00:00:00.000Z', to: '2024-02-01T00:00:00.000Z' };
const [CI_A, CI_B, CI_C, CI_D, CI_E] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()] as const;

describe('change reports', () => {
  let w: ChangeWorld;
  let h: ChangeHarness;
  const changes: Record<string, string> = {};
  const incidents: Record<string, IncidentView> = {};

  const change = async (name: string, seed: Omit<ChangeRowSeed, 'number'> & { number: string }) => {
    changes[name] = await insertChange(h, seed);
  };
  const implemented = (implementedAt: string, outcome: ChangeOutcome, backoutPerformed = false): Partial<ChangeRowSeed> => ({
    state: ChangeState.Review,
    implementedAt,
    outcome,
    backoutPerformed,
  });
  const incident = (name: string, openedAt: string, ciIds: string[]): IncidentView => {
    incidents[name] = incidentOpened(openedAt, ciIds);
    return incidents[name];
  };
  const incidentId = (name: string): string => incidents[name]?.id ?? '';

  beforeAll(async () => {
    w = await ChangeWorld.start();
    h = w.h;
    await change('c1', { number: 'CHG9100001', createdAt: '2025-02-25T00:00:00.000Z', ciIds: [CI_A], ...implemented('2025-03-02T10:00:00.000Z', ChangeOutcome.Successful) });
    await change('c2', { number: 'CHG9100002', createdAt: PERIOD.from, ciIds: [CI_B], ...implemented('2025-03-05T10:00:00.000Z', ChangeOutcome.SuccessfulWithIssues) });
    await change('c3', { number: 'CHG9100003', type: ChangeType.Emergency, createdAt: '2025-03-05T00:00:00.000Z', ciIds: [CI_A, CI_C], ...implemented('2025-03-06T10:00:00.000Z', ChangeOutcome.Failed, true) });
    await change('c4', { number: 'CHG9100004', type: ChangeType.Standard, createdAt: '2025-03-06T00:00:00.000Z', ciIds: [CI_C], ...implemented('2025-03-06T20:00:00.000Z', ChangeOutcome.Successful) });
    await change('c5', { number: 'CHG9100005', createdAt: '2025-03-20T00:00:00.000Z', ciIds: [CI_A], ...implemented(PERIOD.to, ChangeOutcome.Failed) });
    await change('c6', { number: 'CHG9100006', type: ChangeType.Emergency, createdAt: '2025-03-25T00:00:00.000Z', ciIds: [CI_B], state: ChangeState.Scheduled });
    await change('c7', { number: 'CHG9100007', createdAt: PERIOD.to, ciIds: [CI_A] });
    await change('c8', { number: 'CHG9100008', createdAt: '2025-02-01T00:00:00.000Z', ciIds: [CI_E], ...implemented('2025-03-10T10:00:00.000Z', ChangeOutcome.Successful) });

    incident('i1', '2025-03-02T12:00:00.000Z', [CI_A]); // c1, 2 h after
    incident('i2', '2025-03-03T09:59:00.000Z', [CI_A]); // c1, just inside 24 h
    incident('i3', '2025-03-03T10:00:00.000Z', [CI_A]); // 24 h after c1: outside
    incident('i4', '2025-03-06T11:00:00.000Z', [CI_A, CI_C]); // c3 (before c4 was implemented)
    incident('i5', '2025-03-06T09:00:00.000Z', [CI_C]); // before c3: not caused by it
    incident('i6', '2025-03-07T15:00:00.000Z', [CI_C]); // c4 (c3's window has ended)
    incident('i7', '2025-03-05T10:30:00.000Z', []); // on c2's CI only from its second version
    incident('i8', '2025-03-02T11:00:00.000Z', [CI_D]); // a CI no change touched
    incident('i9', '2025-04-01T01:00:00.000Z', [CI_A]); // after c5, implemented outside the period
    incident('i10', '2025-03-02T13:00:00.000Z', [CI_A]); // moved off c1's CI by its second version
    incident('i11', '2025-03-07T08:00:00.000Z', [CI_C]); // within the windows of both c3 and c4
    const messages: IncidentMessage[] = [
      ...Object.values(incidents).map(created),
      ciIdsChanged(incidents['i7'] as IncidentView, [CI_B]).message,
      ciIdsChanged(incidents['i10'] as IncidentView, [CI_D]).message,
      // Version 1 of i7 again, late: the newer version stays.
      created(incidents['i7'] as IncidentView),
    ];
    const eventIds = await publishAll(h.nc, messages);
    await waitFor(async () => (await h.count(`inbox WHERE event_id = ANY($1::uuid[])`, [eventIds])) === eventIds.length, { what: 'the incident events handled' });
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('keeps the newest version of each incident’s CIs and opening time', async () => {
    await expect(h.database.query(`SELECT version, ci_ids, opened_at FROM change.incident_observations WHERE incident_id = $1`, [incidentId('i7')])).resolves.toEqual([
      { version: 2, ci_ids: [CI_B], opened_at: new Date('2025-03-05T10:30:00.000Z') },
    ]);
    await expect(h.count('incident_observations WHERE incident_id = ANY($1::uuid[])', [Object.values(incidents).map((seeded) => seeded.id)])).resolves.toBe(11);
  });

  it('count the changes implemented in the period by outcome, those backed out, and the success rate', async () => {
    // c1, c2, c3, c4 and c8; c5 was implemented at the end of the period.
    await expect(h.rpc.call(ChangeRpc.successRateReport, PERIOD, { actor: sam })).resolves.toEqual({
      ...PERIOD,
      implemented: 5,
      outcomes: [
        { outcome: ChangeOutcome.Successful, count: 3 },
        { outcome: ChangeOutcome.SuccessfulWithIssues, count: 1 },
        { outcome: ChangeOutcome.Failed, count: 1 },
      ],
      backedOut: 1,
      successRate: 0.8,
    });
    await expect(h.rpc.call(ChangeRpc.successRateReport, EMPTY, { actor: sam })).resolves.toMatchObject({ implemented: 0, backedOut: 0, successRate: null });
  });

  it('count the changes raised in the period by type, and the share of emergencies', async () => {
    // c2 (raised at the start), c3, c4, c5, c6; c7 at the end of the period.
    await expect(h.rpc.call(ChangeRpc.emergencyRatioReport, PERIOD, { actor: sam })).resolves.toEqual({
      ...PERIOD,
      total: 5,
      types: [
        { type: ChangeType.Standard, count: 1 },
        { type: ChangeType.Normal, count: 2 },
        { type: ChangeType.Emergency, count: 2 },
      ],
      emergencyRatio: 0.4,
    });
    await expect(h.rpc.call(ChangeRpc.emergencyRatioReport, EMPTY, { actor: sam })).resolves.toMatchObject({ total: 0, emergencyRatio: null });
  });

  it('list the changes followed within the window by incidents on their CIs, most first, each incident counted once', async () => {
    const row = (name: string, implementedAt: string, outcome: ChangeOutcome, incidentNames: string[]) => ({
      changeId: changes[name],
      number: `CHG910000${name.slice(1)}`,
      title: `Change CHG910000${name.slice(1)}`,
      outcome,
      implementedAt,
      incidentIds: incidentNames.map(incidentId),
    });
    await expect(h.rpc.call(ChangeRpc.causedIncidentsReport, PERIOD, { actor: sam })).resolves.toEqual({
      ...PERIOD,
      implemented: 5,
      withIncidents: 4,
      incidents: 6,
      ratio: 0.8,
      windowHours: 24,
      top: [
        row('c1', '2025-03-02T10:00:00.000Z', ChangeOutcome.Successful, ['i1', 'i2']),
        row('c3', '2025-03-06T10:00:00.000Z', ChangeOutcome.Failed, ['i4', 'i11']),
        row('c4', '2025-03-06T20:00:00.000Z', ChangeOutcome.Successful, ['i11', 'i6']),
        row('c2', '2025-03-05T10:00:00.000Z', ChangeOutcome.SuccessfulWithIssues, ['i7']),
      ],
    });
    await expect(h.rpc.call(ChangeRpc.causedIncidentsReport, { ...PERIOD, limit: 2 }, { actor: sam })).resolves.toMatchObject({
      withIncidents: 4,
      top: [expect.objectContaining({ number: 'CHG9100001' }), expect.objectContaining({ number: 'CHG9100003' })],
    });
    await expect(h.rpc.call(ChangeRpc.causedIncidentsReport, EMPTY, { actor: sam })).resolves.toMatchObject({ implemented: 0, withIncidents: 0, incidents: 0, ratio: null, top: [] });
  });

  it('count a change worked through its lifecycle, and the incident opened on its CI after it was implemented', async () => {
    const relay = await w.ci('application', 4, 'mail-relay');
    const scheduled = await w.approved({ ciIds: [relay], title: 'Replace the mail relay certificates', ...windowOf(-1, 4) });
    await w.move(scheduled, { to: ChangeState.Implement });
    const reviewed = await w.move(scheduled, { to: ChangeState.Review, outcome: ChangeOutcome.Failed, backoutPerformed: true });
    const implementedAt = Date.parse(reviewed.implementedAt ?? '');
    const before = incidentOpened(new Date(implementedAt - 60_000).toISOString(), [relay]);
    const after = incidentOpened(new Date(implementedAt + 60_000).toISOString(), [relay]);
    const eventIds = await publishAll(h.nc, [created(before), created(after)]);
    await waitFor(async () => (await h.count(`inbox WHERE event_id = ANY($1::uuid[])`, [eventIds])) === eventIds.length, { what: 'the incident events handled' });
    const period = { from: new Date(implementedAt - 3_600_000).toISOString(), to: new Date(implementedAt + 3_600_000).toISOString() };

    await expect(h.rpc.call(ChangeRpc.successRateReport, period, { actor: sam })).resolves.toMatchObject({ implemented: 1, backedOut: 1, successRate: 0 });
    await expect(h.rpc.call(ChangeRpc.emergencyRatioReport, period, { actor: sam })).resolves.toMatchObject({ total: 1, emergencyRatio: 0 });
    await expect(h.rpc.call(ChangeRpc.causedIncidentsReport, period, { actor: sam })).resolves.toMatchObject({
      implemented: 1,
      withIncidents: 1,
      incidents: 1,
      ratio: 1,
      top: [{ changeId: scheduled.id, number: scheduled.number, title: 'Replace the mail relay certificates', outcome: ChangeOutcome.Failed, implementedAt: reviewed.implementedAt, incidentIds: [after.id] }],
    });
  });

  it('refuse an empty period naming to, and requesters', async () => {
    for (const report of [ChangeRpc.successRateReport, ChangeRpc.emergencyRatioReport, ChangeRpc.causedIncidentsReport]) {
      const error = await h.rpc.call(report, { from: PERIOD.to, to: PERIOD.to }, { actor: sam }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['to']);
    }
    await expect(h.rpc.call(ChangeRpc.successRateReport, PERIOD, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });
});
