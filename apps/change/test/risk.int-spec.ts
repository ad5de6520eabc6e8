/** Risk assessment of changes from what the real CMDB says of their CIs: real Postgres and NATS. */
import { ChangeErrorCode, ChangeEvents, ChangeOutcome, ChangeState, ChangeType, ErrorCode, RiskLevel, SlaRpc } from '@itsm/contracts';
import { ada, carl, sam } from '@itsm/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a test runs the real sla service beside this one, through its own harness; no source of one app imports another
import { SlaHarness } from '../../sla/test/support/sla-harness';
import { RISK_FACTORS } from '../src/domain/risk';
import { ChangeWorld, windowOf } from './support/change-world';

const factor = (risk: { factors: Array<{ name: string; value: number; points: number }> } | null, name: string) => risk?.factors.find((f) => f.name === name);

describe('change risk', () => {
  let w: ChangeWorld;

  beforeAll(async () => {
    w = await ChangeWorld.start();
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('rates a change on a CI a business service depends on higher than one on a leaf CI, listing every factor', async () => {
    const { app, service } = await w.criticalApplication();
    const leaf = await w.ci('application', 1, 'leaf-api');
    const window = windowOf(48);
    const onService = await w.move(await w.raise({ ciIds: [app], ...window }), { to: ChangeState.Assess });
    const onLeaf = await w.move(await w.raise({ ciIds: [leaf], ...window }), { to: ChangeState.Assess });

    expect(onService.risk?.score).toBeGreaterThan(onLeaf.risk?.score ?? 100);
    expect(onService.risk).toMatchObject({ level: RiskLevel.High, assessedAt: expect.any(String) });
    expect(onLeaf.risk?.level).toBe(RiskLevel.Moderate);
    expect(onService.risk?.factors.map((f) => f.name)).toEqual([...RISK_FACTORS]);
    expect(onService.risk?.score).toBe(onService.risk?.factors.reduce((sum, f) => sum + f.points, 0));
    expect(factor(onService.risk, 'service_count')).toMatchObject({ value: 1, detail: '1 business service(s) impacted' });
    expect(factor(onService.risk, 'service_criticality')).toMatchObject({ value: 1, points: 15 });
    expect(factor(onLeaf.risk, 'service_count')).toMatchObject({ value: 0, points: 0 });
    expect(factor(onService.risk, 'business_hours')).toMatchObject({ value: 1, detail: 'window inside business hours' });
    expect(factor(onService.risk, 'window_length')).toMatchObject({ value: 2 });

    await expect(w.h.row('changes', onService.id)).resolves.toMatchObject({ state: 'assess', risk_level: 'high', risk: onService.risk, impact_ci_ids: [service] });
    const [event] = await w.h.events(ChangeEvents.riskAssessed, onService.id);
    expect(event?.data).toEqual({ change: onService, risk: onService.risk });
  });

  it('keeps the CIs within the configured hops up and down as the impact set', async () => {
    const db = await w.ci('application', 3, 'orders-core');
    const app = await w.ci('application', 3, 'orders-api');
    const service = await w.ci('business_service', 2, 'orders');
    await w.dependsOn(app, db);
    await w.dependsOn(service, app);
    const change = await w.move(await w.raise({ ciIds: [db] }), { to: ChangeState.Assess });
    expect([...(await w.h.row('changes', change.id))['impact_ci_ids'] as string[]].sort()).toEqual([app, service].sort());
    const onApp = await w.move(await w.raise({ ciIds: [app] }), { to: ChangeState.Assess });
    expect([...(await w.h.row('changes', onApp.id))['impact_ci_ids'] as string[]].sort()).toEqual([db, service].sort());
  });

  it('rates an emergency above a normal change on the same CI', async () => {
    const leaf = await w.ci('application', 3, 'emergency-api');
    const normal = await w.move(await w.raise({ ciIds: [leaf] }), { to: ChangeState.Assess });
    const emergency = await w.move(await w.raise({ type: ChangeType.Emergency, ciIds: [leaf] }), { to: ChangeState.Assess });
    expect(emergency.risk?.score).toBeGreaterThan(normal.risk?.score ?? 100);
    expect(factor(emergency.risk, 'change_type')).toMatchObject({ value: 1, points: 15 });
  });

  it('counts the failures of past changes on the same CIs', async () => {
    const ci = await w.ci('application', 3, 'flaky-api');
    // An emergency change may be implemented at once: it fails and is backed out.
    const failed = await w.toAuthorize(await w.raise({ type: ChangeType.Emergency, ciIds: [ci], ...windowOf(72) }));
    await w.vote(failed, carl);
    await w.move(failed, { to: ChangeState.Implement });
    await w.move(failed, { to: ChangeState.Review, outcome: ChangeOutcome.Failed, backoutPerformed: true });

    const next = await w.move(await w.raise({ ciIds: [ci] }), { to: ChangeState.Assess });
    expect(factor(next.risk, 'failure_rate')).toMatchObject({ value: 1, points: 15, detail: '1 of 1 past change(s) on these CIs failed' });
  });

  it('refuses to assess a change whose CI the CMDB no longer knows', async () => {
    const ci = await w.ci('application', 3, 'gone-api');
    const change = await w.raise({ ciIds: [ci] });
    await w.cmdb.database.query(`DELETE FROM cmdb.cis WHERE id = $1`, [ci]);
    await expect(w.move(change, { to: ChangeState.Assess }, sam)).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.UnknownCis, details: { ciIds: [ci] } });
    await expect(w.h.row('changes', change.id)).resolves.toMatchObject({ state: 'new', risk: null, version: change.version });
  });
});

/** The next `weekday` (0 Sunday … 6 Saturday) at least a week away, 10:00–12:00 UTC. */
function windowOn(weekday: number): { plannedStart: string; plannedEnd: string } {
  const day = new Date(Date.now() + 7 * 86_400_000);
  day.setUTCHours(10, 0, 0, 0);
  while (day.getUTCDay() !== weekday) day.setUTCDate(day.getUTCDate() + 1);
  return { plannedStart: day.toISOString(), plannedEnd: new Date(day.getTime() + 2 * 3_600_000).toISOString() };
}

describe('change risk on a business calendar', () => {
  let sla: SlaHarness;
  let w: ChangeWorld;

  beforeAll(async () => {
    sla = await SlaHarness.start();
    const office = [{ start: '09:00', end: '17:00' }];
    const calendar = await sla.rpc.call(
      SlaRpc.createCalendar,
      { name: 'Office hours', timeZone: 'UTC', weekly: { monday: office, tuesday: office, wednesday: office, thursday: office, friday: office } },
      { actor: ada },
    );
    w = await ChangeWorld.start({ CHANGE_BUSINESS_CALENDAR: calendar.id });
  });

  afterAll(async () => {
    await w?.stop();
    await sla?.stop();
  });

  it('rates a window inside the calendar’s business hours higher than one outside them', async () => {
    const ci = await w.ci('application', 3, 'shop-api');
    const weekday = await w.move(await w.raise({ ciIds: [ci], ...windowOn(3) }), { to: ChangeState.Assess });
    const weekend = await w.move(await w.raise({ ciIds: [ci], ...windowOn(6) }), { to: ChangeState.Assess });
    expect(factor(weekday.risk, 'business_hours')).toMatchObject({ value: 1, points: 10, detail: 'window inside business hours' });
    expect(factor(weekend.risk, 'business_hours')).toMatchObject({ value: 0, points: 0, detail: 'window outside business hours' });
    expect((weekday.risk?.score ?? 0) - (weekend.risk?.score ?? 0)).toBe(10);
  });
});
