import { randomUUID } from 'node:crypto';
import { BlackoutScope, ChangeApprovalState, ChangeErrorCode, ChangeRpc, ChangeState, ChangeType, ErrorCode, type GateAnswer } from '@itsm/contracts';
import { maria, sam } from '@itsm/testing';
import { Change } from '../src/changes/change.entity';
import { ScheduleService } from '../src/schedule/schedule.service';
import { ChangeHarness } from './support/change-harness';
import { buildBlackout, insertChangeWithImpact } from './support/window-requests';

const HOUR_MS = 60 * 60 * 1000;

/**
 * The changes are written straight into the database in the state and with the approval a test needs, as the
 * lifecycle and the approvals would have left them.
 */
describe('the deployment gate', () => {
  let h: ChangeHarness;

  beforeAll(async () => {
    h = await ChangeHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  const gate = (id: string): Promise<GateAnswer> => h.rpc.call(ChangeRpc.gate, { id }, { actor: sam });
  /** A window open now: from an hour ago to an hour from now. */
  const openNow = () => ({ plannedStart: new Date(Date.now() - HOUR_MS), plannedEnd: new Date(Date.now() + HOUR_MS) });

  it('stays closed before approval, and says why', async () => {
    const id = await insertChangeWithImpact(h, { ...openNow(), state: ChangeState.Authorize, approvalState: ChangeApprovalState.Pending });
    const answer = await gate(id);
    expect(answer).toEqual({ allowed: false, reasons: [expect.stringContaining('not approved'), expect.stringContaining('state authorize')], checkedAt: expect.any(String) });
    const never = await insertChangeWithImpact(h, { ...openNow(), state: ChangeState.New });
    await expect(gate(never)).resolves.toMatchObject({ allowed: false, reasons: [expect.stringContaining('no approval was requested'), expect.stringContaining('state new')] });
  });

  it('opens for an approved change in scheduled or implement inside its planned window', async () => {
    const before = Date.now();
    const scheduled = await insertChangeWithImpact(h, { ...openNow(), state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved });
    const answer = await gate(scheduled);
    expect(answer).toEqual({ allowed: true, reasons: [], checkedAt: expect.any(String) });
    expect(Date.parse(answer.checkedAt)).toBeGreaterThanOrEqual(before);
    const implementing = await insertChangeWithImpact(h, { ...openNow(), state: ChangeState.Implement, approvalState: ChangeApprovalState.Approved });
    await expect(gate(implementing)).resolves.toMatchObject({ allowed: true });
    // A standard change needs no approval.
    const standard = await insertChangeWithImpact(h, { ...openNow(), type: ChangeType.Standard, state: ChangeState.Scheduled });
    await expect(gate(standard)).resolves.toMatchObject({ allowed: true });
  });

  it('stays closed outside the planned window', async () => {
    const tomorrow = new Date(Date.now() + 24 * HOUR_MS);
    const early = await insertChangeWithImpact(h, { plannedStart: tomorrow, plannedEnd: new Date(tomorrow.getTime() + HOUR_MS), state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved });
    await expect(gate(early)).resolves.toMatchObject({ allowed: false, reasons: [expect.stringContaining('before the planned window opens')] });
    const late = await insertChangeWithImpact(h, { plannedStart: new Date(Date.now() - 3 * HOUR_MS), plannedEnd: new Date(Date.now() - HOUR_MS), state: ChangeState.Implement, approvalState: ChangeApprovalState.Approved });
    await expect(gate(late)).resolves.toMatchObject({ allowed: false, reasons: [expect.stringContaining('after the planned window closed')] });
  });

  it('stays closed while a blackout covers one of its CIs, and opens again for changes it does not cover', async () => {
    const [frozen, free] = [randomUUID(), randomUUID()];
    const freeze = await h.rpc.call(
      ChangeRpc.createBlackout,
      buildBlackout({ targetIds: [frozen], start: new Date(Date.now() - 2 * HOUR_MS).toISOString(), end: new Date(Date.now() + 2 * HOUR_MS).toISOString() }),
      { actor: maria },
    );
    const inFreeze = await insertChangeWithImpact(h, { ...openNow(), ciIds: [free, frozen], state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved });
    await expect(gate(inFreeze)).resolves.toMatchObject({ allowed: false, reasons: [expect.stringContaining(`Blackout "${freeze.name}"`)] });
    const elsewhere = await insertChangeWithImpact(h, { ...openNow(), ciIds: [free], state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved });
    await expect(gate(elsewhere)).resolves.toMatchObject({ allowed: true });

    // A recurring daily blackout whose occurrence today holds now.
    const service = randomUUID();
    const nightly = await h.rpc.call(
      ChangeRpc.createBlackout,
      buildBlackout({
        scope: BlackoutScope.Service,
        targetIds: [service],
        start: new Date(Date.now() - 10 * 24 * HOUR_MS - HOUR_MS).toISOString(),
        end: new Date(Date.now() - 10 * 24 * HOUR_MS + HOUR_MS).toISOString(),
        rrule: 'FREQ=DAILY',
      }),
      { actor: maria },
    );
    const impacting = await insertChangeWithImpact(h, { ...openNow(), ciIds: [free], impactCiIds: [service], state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved });
    await expect(gate(impacting)).resolves.toMatchObject({ allowed: false, reasons: [expect.stringContaining(`Blackout "${nightly.name}"`)] });
  });

  it('is what releases ask of each of their changes, at the instant they name', async () => {
    const id = await insertChangeWithImpact(h, { ...openNow(), state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved });
    const schedule = h.get(ScheduleService);
    const later = new Date(Date.now() + 2 * HOUR_MS);
    const answers = await h.transaction(async (manager) => {
      const change = await manager.findOneByOrFail(Change, { id });
      return [await schedule.gateOf(manager, change), await schedule.gateOf(manager, change, later)];
    });
    expect(answers).toEqual([
      { allowed: true, reasons: [], checkedAt: expect.any(String) },
      { allowed: false, reasons: [expect.stringContaining('after the planned window closed')], checkedAt: later.toISOString() },
    ]);
  });

  it('answers 404 for an unknown change', async () => {
    await expect(gate(randomUUID())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.NotFound });
  });
});
