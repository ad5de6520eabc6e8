import { randomUUID } from 'node:crypto';
import { BlackoutScope, ChangeApprovalState, type ChangeConflict, ChangeErrorCode, ChangeRpc, ChangeState, CommonErrorCode, ConflictKind, ErrorCode } from '@itsm/contracts';
import { alice, maria, sam } from '@itsm/testing';
import { Change } from '../src/changes/change.entity';
import { ScheduleService } from '../src/schedule/schedule.service';
import { ChangeHarness } from './support/change-harness';
import { buildBlackout, buildMaintenanceWindow, insertChangeWithImpact } from './support/window-requests';

const at = (iso: string): Date => new Date(iso);

describe('the schedule check', () => {
  let h: ChangeHarness;

  beforeAll(async () => {
    h = await ChangeHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  const conflictsOf = async (id: string): Promise<ChangeConflict[]> => (await h.rpc.call(ChangeRpc.conflicts, { id }, { actor: sam })).conflicts;

  /** A change being planned (state new) from `start` to `end` on these CIs. */
  const candidate = (ciIds: string[], start: string, end: string, impactCiIds?: string[]): Promise<string> =>
    insertChangeWithImpact(h, { ciIds, plannedStart: at(start), plannedEnd: at(end), ...(impactCiIds ? { impactCiIds } : {}) });

  it('finds another scheduled change overlapping on the same CI, and is what the lifecycle calls', async () => {
    const ci = randomUUID();
    const other = await insertChangeWithImpact(h, { number: 'CHG0100001', state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved, ciIds: [ci, randomUUID()], plannedStart: at('2030-05-06T08:00:00Z'), plannedEnd: at('2030-05-06T12:00:00Z') });
    const id = await candidate([ci], '2030-05-06T11:00:00Z', '2030-05-06T13:00:00Z');
    const expected = {
      kind: ConflictKind.Change,
      id: other,
      name: 'CHG0100001',
      from: '2030-05-06T08:00:00.000Z',
      to: '2030-05-06T12:00:00.000Z',
      ciIds: [ci],
      detail: expect.stringContaining('CHG0100001'),
    };
    const check = await h.rpc.call(ChangeRpc.conflicts, { id }, { actor: sam });
    expect(check).toEqual({ changeId: id, checkedAt: expect.any(String), conflicts: [expected] });
    await expect(h.transaction(async (manager) => h.get(ScheduleService).check(manager, await manager.findOneByOrFail(Change, { id })))).resolves.toEqual([expected]);
  });

  it('finds changes that hold their window (scheduled, implement, authorize once approved) and passes over the others', async () => {
    const ci = randomUUID();
    const window = { plannedStart: at('2030-05-07T08:00:00Z'), plannedEnd: at('2030-05-07T10:00:00Z'), ciIds: [ci] };
    const implementing = await insertChangeWithImpact(h, { ...window, number: 'CHG0100011', state: ChangeState.Implement, approvalState: ChangeApprovalState.Approved });
    const approved = await insertChangeWithImpact(h, { ...window, number: 'CHG0100012', state: ChangeState.Authorize, approvalState: ChangeApprovalState.Approved });
    await insertChangeWithImpact(h, { ...window, state: ChangeState.Authorize, approvalState: ChangeApprovalState.Pending });
    await insertChangeWithImpact(h, { ...window, state: ChangeState.New });
    await insertChangeWithImpact(h, { ...window, state: ChangeState.Assess });
    await insertChangeWithImpact(h, { ...window, state: ChangeState.Review, approvalState: ChangeApprovalState.Approved });
    await insertChangeWithImpact(h, { ...window, state: ChangeState.Canceled });
    const id = await candidate([ci], '2030-05-07T09:00:00Z', '2030-05-07T09:30:00Z');
    await expect(conflictsOf(id)).resolves.toEqual([expect.objectContaining({ id: implementing, name: 'CHG0100011' }), expect.objectContaining({ id: approved, name: 'CHG0100012' })]);
  });

  it('finds a change on a CI in its impact set, and one whose impact set holds one of its CIs', async () => {
    const [app, database, network] = [randomUUID(), randomUUID(), randomUUID()];
    const onDependency = await insertChangeWithImpact(h, { number: 'CHG0100021', state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved, ciIds: [database], plannedStart: at('2030-05-08T08:00:00Z'), plannedEnd: at('2030-05-08T10:00:00Z') });
    const dependingOnIt = await insertChangeWithImpact(h, {
      number: 'CHG0100022',
      state: ChangeState.Scheduled,
      approvalState: ChangeApprovalState.Approved,
      ciIds: [network],
      impactCiIds: [app],
      plannedStart: at('2030-05-08T09:00:00Z'),
      plannedEnd: at('2030-05-08T11:00:00Z'),
    });
    // The application depends on the database: its impact set holds it.
    const id = await candidate([app], '2030-05-08T09:30:00Z', '2030-05-08T10:30:00Z', [database]);
    await expect(conflictsOf(id)).resolves.toEqual([
      expect.objectContaining({ kind: ConflictKind.Change, id: onDependency, ciIds: [database] }),
      expect.objectContaining({ kind: ConflictKind.Change, id: dependingOnIt, ciIds: [app] }),
    ]);
    // Without the impact set, only the change whose own impact set reaches the application is in the way.
    await h.database.query(`UPDATE change.changes SET impact_ci_ids = '{}' WHERE id = $1`, [id]);
    await expect(conflictsOf(id)).resolves.toEqual([expect.objectContaining({ id: dependingOnIt })]);
  });

  it('finds nothing when the windows do not overlap (one ending as the other starts) or share no CI', async () => {
    const ci = randomUUID();
    await insertChangeWithImpact(h, { state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved, ciIds: [ci], plannedStart: at('2030-05-09T08:00:00Z'), plannedEnd: at('2030-05-09T10:00:00Z') });
    await insertChangeWithImpact(h, { state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved, ciIds: [randomUUID()], plannedStart: at('2030-05-09T10:00:00Z'), plannedEnd: at('2030-05-09T12:00:00Z') });
    const id = await candidate([ci], '2030-05-09T10:00:00Z', '2030-05-09T11:00:00Z');
    await expect(conflictsOf(id)).resolves.toEqual([]);
  });

  it('finds a weekly blackout at its local hour on both sides of a daylight-saving change', async () => {
    const ci = randomUUID();
    // Fridays 18:00–22:00 in Berlin: 17:00Z in winter time, 16:00Z from 31 March 2030 on.
    const freeze = await h.rpc.call(
      ChangeRpc.createBlackout,
      buildBlackout({ targetIds: [ci], start: '2030-03-22T18:00:00+01:00', end: '2030-03-22T22:00:00+01:00', rrule: 'FREQ=WEEKLY;BYDAY=FR', timeZone: 'Europe/Berlin' }),
      { actor: maria },
    );
    // 18:30 Berlin summer time: inside the freeze, although before 17:00Z.
    const summer = await candidate([ci], '2030-04-05T16:30:00Z', '2030-04-05T17:00:00Z');
    await expect(conflictsOf(summer)).resolves.toEqual([
      { kind: ConflictKind.Blackout, id: freeze.id, name: freeze.name, from: '2030-04-05T16:00:00.000Z', to: '2030-04-05T20:00:00.000Z', ciIds: [ci], detail: expect.stringContaining(freeze.name) },
    ]);
    // 17:30 Berlin summer time: before the freeze starts.
    await expect(conflictsOf(await candidate([ci], '2030-04-05T15:30:00Z', '2030-04-05T16:00:00Z'))).resolves.toEqual([]);
    // Winter time: 17:30Z is 18:30 in Berlin.
    await expect(conflictsOf(await candidate([ci], '2030-03-29T17:30:00Z', '2030-03-29T18:00:00Z'))).resolves.toEqual([expect.objectContaining({ from: '2030-03-29T17:00:00.000Z' })]);
    // Not on a Thursday, nor on another CI.
    await expect(conflictsOf(await candidate([ci], '2030-04-04T16:30:00Z', '2030-04-04T17:00:00Z'))).resolves.toEqual([]);
    await expect(conflictsOf(await candidate([randomUUID()], '2030-04-05T16:30:00Z', '2030-04-05T17:00:00Z'))).resolves.toEqual([]);
  });

  it('finds global blackouts for every change, and service blackouts through the impact set', async () => {
    const [ci, service] = [randomUUID(), randomUUID()];
    const global = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ scope: BlackoutScope.Global, targetIds: [], start: '2030-12-24T00:00:00Z', end: '2030-12-27T00:00:00Z' }), { actor: maria });
    const byService = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ scope: BlackoutScope.Service, targetIds: [service], start: '2030-11-01T00:00:00Z', end: '2030-11-02T00:00:00Z' }), { actor: maria });
    await expect(conflictsOf(await candidate([ci], '2030-12-25T10:00:00Z', '2030-12-25T11:00:00Z'))).resolves.toEqual([expect.objectContaining({ kind: ConflictKind.Blackout, id: global.id, ciIds: [ci] })]);
    await expect(conflictsOf(await candidate([ci], '2030-11-01T10:00:00Z', '2030-11-01T11:00:00Z', [service]))).resolves.toEqual([
      expect.objectContaining({ kind: ConflictKind.Blackout, id: byService.id, ciIds: [service] }),
    ]);
    await expect(conflictsOf(await candidate([ci], '2030-11-01T10:00:00Z', '2030-11-01T11:00:00Z'))).resolves.toEqual([]);
  });

  it('holds a change on a CI with a maintenance window to it: outside an occurrence conflicts, inside does not', async () => {
    const ci = randomUUID();
    // Nightly 01:00–04:00 UTC.
    const slot = await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow({ ciIds: [ci] }), { actor: maria });
    await expect(conflictsOf(await candidate([ci], '2030-06-10T02:00:00Z', '2030-06-10T03:30:00Z'))).resolves.toEqual([]);
    const across = await candidate([ci, randomUUID()], '2030-06-10T03:30:00Z', '2030-06-10T04:30:00Z');
    await expect(conflictsOf(across)).resolves.toEqual([
      { kind: ConflictKind.Maintenance, id: slot.id, name: slot.name, from: '2030-06-10T03:30:00.000Z', to: '2030-06-10T04:30:00.000Z', ciIds: [ci], detail: expect.stringContaining(slot.name) },
    ]);
    await expect(conflictsOf(await candidate([ci], '2030-06-10T12:00:00Z', '2030-06-10T13:00:00Z'))).resolves.toEqual([expect.objectContaining({ kind: ConflictKind.Maintenance })]);
    // Before the first occurrence there is none to fit in.
    await expect(conflictsOf(await candidate([ci], '2030-05-10T02:00:00Z', '2030-05-10T03:00:00Z'))).resolves.toEqual([expect.objectContaining({ kind: ConflictKind.Maintenance })]);
    // Changes on other CIs are not held to it.
    await expect(conflictsOf(await candidate([randomUUID()], '2030-06-10T12:00:00Z', '2030-06-10T13:00:00Z'))).resolves.toEqual([]);
  });

  it('counts a window it cannot expand that far as a conflict rather than as clear', async () => {
    const ci = randomUUID();
    // A daily rule steps 10,000 times in about 27 years; a change 40 years on cannot be shown clear of it.
    const freeze = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ targetIds: [ci], start: '2030-01-01T22:00:00Z', end: '2030-01-01T23:00:00Z', rrule: 'FREQ=DAILY' }), { actor: maria });
    await expect(conflictsOf(await candidate([ci], '2070-01-01T10:00:00Z', '2070-01-01T11:00:00Z'))).resolves.toEqual([
      expect.objectContaining({ kind: ConflictKind.Blackout, id: freeze.id, detail: expect.stringContaining('cannot be shown clear') }),
    ]);
  });

  it('answers without recording: the change stays as it was', async () => {
    const ci = randomUUID();
    await insertChangeWithImpact(h, { state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved, ciIds: [ci], plannedStart: at('2030-05-12T08:00:00Z'), plannedEnd: at('2030-05-12T10:00:00Z') });
    const id = await candidate([ci], '2030-05-12T09:00:00Z', '2030-05-12T11:00:00Z');
    const before = await h.row('changes', id);
    await expect(conflictsOf(id)).resolves.toHaveLength(1);
    await expect(h.row('changes', id)).resolves.toEqual(before);
    await expect(h.count('audit_log WHERE entity_id = $1', [id])).resolves.toBe(0);
  });

  it('answers 404 for an unknown change and is closed to requesters', async () => {
    await expect(h.rpc.call(ChangeRpc.conflicts, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.NotFound });
    await expect(h.rpc.call(ChangeRpc.conflicts, { id: randomUUID() }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired });
  });
});
