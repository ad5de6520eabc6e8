/** Approvals of changes over RPC: policies by type and risk, CAB quorum and veto, delegation; real Postgres and NATS. */
import { ChangeApprovalState, ChangeErrorCode, ChangeEvents, ChangeRpc, ChangeState, ChangeType, ChangeVote, ErrorCode, RiskLevel, Role } from '@itsm/contracts';
import { carl, maria, sam } from '@itsm/testing';
import { ChangeWorld, cora } from './support/change-world';

describe('change approvals over RPC', () => {
  let w: ChangeWorld;

  beforeAll(async () => {
    w = await ChangeWorld.start();
  });

  afterAll(async () => {
    await w?.stop();
  });

  /** A normal change of high risk (a critical application a critical business service depends on), awaiting the CAB. */
  const highRiskInAuthorize = async () => w.toAuthorize(await w.raise({ ciIds: [(await w.criticalApplication()).app] }));

  it('asks the CAB for two approvals on a high-risk change and schedules it when the second comes', async () => {
    const change = await highRiskInAuthorize();
    expect(change.risk?.level).toBe(RiskLevel.High);
    expect(change.approval).toMatchObject({ policy: 'cab', role: Role.Cab, quorum: 2, state: ChangeApprovalState.Pending, decidedAt: null });

    const first = await w.vote(change, carl, ChangeVote.Approve, 'Plan looks sound');
    expect(first).toMatchObject({ state: ChangeState.Authorize, approval: { state: ChangeApprovalState.Pending, votes: [{ approverId: 'carl', onBehalfOf: null, decision: 'approve', comment: 'Plan looks sound' }] } });
    const second = await w.vote(change, cora);
    expect(second).toMatchObject({ state: ChangeState.Scheduled, conflicts: [], approval: { state: ChangeApprovalState.Approved, decidedAt: expect.any(String) } });
    expect(second.approval?.votes.map((vote) => vote.approverId)).toEqual(['carl', 'cora']);

    await expect(w.h.row('changes', change.id)).resolves.toMatchObject({ state: 'scheduled', version: change.version + 2 });
    await expect(w.h.events(ChangeEvents.approved, change.id)).resolves.toEqual([expect.objectContaining({ data: { change: second } })]);
    await expect(w.h.events(ChangeEvents.scheduled, change.id)).resolves.toEqual([expect.objectContaining({ data: { change: second } })]);
  });

  it('sends the change back to new when one CAB member rejects, whatever the approvals, keeping the reason', async () => {
    const change = await highRiskInAuthorize();
    await w.vote(change, carl);
    const rejected = await w.vote(change, cora, ChangeVote.Reject, 'No backout tested');
    expect(rejected).toMatchObject({ state: ChangeState.New, cancelReason: 'No backout tested', approval: { state: ChangeApprovalState.Rejected } });
    await expect(w.h.events(ChangeEvents.rejected, change.id)).resolves.toEqual([expect.objectContaining({ data: { change: rejected, rejectedBy: 'cora', comment: 'No backout tested' } })]);
    await expect(w.h.eventsNow(ChangeEvents.approved, change.id)).resolves.toEqual([]);

    // Back in new it takes no votes, and may go round again with a fresh approval.
    await expect(w.vote(change, carl)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.NotAwaitingApproval });
    const again = await w.toAuthorize(rejected);
    expect(again).toMatchObject({ state: ChangeState.Authorize, cancelReason: null, approval: { state: ChangeApprovalState.Pending, votes: [] } });
  });

  it('refuses a second vote by the same approver with 409, and a vote without the role with 403', async () => {
    const change = await highRiskInAuthorize();
    const voted = await w.vote(change, carl);
    await expect(w.vote(change, carl)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.AlreadyVoted, details: { approverId: 'carl' } });
    await expect(w.vote(change, sam)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: ChangeErrorCode.ApproverRoleRequired, details: { role: Role.Cab } });
    await expect(w.vote(change, maria)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: ChangeErrorCode.ApproverRoleRequired });
    await expect(w.h.row('changes', change.id)).resolves.toMatchObject({ state: 'authorize', version: voted.version });
  });

  it('lets a CAB member delegate their vote, which the delegate casts once on their behalf', async () => {
    const change = await highRiskInAuthorize();
    const delegated = await w.delegate(change, carl, 'sam');
    expect(delegated.approval?.delegations).toEqual([{ from: 'carl', to: 'sam', at: expect.any(String) }]);
    await expect(w.h.audit(change.id)).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ action: 'approval_delegated', actor_id: 'carl' })]));

    const bySam = await w.vote(change, sam);
    expect(bySam.approval?.votes).toEqual([expect.objectContaining({ approverId: 'sam', onBehalfOf: 'carl', decision: 'approve' })]);
    await expect(w.vote(change, sam)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.AlreadyVoted });
    await expect(w.vote(change, carl)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.AlreadyVoted, details: { approverId: 'carl' } });
    await expect(w.delegate(change, sam, 'tom')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: ChangeErrorCode.ApproverRoleRequired });

    const scheduled = await w.vote(change, cora);
    expect(scheduled).toMatchObject({ state: ChangeState.Scheduled, approval: { state: ChangeApprovalState.Approved } });
  });

  it('approves an emergency change with one member of the ECAB', async () => {
    const change = await w.toAuthorize(await w.raise({ type: ChangeType.Emergency, ciIds: [await w.ci('application', 4, 'hotfix')] }));
    expect(change.approval).toMatchObject({ policy: 'ecab', role: Role.Cab, quorum: 1 });
    const scheduled = await w.vote(change, carl);
    expect(scheduled).toMatchObject({ state: ChangeState.Scheduled, approval: { state: ChangeApprovalState.Approved, votes: [expect.objectContaining({ approverId: 'carl' })] } });
  });

  it('asks one manager for a low-risk change, and refuses votes on a change that is not awaiting approval', async () => {
    const change = await w.raise({ ciIds: [await w.ci('application', 4, 'wiki')] });
    await expect(w.vote(change, maria)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.NotAwaitingApproval });
    await expect(w.delegate(change, maria, 'tom')).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.NotAwaitingApproval });
    const authorize = await w.toAuthorize(change);
    expect(authorize.approval).toMatchObject({ policy: 'manager', role: Role.Manager, quorum: 1 });
    await expect(w.vote(authorize, carl)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: ChangeErrorCode.ApproverRoleRequired, details: { role: Role.Manager } });
    const scheduled = await w.vote(authorize, maria);
    expect(scheduled.state).toBe(ChangeState.Scheduled);
    await expect(w.vote(scheduled, maria)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ChangeErrorCode.NotAwaitingApproval });
  });

  it('refuses a vote on a stale version with 412', async () => {
    const change = await highRiskInAuthorize();
    await w.vote(change, carl);
    await expect(w.h.rpc.call(ChangeRpc.vote, { id: change.id, expectedVersion: change.version, decision: ChangeVote.Approve }, { actor: cora })).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED });
  });
});

describe('change approvals by configured policies', () => {
  let w: ChangeWorld;

  beforeAll(async () => {
    w = await ChangeWorld.start({ CHANGE_APPROVAL_POLICIES: JSON.stringify({ normal: { low: { name: 'change-board', role: Role.Cab, quorum: 2 } } }) });
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('asks the policy CHANGE_APPROVAL_POLICIES names for the type and risk, keeping the defaults for the rest', async () => {
    const low = await w.toAuthorize(await w.raise({ ciIds: [await w.ci('application', 4, 'wiki')] }));
    expect(low).toMatchObject({ risk: { level: RiskLevel.Low }, approval: { policy: 'change-board', role: Role.Cab, quorum: 2 } });
    await expect(w.vote(low, maria)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: ChangeErrorCode.ApproverRoleRequired });
    await w.vote(low, carl);
    await expect(w.vote(low, cora)).resolves.toMatchObject({ state: ChangeState.Scheduled });

    const emergency = await w.toAuthorize(await w.raise({ type: ChangeType.Emergency, ciIds: [await w.ci('application', 4, 'wiki')] }));
    expect(emergency.approval).toMatchObject({ policy: 'ecab', role: Role.Cab, quorum: 1 });
  });
});
