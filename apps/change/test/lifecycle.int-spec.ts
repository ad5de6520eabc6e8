/** The states of a change and the moves between them over RPC, with the real CMDB: real Postgres and NATS. */
import { ChangeApprovalState, ChangeErrorCode, ChangeEvents, ChangeOutcome, ChangeRpc, ChangeState, ChangeType, ConflictKind, ErrorCode, Role } from '@itsm/contracts';
import { maria, sam } from '@itsm/testing';
import { ChangeWorld, windowOf } from './support/change-world';

describe('change lifecycle over RPC', () => {
  let w: ChangeWorld;
  /** A CI of the least criticality, no service relying on it: normal changes on it are of low risk. */
  const quietCi = (): Promise<string> => w.ci('application', 4, 'intranet');

  beforeAll(async () => {
    w = await ChangeWorld.start();
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('takes a normal change from new through assess, authorize, scheduled, implement and review to closed, announcing each step', async () => {
    const raised = await w.raise({ ciIds: [await quietCi()], ...windowOf(-0.1, 2) });
    const assessed = await w.move(raised, { to: ChangeState.Assess });
    expect(assessed).toMatchObject({ state: ChangeState.Assess, version: raised.version + 1, risk: { level: 'low' } });

    const authorize = await w.move(assessed, { to: ChangeState.Authorize });
    expect(authorize).toMatchObject({ state: ChangeState.Authorize, approval: { policy: 'manager', role: Role.Manager, quorum: 1, state: ChangeApprovalState.Pending, votes: [], delegations: [] } });
    const [requested] = await w.h.events(ChangeEvents.approvalRequested, raised.id);
    expect(requested?.data).toEqual({ change: authorize, approval: authorize.approval });

    const scheduled = await w.vote(authorize, maria);
    expect(scheduled).toMatchObject({ state: ChangeState.Scheduled, conflicts: [], approval: { state: ChangeApprovalState.Approved } });

    const implementing = await w.move(scheduled, { to: ChangeState.Implement });
    expect(implementing).toMatchObject({ state: ChangeState.Implement, implementationStartedAt: expect.any(String) });
    const reviewed = await w.move(implementing, { to: ChangeState.Review, outcome: ChangeOutcome.SuccessfulWithIssues });
    expect(reviewed).toMatchObject({ state: ChangeState.Review, outcome: ChangeOutcome.SuccessfulWithIssues, backoutPerformed: false, implementedAt: expect.any(String) });
    const closed = await w.move(reviewed, { to: ChangeState.Closed, reviewNotes: 'Cache warm-up took longer than planned.' });
    expect(closed).toMatchObject({ state: ChangeState.Closed, reviewNotes: 'Cache warm-up took longer than planned.', closedAt: expect.any(String) });

    await expect(w.h.row('changes', raised.id)).resolves.toMatchObject({ state: 'closed', outcome: 'successful_with_issues', version: closed.version });
    await expect(w.h.events(ChangeEvents.riskAssessed, raised.id)).resolves.toEqual([expect.objectContaining({ data: { change: assessed, risk: assessed.risk } })]);
    await expect(w.h.events(ChangeEvents.implementationStarted, raised.id)).resolves.toEqual([expect.objectContaining({ data: { change: implementing } })]);
    await expect(w.h.events(ChangeEvents.implemented, raised.id)).resolves.toEqual([expect.objectContaining({ data: { change: reviewed, outcome: ChangeOutcome.SuccessfulWithIssues } })]);
    await expect(w.h.events(ChangeEvents.closed, raised.id)).resolves.toEqual([expect.objectContaining({ data: { change: closed } })]);
    const actions = (await w.h.audit(raised.id)).map((row) => row.action);
    expect(actions).toEqual(['created', 'state_changed', 'state_changed', 'approval_voted', 'state_changed', 'state_changed', 'state_changed']);
  });

  it('moves a standard change from new straight to scheduled, refusing assess and authorize', async () => {
    const template = await w.h.rpc.call(
      ChangeRpc.createTemplate,
      { name: `Restart the intranet ${Date.now()}`, description: 'Rolling restart', implementationPlan: 'Restart each node', backoutPlan: 'None needed', testPlan: 'Health check', allowedCiClasses: ['application'], maxDurationMinutes: 240 },
      { actor: maria },
    );
    const change = await w.raise({ type: ChangeType.Standard, templateId: template.id, ciIds: [await quietCi()] });
    const error = await w.move(change, { to: ChangeState.Assess }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.INVALID_TRANSITION, reason: ChangeErrorCode.InvalidTransition, details: { from: 'new', to: 'assess', allowed: ['scheduled', 'canceled', 'rejected'] } });

    const scheduled = await w.move(change, { to: ChangeState.Scheduled });
    expect(scheduled).toMatchObject({ state: ChangeState.Scheduled, risk: null, approval: null, conflicts: [] });
    await expect(w.h.events(ChangeEvents.scheduled, change.id)).resolves.toEqual([expect.objectContaining({ data: { change: scheduled } })]);
  });

  it('refuses to schedule over another change on the same CI, naming it, unless a manager overrides with a reason', async () => {
    const ci = await quietCi();
    const window = windowOf(30);
    const first = await w.approved({ ciIds: [ci], ...window });
    expect(first.state).toBe(ChangeState.Scheduled);

    // Approved, the second waits in authorize with the conflict recorded.
    const second = await w.approved({ ciIds: [ci], ...window });
    expect(second).toMatchObject({ state: ChangeState.Authorize, approval: { state: ChangeApprovalState.Approved } });
    expect(second.conflicts).toEqual([expect.objectContaining({ kind: ConflictKind.Change, id: first.id, name: first.number, ciIds: [ci] })]);
    await expect(w.h.events(ChangeEvents.conflictDetected, second.id)).resolves.toEqual([expect.objectContaining({ data: { change: second, conflicts: second.conflicts } })]);

    const refused = await w.move(second, { to: ChangeState.Scheduled }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.ScheduleConflict, details: { conflicts: [expect.objectContaining({ id: first.id, name: first.number })] } });
    expect((refused as Error).message).toContain(first.number);
    await expect(w.move(second, { to: ChangeState.Scheduled, override: { reason: 'Same team, one outage' } }, sam)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: ChangeErrorCode.OverrideForbidden });
    await expect(w.h.row('changes', second.id)).resolves.toMatchObject({ state: 'authorize', version: second.version });

    const overridden = await w.move(second, { to: ChangeState.Scheduled, override: { reason: 'Same team, one outage' } }, maria);
    expect(overridden).toMatchObject({ state: ChangeState.Scheduled, conflictOverride: { reason: 'Same team, one outage', by: 'maria', at: expect.any(String) } });
    expect(overridden.conflicts).toHaveLength(1);
    const [event] = await w.h.events(ChangeEvents.scheduled, second.id);
    expect(event?.data.change.conflictOverride).toEqual(overridden.conflictOverride);
  });

  it('schedules only one of two conflicting changes whose approvals are decided at the same moment', async () => {
    for (let round = 0; round < 3; round += 1) {
      const ci = await quietCi();
      const window = windowOf(60 + round * 10);
      const awaiting = [await w.toAuthorize(await w.raise({ ciIds: [ci], ...window })), await w.toAuthorize(await w.raise({ ciIds: [ci], ...window }))];
      const decided = await Promise.all(awaiting.map((change) => w.vote(change, maria)));
      expect(decided.map((change) => change.state).sort()).toEqual([ChangeState.Authorize, ChangeState.Scheduled]);
      const waiting = decided.find((change) => change.state === ChangeState.Authorize);
      const scheduled = decided.find((change) => change.state === ChangeState.Scheduled);
      expect(waiting?.conflicts).toEqual([expect.objectContaining({ kind: ConflictKind.Change, id: scheduled?.id })]);
    }
  });

  it('refuses to start implementing outside the planned window', async () => {
    const change = await w.approved({ ciIds: [await quietCi()], ...windowOf(40) });
    const error = await w.move(change, { to: ChangeState.Implement }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.OutsideWindow, details: { plannedStart: change.plannedStart, plannedEnd: change.plannedEnd } });
    await expect(w.h.row('changes', change.id)).resolves.toMatchObject({ state: 'scheduled', version: change.version });
  });

  it('refuses a move to review without an outcome, and a failed one without backoutPerformed', async () => {
    const change = await w.approved({ ciIds: [await quietCi()], ...windowOf(-0.1, 3) });
    const implementing = await w.move(change, { to: ChangeState.Implement });
    await expect(w.move(implementing, { to: ChangeState.Review })).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.OutcomeRequired, details: { field: 'outcome' } });
    await expect(w.move(implementing, { to: ChangeState.Review, outcome: ChangeOutcome.Failed })).rejects.toMatchObject({ reason: ChangeErrorCode.OutcomeRequired, details: { field: 'backoutPerformed' } });
    await expect(w.h.row('changes', change.id)).resolves.toMatchObject({ state: 'implement', outcome: null });
  });

  it('refuses a stale version with 412 and changes nothing', async () => {
    const change = await w.raise({ ciIds: [await quietCi()] });
    await w.move(change, { to: ChangeState.Assess }, sam, change.version);
    await expect(w.move(change, { to: ChangeState.Authorize }, sam, change.version)).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED });
    await expect(w.h.row('changes', change.id)).resolves.toMatchObject({ state: 'assess', version: change.version + 1 });
  });

  it('cancels with a reason, and lets only a manager reject a change for good', async () => {
    const canceled = await w.move(await w.raise({ ciIds: [await quietCi()] }), { to: ChangeState.Canceled, reason: 'Superseded' });
    expect(canceled).toMatchObject({ state: ChangeState.Canceled, cancelReason: 'Superseded' });
    await expect(w.h.events(ChangeEvents.canceled, canceled.id)).resolves.toEqual([expect.objectContaining({ data: { change: canceled, reason: 'Superseded' } })]);
    await expect(w.move(await w.raise({ ciIds: [await quietCi()] }), { to: ChangeState.Canceled })).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.ReasonRequired });

    const change = await w.raise({ ciIds: [await quietCi()] });
    await expect(w.move(change, { to: ChangeState.Rejected, reason: 'Too risky' }, sam)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: ChangeErrorCode.RejectForbidden });
    const rejected = await w.move(change, { to: ChangeState.Rejected, reason: 'Too risky' }, maria);
    expect(rejected).toMatchObject({ state: ChangeState.Rejected, cancelReason: 'Too risky' });
    await expect(w.h.events(ChangeEvents.rejected, change.id)).resolves.toEqual([expect.objectContaining({ data: { change: rejected, rejectedBy: 'maria', comment: 'Too risky' } })]);
    await expect(w.move(rejected, { to: ChangeState.Assess }, maria)).rejects.toMatchObject({ code: ErrorCode.INVALID_TRANSITION, details: { allowed: [] } });
  });
});
