import fc from 'fast-check';
import { ChangeApprovalState, ChangeError, ChangeErrorCode, ChangeType, ChangeVote, CommonError, CommonErrorCode, ErrorCode, RiskLevel, Role } from '@itsm/contracts';
import {
  type Approval,
  approvalRefusalError,
  type ApprovalCheck,
  type ApprovalPolicy,
  type ApprovalRefusal,
  castVote,
  DEFAULT_APPROVAL_POLICIES,
  delegate,
  evaluateVotes,
  holdsApproverRole,
  parseApprovalPolicies,
  policyFor,
  principalOf,
  requestApproval,
  type VoteRequest,
} from './approval';

const T0 = new Date('2024-03-01T09:00:00.000Z');
const CAB2: ApprovalPolicy = { name: 'cab', role: Role.Cab, quorum: 2 };
const { Approve, Reject } = ChangeVote;

const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

function buildApproval(policy: ApprovalPolicy = CAB2, overrides: Partial<Approval> = {}): Approval {
  return { ...requestApproval(policy, T0), ...overrides };
}

function vote(approverId: string, decision: ChangeVote = Approve, overrides: Partial<VoteRequest> = {}): VoteRequest {
  return { approverId, roles: [Role.Cab], decision, comment: `${decision} by ${approverId}`, at: at(1), ...overrides };
}

function approvalOf(check: ApprovalCheck): Approval {
  if (!check.ok) throw new Error(`expected the vote to be taken, but it was refused: ${JSON.stringify(check.refusal)}`);
  return check.approval;
}

function refusalOf(check: ApprovalCheck): ApprovalRefusal {
  if (check.ok) throw new Error(`expected a refusal, but it was taken: ${JSON.stringify(check.approval)}`);
  return check.refusal;
}

describe('approval policies', () => {
  it.each([
    [ChangeType.Normal, RiskLevel.Low, { name: 'manager', role: Role.Manager, quorum: 1 }],
    [ChangeType.Normal, RiskLevel.Moderate, { name: 'manager', role: Role.Manager, quorum: 1 }],
    [ChangeType.Normal, RiskLevel.High, { name: 'cab', role: Role.Cab, quorum: 2 }],
    [ChangeType.Normal, RiskLevel.VeryHigh, { name: 'cab', role: Role.Cab, quorum: 3 }],
    [ChangeType.Emergency, RiskLevel.Low, { name: 'ecab', role: Role.Cab, quorum: 1 }],
    [ChangeType.Emergency, RiskLevel.VeryHigh, { name: 'ecab', role: Role.Cab, quorum: 1 }],
  ])('asks a %s change of %s risk for %o', (type, level, policy) => {
    expect(policyFor(type, level, DEFAULT_APPROVAL_POLICIES)).toEqual(policy);
  });

  it('asks a standard change for no approval at any risk', () => {
    for (const level of Object.values(RiskLevel)) expect(policyFor(ChangeType.Standard, level)).toBeNull();
  });

  it('starts a pending approval without votes', () => {
    expect(requestApproval(CAB2, T0)).toEqual({
      policy: 'cab',
      role: Role.Cab,
      quorum: 2,
      state: ChangeApprovalState.Pending,
      votes: [],
      delegations: [],
      requestedAt: '2024-03-01T09:00:00.000Z',
      decidedAt: null,
    });
  });

  it('lets admins approve for any role', () => {
    expect(holdsApproverRole([Role.Admin], Role.Cab)).toBe(true);
    expect(holdsApproverRole([Role.Manager], Role.Cab)).toBe(false);
  });
});

describe('votes', () => {
  it('records a vote and stays pending below the quorum', () => {
    const approval = approvalOf(castVote(buildApproval(), vote('ana')));
    expect(approval.state).toBe(ChangeApprovalState.Pending);
    expect(approval.decidedAt).toBeNull();
    expect(approval.votes).toEqual([{ approverId: 'ana', onBehalfOf: null, decision: Approve, comment: 'approve by ana', at: '2024-03-01T09:01:00.000Z' }]);
  });

  it('approves when the quorum of distinct approvers approves, at the deciding vote', () => {
    const first = approvalOf(castVote(buildApproval(), vote('ana')));
    const second = approvalOf(castVote(first, vote('ben', Approve, { at: at(5) })));
    expect(second.state).toBe(ChangeApprovalState.Approved);
    expect(second.decidedAt).toBe('2024-03-01T09:05:00.000Z');
  });

  it('rejects on a single reject, whatever came before', () => {
    const first = approvalOf(castVote(buildApproval(), vote('ana')));
    const second = approvalOf(castVote(first, vote('ben', Reject)));
    expect(second.state).toBe(ChangeApprovalState.Rejected);
    expect(second.decidedAt).toBe('2024-03-01T09:01:00.000Z');
  });

  it('records no comment when none is given', () => {
    expect(approvalOf(castVote(buildApproval(), { approverId: 'ana', roles: [Role.Cab], decision: Approve, at: T0 })).votes[0]?.comment).toBeNull();
  });

  it('refuses a voter without the role', () => {
    expect(refusalOf(castVote(buildApproval(), vote('ana', Approve, { roles: [Role.Agent, Role.Manager] })))).toEqual({ kind: 'role_required', role: Role.Cab });
  });

  it('refuses a second vote by the same approver', () => {
    const first = approvalOf(castVote(buildApproval(), vote('ana')));
    expect(refusalOf(castVote(first, vote('ana', Reject)))).toEqual({ kind: 'already_voted', principal: 'ana' });
  });

  it.each([ChangeApprovalState.Approved, ChangeApprovalState.Rejected])('refuses a vote on an approval already %s', (state) => {
    expect(refusalOf(castVote(buildApproval(CAB2, { state }), vote('ana')))).toEqual({ kind: 'not_pending', state });
  });
});

describe('delegation', () => {
  const delegated = (approval = buildApproval()) => approvalOf(delegate(approval, { from: 'ana', fromRoles: [Role.Cab], to: 'dan', at: at(2) }));

  it('records the delegation', () => {
    expect(delegated().delegations).toEqual([{ from: 'ana', to: 'dan', at: '2024-03-01T09:02:00.000Z' }]);
  });

  it('lets the delegate, without the role, vote once for the delegator', () => {
    const voted = approvalOf(castVote(delegated(), vote('dan', Approve, { roles: [Role.Agent] })));
    expect(voted.votes[0]).toMatchObject({ approverId: 'dan', onBehalfOf: 'ana' });
    expect(refusalOf(castVote(voted, vote('dan', Approve, { roles: [Role.Agent] })))).toEqual({ kind: 'already_voted', principal: 'ana' });
  });

  it('counts the delegate vote for the delegator towards the quorum, and the delegator never twice', () => {
    const viaDelegate = approvalOf(castVote(delegated(), vote('dan', Approve, { roles: [Role.Agent] })));
    expect(refusalOf(castVote(viaDelegate, vote('ana')))).toEqual({ kind: 'already_voted', principal: 'ana' });
    expect(approvalOf(castVote(viaDelegate, vote('ben'))).state).toBe(ChangeApprovalState.Approved);
  });

  it('refuses the delegate once the delegator voted themselves', () => {
    const byDelegator = approvalOf(castVote(delegated(), vote('ana')));
    expect(refusalOf(castVote(byDelegator, vote('dan', Approve, { roles: [Role.Agent] })))).toEqual({ kind: 'already_voted', principal: 'ana' });
  });

  it('lets a delegate who holds the role vote in their own name and then for the delegator', () => {
    const own = approvalOf(castVote(delegated(buildApproval({ ...CAB2, quorum: 3 })), vote('dan')));
    const forAna = approvalOf(castVote(own, vote('dan')));
    expect(forAna.votes.map((v) => [v.approverId, v.onBehalfOf])).toEqual([
      ['dan', null],
      ['dan', 'ana'],
    ]);
    expect(forAna.state).toBe(ChangeApprovalState.Pending);
    expect(refusalOf(castVote(forAna, vote('dan')))).toEqual({ kind: 'already_voted', principal: 'dan' });
  });

  it('lets one delegate vote for each of several delegators in delegation order', () => {
    const twice = approvalOf(delegate(delegated(buildApproval({ ...CAB2, quorum: 3 })), { from: 'ben', fromRoles: [Role.Cab], to: 'dan', at: at(3) }));
    const first = approvalOf(castVote(twice, vote('dan', Approve, { roles: [] })));
    const second = approvalOf(castVote(first, vote('dan', Approve, { roles: [] })));
    expect(second.votes.map((v) => v.onBehalfOf)).toEqual(['ana', 'ben']);
  });

  it('refuses a delegator without the role', () => {
    expect(refusalOf(delegate(buildApproval(), { from: 'ana', fromRoles: [Role.Agent], to: 'dan', at: T0 }))).toEqual({ kind: 'role_required', role: Role.Cab });
  });

  it('refuses a delegator who voted', () => {
    const voted = approvalOf(castVote(buildApproval(), vote('ana')));
    expect(refusalOf(delegate(voted, { from: 'ana', fromRoles: [Role.Cab], to: 'dan', at: T0 }))).toEqual({ kind: 'already_voted', principal: 'ana' });
  });

  it('refuses a second delegation by the same delegator', () => {
    expect(refusalOf(delegate(delegated(), { from: 'ana', fromRoles: [Role.Cab], to: 'eve', at: T0 }))).toEqual({ kind: 'already_delegated', from: 'ana', to: 'dan' });
  });

  it('refuses a delegation to oneself', () => {
    expect(refusalOf(delegate(buildApproval(), { from: 'ana', fromRoles: [Role.Cab], to: 'ana', at: T0 }))).toEqual({ kind: 'self_delegation', from: 'ana' });
  });

  it('refuses a delegation once the approval is decided', () => {
    expect(refusalOf(delegate(buildApproval(CAB2, { state: ChangeApprovalState.Approved }), { from: 'ana', fromRoles: [Role.Cab], to: 'dan', at: T0 }))).toEqual({
      kind: 'not_pending',
      state: ChangeApprovalState.Approved,
    });
  });
});

describe('approval invariants', () => {
  const people = ['ana', 'ben', 'cy', 'dan', 'eve'];
  const voteArb = fc.record({ approverId: fc.constantFrom(...people), onBehalfOf: fc.option(fc.constantFrom(...people), { nil: null }), decision: fc.constantFrom(Approve, Reject) });

  it('rejects whenever any vote rejects, whatever the order', () => {
    const votesAndOrder = fc
      .array(voteArb, { maxLength: 10 })
      .chain((votes) => fc.tuple(fc.constant(votes), fc.shuffledSubarray(votes, { minLength: votes.length, maxLength: votes.length })));
    fc.assert(
      fc.property(votesAndOrder, fc.integer({ min: 1, max: 5 }), ([votes, shuffled], quorum) => {
        fc.pre(votes.some((v) => v.decision === Reject));
        expect(evaluateVotes(votes, quorum)).toBe(ChangeApprovalState.Rejected);
        expect(evaluateVotes(shuffled, quorum)).toBe(ChangeApprovalState.Rejected);
      }),
    );
  });

  it('approves exactly when at least the quorum of distinct principals approved and none rejected', () => {
    fc.assert(
      fc.property(fc.array(voteArb, { maxLength: 10 }), fc.integer({ min: 1, max: 5 }), (votes, quorum) => {
        const distinct = new Set(votes.map(principalOf)).size;
        const anyReject = votes.some((v) => v.decision === Reject);
        expect(evaluateVotes(votes, quorum) === ChangeApprovalState.Approved).toBe(!anyReject && distinct >= quorum);
        expect(evaluateVotes([...votes, ...votes], quorum)).toBe(evaluateVotes(votes, quorum));
      }),
    );
  });

  const action = fc.oneof(
    fc.record({ kind: fc.constant('vote' as const), who: fc.constantFrom(...people), holder: fc.boolean(), decision: fc.constantFrom(Approve, Approve, Reject) }),
    fc.record({ kind: fc.constant('delegate' as const), who: fc.constantFrom(...people), to: fc.constantFrom(...people), holder: fc.boolean() }),
  );

  it('never counts one principal twice, decides at the first reject or at the quorum, and takes nothing after', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 25 }), fc.integer({ min: 1, max: 4 }), (actions, quorum) => {
        let approval = buildApproval({ name: 'cab', role: Role.Cab, quorum });
        for (const [i, step] of actions.entries()) {
          const roles = step.holder ? [Role.Cab] : [Role.Agent];
          const before = approval;
          const check =
            step.kind === 'vote' ? castVote(approval, { approverId: step.who, roles, decision: step.decision, at: at(i) }) : delegate(approval, { from: step.who, fromRoles: roles, to: step.to, at: at(i) });
          if (before.state !== ChangeApprovalState.Pending) expect(check.ok).toBe(false);
          if (!check.ok) continue;
          approval = check.approval;
          expect(approval.state).toBe(evaluateVotes(approval.votes, quorum));
          if (step.kind === 'vote' && step.decision === Reject) expect(approval.state).toBe(ChangeApprovalState.Rejected);
        }
        const principals = approval.votes.map(principalOf);
        expect(new Set(principals).size).toBe(principals.length);
        for (const v of approval.votes) {
          if (v.onBehalfOf !== null) expect(approval.delegations).toContainEqual(expect.objectContaining({ from: v.onBehalfOf, to: v.approverId }));
        }
        expect(approval.votes.filter((v) => v.decision === Approve).length).toBeLessThanOrEqual(quorum);
      }),
    );
  });
});

describe('approval policies from configuration', () => {
  it('keeps the defaults for what is left out', () => {
    expect(parseApprovalPolicies('{}')).toEqual(DEFAULT_APPROVAL_POLICIES);
    const policies = parseApprovalPolicies('{"normal":{"high":{"name":"cab-lite","role":"cab","quorum":1}}}');
    expect(policies.normal.high).toEqual({ name: 'cab-lite', role: Role.Cab, quorum: 1 });
    expect(policies.normal.very_high).toEqual(DEFAULT_APPROVAL_POLICIES.normal.very_high);
    expect(policies.emergency).toEqual(DEFAULT_APPROVAL_POLICIES.emergency);
  });

  it('takes one policy for every risk level of a type', () => {
    const policies = parseApprovalPolicies('{"emergency":{"name":"ecab","role":"manager","quorum":2}}');
    for (const level of Object.values(RiskLevel)) expect(policies.emergency[level]).toEqual({ name: 'ecab', role: Role.Manager, quorum: 2 });
  });

  it.each([
    ['nope', 'must be a JSON object of approval policies'],
    ['{"standard":{"name":"x","role":"cab","quorum":1}}', 'has unknown change types: standard'],
    ['{"normal":[]}', 'normal must be a policy or an object of policies by risk level'],
    ['{"normal":{"severe":{}}}', 'normal has unknown risk levels: severe'],
    ['{"normal":{"low":{"name":"m","role":"requester","quorum":1}}}', 'normal.low.role must be one of agent, manager, cab, admin'],
    ['{"normal":{"low":{"name":"m","role":"manager","quorum":0}}}', 'normal.low.quorum must be a whole number within 1..20'],
    ['{"normal":{"low":{"name":"","role":"manager","quorum":1}}}', 'normal.low.name must be a name of 1..50 characters'],
    ['{"emergency":{"name":"e","role":"cab","quorum":1,"extra":true}}', 'emergency has unknown fields: extra'],
  ])('refuses %s, saying why', (json, message) => {
    expect(() => parseApprovalPolicies(json)).toThrow(message);
  });
});

describe('answers to refused votes and delegations', () => {
  it.each([
    [{ kind: 'not_pending', state: ChangeApprovalState.Approved }, ChangeErrorCode.NotAwaitingApproval, ErrorCode.CONFLICT, { approvalState: ChangeApprovalState.Approved }],
    [{ kind: 'role_required', role: Role.Cab }, ChangeErrorCode.ApproverRoleRequired, ErrorCode.FORBIDDEN, { role: Role.Cab }],
    [{ kind: 'already_voted', principal: 'ana' }, ChangeErrorCode.AlreadyVoted, ErrorCode.CONFLICT, { approverId: 'ana' }],
    [{ kind: 'already_delegated', from: 'ana', to: 'dan' }, ChangeErrorCode.AlreadyVoted, ErrorCode.CONFLICT, { approverId: 'ana', delegatedTo: 'dan' }],
  ] as const)('answers %o with %s', (refusal, reason, code, details) => {
    const error = approvalRefusalError(refusal);
    expect(error).toBeInstanceOf(ChangeError);
    expect(error.reason).toBe(reason);
    expect(error.code).toBe(code);
    expect(error.details).toEqual(details);
  });

  it('answers a delegation to oneself with 400 naming `to`', () => {
    const error = approvalRefusalError({ kind: 'self_delegation', from: 'ana' });
    expect(error).toBeInstanceOf(CommonError);
    expect(error.reason).toBe(CommonErrorCode.InvalidRequest);
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.details?.errors).toEqual([{ field: 'to', message: 'must be someone other than the delegator' }]);
  });
});
