import fc from 'fast-check';
import { ApprovalDecision, ApprovalType, RequestState } from '@itsm/contracts';
import {
  type ApprovalOutcome,
  approvalOutcome,
  approvalStepsFor,
  type ApprovalStep,
  checkApprovalPolicy,
  checkDecision,
  isApprover,
  outcomeAfter,
  requiredApprovals,
  stepOf,
} from './approval';

const A = ApprovalDecision;

function steps(...decisions: ApprovalDecision[]): ApprovalStep[] {
  return decisions.map((decision, i) => ({ approverId: `approver-${i}`, group: null, decision }));
}

describe('approval policies', () => {
  it('accepts each type with exactly its own fields', () => {
    expect(checkApprovalPolicy({ type: ApprovalType.None })).toEqual([]);
    expect(checkApprovalPolicy({ type: ApprovalType.Manager })).toEqual([]);
    expect(checkApprovalPolicy({ type: ApprovalType.Group, group: 'it-procurement' })).toEqual([]);
    expect(checkApprovalPolicy({ type: ApprovalType.NOfM, approvers: ['a', 'b', 'c'], required: 2 })).toEqual([]);
  });

  it('names each field that does not fit the type', () => {
    const fields = (policy: Parameters<typeof checkApprovalPolicy>[0]) => checkApprovalPolicy(policy).map((error) => error.field);
    expect(fields({ type: ApprovalType.Group })).toEqual(['approval.group']);
    expect(fields({ type: ApprovalType.Manager, group: 'x', approvers: ['a'], required: 1 })).toEqual(['approval.group', 'approval.approvers', 'approval.required']);
    expect(fields({ type: ApprovalType.NOfM, approvers: ['a', 'b'], required: 3 })).toEqual(['approval.required']);
    expect(fields({ type: ApprovalType.NOfM, approvers: ['a', 'a'], required: 1 })).toEqual(['approval.approvers']);
    expect(fields({ type: ApprovalType.NOfM, approvers: [] })).toEqual(['approval.approvers', 'approval.required']);
  });

  it('needs no approval for none, one for a manager or a group, and n for n of m', () => {
    expect(requiredApprovals({ type: ApprovalType.None })).toBe(0);
    expect(requiredApprovals({ type: ApprovalType.Manager })).toBe(1);
    expect(requiredApprovals({ type: ApprovalType.Group, group: 'g' })).toBe(1);
    expect(requiredApprovals({ type: ApprovalType.NOfM, approvers: ['a', 'b', 'c'], required: 2 })).toBe(2);
  });
});

describe('approval steps of a new request', () => {
  it('asks the requester’s manager, and cannot without one', () => {
    expect(approvalStepsFor({ type: ApprovalType.Manager }, { managerId: 'mallory' })).toEqual({ ok: true, steps: [{ approverId: 'mallory', group: null }] });
    expect(approvalStepsFor({ type: ApprovalType.Manager }, {})).toEqual({ ok: false, reason: 'no_manager' });
  });

  it('asks a group once, and every named approver of n of m', () => {
    expect(approvalStepsFor({ type: ApprovalType.Group, group: 'g' }, {})).toEqual({ ok: true, steps: [{ approverId: null, group: 'g' }] });
    expect(approvalStepsFor({ type: ApprovalType.NOfM, approvers: ['a', 'b'], required: 1 }, {})).toEqual({
      ok: true,
      steps: [
        { approverId: 'a', group: null },
        { approverId: 'b', group: null },
      ],
    });
    expect(approvalStepsFor({ type: ApprovalType.None }, {})).toEqual({ ok: true, steps: [] });
  });
});

describe('approval outcome', () => {
  const twoOfThree = { type: ApprovalType.NOfM, approvers: ['a', 'b', 'c'], required: 2 };

  it('is approved at once when no approval is needed', () => {
    expect(approvalOutcome({ type: ApprovalType.None }, [])).toBe('approved');
  });

  it('is settled by the first decision of a manager or a group', () => {
    expect(approvalOutcome({ type: ApprovalType.Manager }, steps(A.Pending))).toBe('pending');
    expect(approvalOutcome({ type: ApprovalType.Manager }, steps(A.Approved))).toBe('approved');
    expect(approvalOutcome({ type: ApprovalType.Group, group: 'g' }, steps(A.Rejected))).toBe('rejected');
  });

  it('approves 2 of 3 on the second approval and rejects on the second rejection', () => {
    expect(approvalOutcome(twoOfThree, steps(A.Approved, A.Pending, A.Pending))).toBe('pending');
    expect(approvalOutcome(twoOfThree, steps(A.Approved, A.Approved, A.Pending))).toBe('approved');
    expect(approvalOutcome(twoOfThree, steps(A.Rejected, A.Approved, A.Pending))).toBe('pending');
    expect(approvalOutcome(twoOfThree, steps(A.Rejected, A.Rejected, A.Pending))).toBe('rejected');
  });

  it('rejects 3 of 3 on the first rejection', () => {
    expect(approvalOutcome({ type: ApprovalType.NOfM, approvers: ['a', 'b', 'c'], required: 3 }, steps(A.Approved, A.Rejected, A.Pending))).toBe('rejected');
  });

  /** M approvers, `required` of them, and the order in which they decide with their decisions. */
  const nOfMRound = fc
    .integer({ min: 1, max: 12 })
    .chain((m) =>
      fc.record({
        m: fc.constant(m),
        required: fc.integer({ min: 1, max: m }),
        order: fc.shuffledSubarray([...Array(m).keys()], { minLength: m, maxLength: m }),
        decisions: fc.array(fc.constantFrom(A.Approved, A.Rejected), { minLength: m, maxLength: m }),
      }),
    );

  it('never changes its outcome once decided, whatever the later decisions', () => {
    fc.assert(
      fc.property(nOfMRound, ({ m, required, order, decisions }) => {
        const policy = { type: ApprovalType.NOfM, approvers: [...Array(m).keys()].map(String), required };
        const current = steps(...Array<ApprovalDecision>(m).fill(A.Pending));
        let settled: ApprovalOutcome | undefined;
        for (const [turn, who] of order.entries()) {
          (current[who] as ApprovalStep).decision = decisions[turn] as ApprovalDecision;
          const outcome = approvalOutcome(policy, current);
          if (settled) expect(outcome).toBe(settled);
          else if (outcome !== 'pending') settled = outcome;
        }
        expect(settled).toBeDefined();
      }),
    );
  });

  it('is approved exactly when approvals reach required, and rejected exactly when they no longer can', () => {
    fc.assert(
      fc.property(nOfMRound, fc.integer({ min: 0, max: 12 }), ({ m, required, decisions }, decidedCount) => {
        const decided = Math.min(decidedCount, m);
        const policy = { type: ApprovalType.NOfM, approvers: [...Array(m).keys()].map(String), required };
        const current = steps(...decisions.slice(0, decided), ...Array<ApprovalDecision>(m - decided).fill(A.Pending));
        const approvals = current.filter((step) => step.decision === A.Approved).length;
        const rejections = current.filter((step) => step.decision === A.Rejected).length;
        const outcome = approvalOutcome(policy, current);
        expect(outcome === 'approved').toBe(approvals >= required);
        expect(outcome === 'rejected').toBe(rejections > m - required);
      }),
    );
  });
});

describe('who decides a step', () => {
  const n = [
    { approverId: 'carol', group: null, decision: A.Approved },
    { approverId: 'dave', group: null, decision: A.Pending },
  ];

  it('finds the pending step of a named approver', () => {
    expect(stepOf(n, { sub: 'dave' })).toEqual({ ok: true, index: 1 });
  });

  it('refuses someone who is not an approver, and an approver who already decided', () => {
    expect(stepOf(n, { sub: 'erin' })).toEqual({ ok: false, reason: 'not_approver' });
    expect(stepOf(n, { sub: 'carol' })).toEqual({ ok: false, reason: 'already_decided' });
  });

  it('lets any member of the group decide the group’s step', () => {
    const group = [{ approverId: null, group: 'it-procurement', decision: A.Pending }];
    expect(stepOf(group, { sub: 'frank', groups: ['network', 'it-procurement'] })).toEqual({ ok: true, index: 0 });
    expect(stepOf(group, { sub: 'gina', groups: ['network'] })).toEqual({ ok: false, reason: 'not_approver' });
    expect(stepOf(group, { sub: 'gina' })).toEqual({ ok: false, reason: 'not_approver' });
  });
});

describe('who is an approver', () => {
  const steps = [
    { approverId: 'carol', group: null },
    { approverId: null, group: 'it-procurement' },
  ];

  it('counts a named approver and every member of an approving group, whatever they decided', () => {
    expect(isApprover({ sub: 'carol' }, steps)).toBe(true);
    expect(isApprover({ sub: 'frank', groups: ['network', 'it-procurement'] }, steps)).toBe(true);
    const released: ApprovalStep[] = [{ approverId: 'carol', group: null, decision: A.NoLongerRequired }];
    expect(isApprover({ sub: 'carol' }, released)).toBe(true);
  });

  it('counts nobody else, and nobody at all for a request without approval steps', () => {
    expect(isApprover({ sub: 'erin', groups: ['network'] }, steps)).toBe(false);
    expect(isApprover({ sub: 'erin' }, [])).toBe(false);
  });
});

describe('who may decide on a request', () => {
  const waiting = { requesterId: 'bob', state: RequestState.AwaitingApproval };
  const twoOfThree: ApprovalStep[] = [
    { approverId: 'carol', group: null, decision: A.Approved },
    { approverId: 'dave', group: null, decision: A.Pending },
    { approverId: 'erin', group: null, decision: A.Pending },
  ];

  it('lets an approver with a pending step decide it', () => {
    expect(checkDecision(waiting, twoOfThree, { sub: 'dave' })).toEqual({ ok: true, index: 1 });
  });

  it('never lets the requester decide their own request, even as one of its approvers', () => {
    expect(checkDecision({ ...waiting, requesterId: 'dave' }, twoOfThree, { sub: 'dave' })).toEqual({ ok: false, refusal: 'own_request' });
  });

  it('refuses someone who is not an approver, and an approver who decided already', () => {
    expect(checkDecision(waiting, twoOfThree, { sub: 'sam' })).toEqual({ ok: false, refusal: 'not_approver' });
    expect(checkDecision(waiting, twoOfThree, { sub: 'carol' })).toEqual({ ok: false, refusal: 'already_decided' });
  });

  it('takes decisions only while the request awaits approval', () => {
    for (const state of Object.values(RequestState).filter((s) => s !== RequestState.AwaitingApproval)) {
      expect(checkDecision({ ...waiting, state }, twoOfThree, { sub: 'dave' })).toEqual({ ok: false, refusal: 'not_awaiting_approval' });
    }
  });

  it('tells an approver whose step nobody needs any more that they decided already, even once the request is settled', () => {
    const settled = { ...waiting, state: RequestState.Approved };
    const steps = twoOfThree.map((step) => (step.decision === A.Pending ? { ...step, decision: A.NoLongerRequired } : step));
    expect(checkDecision(settled, steps, { sub: 'erin' })).toEqual({ ok: false, refusal: 'already_decided' });
  });

  it('refuses the requester first, and whoever is not an approver before looking at the state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(RequestState)), fc.constantFrom('bob', 'sam', 'carol', 'dave'), (state, sub) => {
        const check = checkDecision({ requesterId: 'bob', state }, twoOfThree, { sub });
        if (sub === 'bob') expect(check).toEqual({ ok: false, refusal: 'own_request' });
        else if (sub === 'sam') expect(check).toEqual({ ok: false, refusal: 'not_approver' });
        else if (sub === 'carol') expect(check).toEqual({ ok: false, refusal: 'already_decided' });
        else expect(check.ok).toBe(state === RequestState.AwaitingApproval);
      }),
    );
  });
});

describe('outcome of one more decision', () => {
  const twoOfThree = { type: ApprovalType.NOfM, approvers: ['a', 'b', 'c'], required: 2 };

  it('approves 2 of 3 with the second approval and waits after the first', () => {
    expect(outcomeAfter(twoOfThree, steps(A.Approved, A.Pending, A.Pending), 1, A.Approved)).toBe('approved');
    expect(outcomeAfter(twoOfThree, steps(A.Pending, A.Pending, A.Pending), 0, A.Approved)).toBe('pending');
  });

  it('is the outcome of the steps with that one decided, leaving the steps as they were', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(A.Pending, A.Approved, A.Rejected), { minLength: 1, maxLength: 8 }).chain((decisions) =>
          fc.record({
            decisions: fc.constant(decisions),
            index: fc.integer({ min: 0, max: decisions.length - 1 }),
            decision: fc.constantFrom(A.Approved, A.Rejected),
            required: fc.integer({ min: 1, max: decisions.length }),
          }),
        ),
        ({ decisions, index, decision, required }) => {
          const policy = { type: ApprovalType.NOfM, approvers: decisions.map((_, i) => String(i)), required };
          const current = steps(...decisions);
          const decided = current.map((step, i) => (i === index ? { ...step, decision } : step));
          expect(outcomeAfter(policy, current, index, decision)).toBe(approvalOutcome(policy, decided));
          expect(current.map((step) => step.decision)).toEqual(decisions);
        },
      ),
    );
  });
});
