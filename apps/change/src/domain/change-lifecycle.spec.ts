import fc from 'fast-check';
import { ChangeApprovalState, ChangeError, ChangeErrorCode, ChangeOutcome, ChangeState, ChangeType, ErrorCode, Role } from '@itsm/contracts';
import {
  allowedFrom,
  CHANGE_TRANSITIONS,
  type ChangeLifecycleSnapshot,
  type ChangeTransitionCheck,
  type ChangeTransitionRefusal,
  type ChangeTransitionRequest,
  changeTransitionRefusalError,
  checkTransition,
  FINAL_CHANGE_STATES,
  insideWindow,
  isFinalChangeState,
  MANAGER_ROLES,
  moveOnApprovalDecision,
  STANDARD_CHANGE_TRANSITIONS,
} from './change-lifecycle';

const S = ChangeState;
const T = ChangeType;
const STATES = Object.values(ChangeState);
const START = new Date('2024-03-02T22:00:00.000Z');
const END = new Date('2024-03-03T02:00:00.000Z');
const DURING = new Date('2024-03-03T00:00:00.000Z');
const BEFORE = new Date('2024-03-02T12:00:00.000Z');
const AGENT = [Role.Agent];
const MANAGER = [Role.Manager];

function buildChange(overrides: Partial<ChangeLifecycleSnapshot> = {}): ChangeLifecycleSnapshot {
  return { type: T.Normal, state: S.New, plannedStart: START, plannedEnd: END, approvalState: null, ...overrides };
}

/** The smallest request that makes a move to `to` valid. */
function validRequest(to: ChangeState, overrides: Partial<ChangeTransitionRequest> = {}): ChangeTransitionRequest {
  const fields: Partial<ChangeTransitionRequest> = to === S.Canceled || to === S.Rejected ? { reason: 'Superseded by CHG0001042.' } : to === S.Review ? { outcome: ChangeOutcome.Successful } : {};
  return { to, ...fields, ...overrides };
}

/** A change in `from` that meets what a valid move out of it reads (approved when leaving authorize). */
function changeIn(from: ChangeState, type: ChangeType = T.Normal): ChangeLifecycleSnapshot {
  return buildChange({ type, state: from, approvalState: from === S.Authorize ? ChangeApprovalState.Approved : null });
}

function changesOf(check: ChangeTransitionCheck) {
  if (!check.ok) throw new Error(`expected the move to be allowed, but it was refused: ${JSON.stringify(check.refusal)}`);
  return check.changes;
}

function refusalOf(check: ChangeTransitionCheck): ChangeTransitionRefusal {
  if (check.ok) throw new Error(`expected a refusal, but the move was allowed: ${JSON.stringify(check.changes)}`);
  return check.refusal;
}

const pairsOf = (type: ChangeType) => STATES.flatMap((from) => allowedFrom(from, type).map((to) => [from, to] as const));
const refusedPairsOf = (type: ChangeType) => STATES.flatMap((from) => STATES.filter((to) => !allowedFrom(from, type).includes(to)).map((to) => [from, to] as const));

describe('change lifecycle', () => {
  describe('the transition tables', () => {
    it('has 13 moves for normal and emergency changes and 7 for standard ones', () => {
      expect(pairsOf(T.Normal)).toHaveLength(13);
      expect(pairsOf(T.Emergency)).toEqual(pairsOf(T.Normal));
      expect(pairsOf(T.Standard)).toHaveLength(7);
    });

    it('walks a normal change new → assess → authorize → scheduled → implement → review → closed', () => {
      const path = [S.New, S.Assess, S.Authorize, S.Scheduled, S.Implement, S.Review, S.Closed];
      for (let i = 1; i < path.length; i += 1) expect(allowedFrom(path[i - 1] as ChangeState, T.Normal)).toContain(path[i]);
    });

    it('walks a standard change new → scheduled → implement → review → closed, never through assess or authorize', () => {
      expect(allowedFrom(S.New, T.Standard)).toEqual([S.Scheduled, S.Canceled, S.Rejected]);
      expect(allowedFrom(S.Assess, T.Standard)).toEqual([]);
      expect(allowedFrom(S.Authorize, T.Standard)).toEqual([]);
      expect(STANDARD_CHANGE_TRANSITIONS[S.Scheduled]).toEqual(CHANGE_TRANSITIONS[S.Scheduled]);
    });

    it('cancels from new, assess, authorize and scheduled, and rejects from new, assess and authorize only', () => {
      for (const state of STATES) {
        expect(allowedFrom(state, T.Normal).includes(S.Canceled)).toBe([S.New, S.Assess, S.Authorize, S.Scheduled].includes(state));
        expect(allowedFrom(state, T.Normal).includes(S.Rejected)).toBe([S.New, S.Assess, S.Authorize].includes(state));
      }
    });

    it('lets nothing leave closed, canceled or rejected', () => {
      expect([...FINAL_CHANGE_STATES].sort()).toEqual([S.Canceled, S.Closed, S.Rejected]);
      for (const type of Object.values(T)) for (const state of FINAL_CHANGE_STATES) expect(allowedFrom(state, type)).toEqual([]);
      expect(STATES.filter(isFinalChangeState)).toEqual([S.Closed, S.Canceled, S.Rejected]);
    });

    it('lets managers and admins reject and override', () => {
      expect([...MANAGER_ROLES].sort()).toEqual([Role.Admin, Role.Manager]);
    });
  });

  describe('allowed moves', () => {
    it.each([
      [T.Normal, S.New, S.Assess, AGENT, {}, { state: S.Assess }],
      [T.Normal, S.Assess, S.Authorize, AGENT, {}, { state: S.Authorize }],
      [T.Normal, S.Authorize, S.Scheduled, AGENT, {}, { state: S.Scheduled }],
      [T.Normal, S.Scheduled, S.Implement, AGENT, {}, { state: S.Implement, implementationStartedAt: DURING }],
      [T.Normal, S.Implement, S.Review, AGENT, {}, { state: S.Review, outcome: ChangeOutcome.Successful, backoutPerformed: false, implementedAt: DURING }],
      [T.Normal, S.Review, S.Closed, AGENT, {}, { state: S.Closed, closedAt: DURING }],
      [T.Normal, S.New, S.Canceled, AGENT, {}, { state: S.Canceled, cancelReason: 'Superseded by CHG0001042.' }],
      [T.Normal, S.Assess, S.Canceled, AGENT, {}, { state: S.Canceled, cancelReason: 'Superseded by CHG0001042.' }],
      [T.Normal, S.Authorize, S.Canceled, AGENT, {}, { state: S.Canceled, cancelReason: 'Superseded by CHG0001042.' }],
      [T.Normal, S.Scheduled, S.Canceled, AGENT, {}, { state: S.Canceled, cancelReason: 'Superseded by CHG0001042.' }],
      [T.Normal, S.New, S.Rejected, MANAGER, {}, { state: S.Rejected, cancelReason: 'Superseded by CHG0001042.' }],
      [T.Normal, S.Assess, S.Rejected, MANAGER, {}, { state: S.Rejected, cancelReason: 'Superseded by CHG0001042.' }],
      [T.Normal, S.Authorize, S.Rejected, [Role.Admin], {}, { state: S.Rejected, cancelReason: 'Superseded by CHG0001042.' }],
      [T.Standard, S.New, S.Scheduled, AGENT, {}, { state: S.Scheduled }],
      [T.Standard, S.New, S.Canceled, AGENT, {}, { state: S.Canceled, cancelReason: 'Superseded by CHG0001042.' }],
      [T.Standard, S.New, S.Rejected, MANAGER, {}, { state: S.Rejected, cancelReason: 'Superseded by CHG0001042.' }],
      [T.Standard, S.Scheduled, S.Implement, AGENT, {}, { state: S.Implement, implementationStartedAt: DURING }],
      [T.Emergency, S.Authorize, S.Scheduled, AGENT, {}, { state: S.Scheduled }],
      [
        T.Normal,
        S.Implement,
        S.Review,
        AGENT,
        { outcome: ChangeOutcome.Failed, backoutPerformed: true },
        { state: S.Review, outcome: ChangeOutcome.Failed, backoutPerformed: true, implementedAt: DURING },
      ],
      [
        T.Normal,
        S.Implement,
        S.Review,
        AGENT,
        { outcome: ChangeOutcome.SuccessfulWithIssues, backoutPerformed: true },
        { state: S.Review, outcome: ChangeOutcome.SuccessfulWithIssues, backoutPerformed: true, implementedAt: DURING },
      ],
      [T.Normal, S.Review, S.Closed, AGENT, { reviewNotes: 'Went as planned.' }, { state: S.Closed, closedAt: DURING, reviewNotes: 'Went as planned.' }],
      [T.Normal, S.Authorize, S.Scheduled, MANAGER, { override: { reason: 'Vendor window is fixed.' } }, { state: S.Scheduled }],
      [T.Normal, S.New, S.Assess, AGENT, { reason: 'Needed before the audit.' }, { state: S.Assess }],
    ] as const)('moves a %s change from %s to %s (%#) with exactly the right changes', (type, from, to, roles, overrides, changes) => {
      expect(changesOf(checkTransition(changeIn(from, type), validRequest(to, overrides), roles, DURING))).toEqual(changes);
    });

    it('covers every move of both tables', () => {
      for (const type of Object.values(T)) {
        for (const [from, to] of pairsOf(type)) expect(changesOf(checkTransition(changeIn(from, type), validRequest(to), MANAGER, DURING)).state).toBe(to);
      }
    });

    it('trims the reason it keeps', () => {
      expect(changesOf(checkTransition(buildChange(), { to: S.Canceled, reason: '  Duplicate. ' }, AGENT, DURING)).cancelReason).toBe('Duplicate.');
    });
  });

  describe('refused moves', () => {
    it.each(Object.values(T).flatMap((type) => refusedPairsOf(type).map(([from, to]) => [type, from, to] as const)))('refuses a %s change %s → %s as not allowed, listing what is allowed', (type, from, to) => {
      expect(refusalOf(checkTransition(changeIn(from, type), validRequest(to), [Role.Admin], DURING))).toEqual({ kind: 'not_allowed', from, to, allowed: allowedFrom(from, type) });
    });

    it.each([S.New, S.Assess, S.Authorize])('forbids an agent to reject a change in %s, naming who may', (from) => {
      expect(refusalOf(checkTransition(changeIn(from), validRequest(S.Rejected), [Role.Agent, Role.Cab], DURING))).toEqual({ kind: 'forbidden', from, to: S.Rejected, roles: MANAGER_ROLES });
    });

    it.each([
      [S.Canceled, AGENT, undefined],
      [S.Canceled, AGENT, ''],
      [S.Rejected, MANAGER, '   '],
    ] as const)('refuses a move to %s without a reason (%#)', (to, roles, reason) => {
      const request: ChangeTransitionRequest = reason === undefined ? { to } : { to, reason };
      expect(refusalOf(checkTransition(buildChange({ state: S.Assess }), request, roles, DURING))).toEqual({ kind: 'reason_required', from: S.Assess, to, field: 'reason' });
    });

    it('refuses a move to review without an outcome', () => {
      expect(refusalOf(checkTransition(buildChange({ state: S.Implement }), { to: S.Review }, AGENT, DURING))).toEqual({ kind: 'outcome_required', from: S.Implement, to: S.Review, field: 'outcome' });
    });

    it('refuses a failed outcome without saying whether the backout was performed', () => {
      expect(refusalOf(checkTransition(buildChange({ state: S.Implement }), { to: S.Review, outcome: ChangeOutcome.Failed }, AGENT, DURING))).toEqual({
        kind: 'outcome_required',
        from: S.Implement,
        to: S.Review,
        field: 'backoutPerformed',
      });
    });

    it.each([null, ChangeApprovalState.Pending, ChangeApprovalState.Rejected])('refuses authorize → scheduled while the approval is %s', (approvalState) => {
      expect(refusalOf(checkTransition(buildChange({ state: S.Authorize, approvalState }), { to: S.Scheduled }, MANAGER, DURING))).toEqual({
        kind: 'not_approved',
        from: S.Authorize,
        to: S.Scheduled,
        allowed: [S.Canceled, S.Rejected],
        approvalState,
      });
    });

    it.each([
      [T.Normal, BEFORE],
      [T.Standard, BEFORE],
      [T.Normal, END],
      [T.Normal, new Date(END.getTime() + 1)],
    ])('refuses to start implementing a %s change outside its window (at %s)', (type, now) => {
      expect(refusalOf(checkTransition(buildChange({ type, state: S.Scheduled }), { to: S.Implement }, AGENT, now))).toEqual({
        kind: 'outside_window',
        from: S.Scheduled,
        to: S.Implement,
        plannedStart: START,
        plannedEnd: END,
        at: now,
      });
    });

    it('lets an emergency change start outside its window', () => {
      expect(changesOf(checkTransition(buildChange({ type: T.Emergency, state: S.Scheduled }), { to: S.Implement }, AGENT, BEFORE))).toEqual({ state: S.Implement, implementationStartedAt: BEFORE });
    });

    it('starts a window at its start, included', () => {
      expect(checkTransition(buildChange({ state: S.Scheduled }), { to: S.Implement }, AGENT, START).ok).toBe(true);
      expect(insideWindow({ plannedStart: START, plannedEnd: END }, START)).toBe(true);
      expect(insideWindow({ plannedStart: START, plannedEnd: END }, END)).toBe(false);
    });

    it('forbids an agent to override conflicts, and refuses an override without a reason', () => {
      const approved = buildChange({ state: S.Authorize, approvalState: ChangeApprovalState.Approved });
      expect(refusalOf(checkTransition(approved, { to: S.Scheduled, override: { reason: 'Urgent.' } }, AGENT, DURING))).toEqual({
        kind: 'override_forbidden',
        from: S.Authorize,
        to: S.Scheduled,
        roles: MANAGER_ROLES,
      });
      expect(refusalOf(checkTransition(approved, { to: S.Scheduled, override: { reason: ' ' } }, MANAGER, DURING))).toEqual({
        kind: 'reason_required',
        from: S.Authorize,
        to: S.Scheduled,
        field: 'override.reason',
      });
    });

    it.each([
      [S.New, S.Assess, { outcome: ChangeOutcome.Failed }, ['outcome']],
      [S.Review, S.Closed, { outcome: ChangeOutcome.Successful, backoutPerformed: false }, ['outcome', 'backoutPerformed']],
      [S.Implement, S.Review, { outcome: ChangeOutcome.Successful, reviewNotes: 'Early.' }, ['reviewNotes']],
      [S.Assess, S.Authorize, { override: { reason: 'Urgent.' } }, ['override']],
      [S.Scheduled, S.Canceled, { reason: 'Not needed.', override: { reason: 'Urgent.' } }, ['override']],
    ] as const)('refuses fields a move %s → %s does not take (%#)', (from, to, fields, named) => {
      expect(refusalOf(checkTransition(changeIn(from), { to, ...fields }, MANAGER, DURING))).toEqual({ kind: 'foreign_fields', from, to, fields: named });
    });

    it('checks the move before who makes it, and who before the fields', () => {
      expect(refusalOf(checkTransition(buildChange({ state: S.Scheduled }), { to: S.Rejected }, AGENT, DURING)).kind).toBe('not_allowed');
      expect(refusalOf(checkTransition(buildChange({ state: S.New }), { to: S.Rejected, outcome: ChangeOutcome.Failed }, AGENT, DURING)).kind).toBe('forbidden');
      expect(refusalOf(checkTransition(buildChange({ state: S.New }), { to: S.Canceled, outcome: ChangeOutcome.Failed }, AGENT, DURING)).kind).toBe('foreign_fields');
    });
  });

  describe('the move when an approval is decided', () => {
    it('sends a rejected change back to new', () => {
      expect(moveOnApprovalDecision(ChangeApprovalState.Rejected, false)).toBe(S.New);
      expect(moveOnApprovalDecision(ChangeApprovalState.Rejected, true)).toBe(S.New);
    });

    it('schedules an approved change without conflicts, and keeps one with conflicts in authorize', () => {
      expect(moveOnApprovalDecision(ChangeApprovalState.Approved, false)).toBe(S.Scheduled);
      expect(moveOnApprovalDecision(ChangeApprovalState.Approved, true)).toBeNull();
    });

    it('does not move a change whose approval is pending', () => {
      expect(moveOnApprovalDecision(ChangeApprovalState.Pending, false)).toBeNull();
    });
  });

  describe('invariants', () => {
    it('either moves or refuses with a 409, 403 or 422, never anything else', () => {
      fc.assert(
        fc.property(changeArb, requestArb, rolesArb, nowArb, (change, request, roles, now) => {
          const check = checkTransition(change, request, roles, now);
          if (!check.ok) expect([ErrorCode.INVALID_TRANSITION, ErrorCode.CONFLICT, ErrorCode.FORBIDDEN, ErrorCode.UNPROCESSABLE]).toContain(changeTransitionRefusalError(check.refusal).code);
        }),
      );
    });

    const requestArb: fc.Arbitrary<ChangeTransitionRequest> = fc.record(
      {
        to: fc.constantFrom(...STATES),
        reason: fc.string({ maxLength: 10 }),
        outcome: fc.constantFrom(...Object.values(ChangeOutcome)),
        backoutPerformed: fc.boolean(),
        reviewNotes: fc.string({ maxLength: 10 }),
        override: fc.record({ reason: fc.string({ maxLength: 10 }) }),
      },
      { requiredKeys: ['to'] },
    );
    const changeArb: fc.Arbitrary<ChangeLifecycleSnapshot> = fc.record({
      type: fc.constantFrom(...Object.values(T)),
      state: fc.constantFrom(...STATES),
      plannedStart: fc.constant(START),
      plannedEnd: fc.constant(END),
      approvalState: fc.constantFrom(null, ...Object.values(ChangeApprovalState)),
    });
    const nowArb = fc.constantFrom(BEFORE, START, DURING, END);
    const rolesArb = fc.subarray(Object.values(Role));

    it('moves only along the table of the change type, and only with what the target needs', () => {
      fc.assert(
        fc.property(changeArb, requestArb, rolesArb, nowArb, (change, request, roles, now) => {
          const check = checkTransition(change, request, roles, now);
          if (!allowedFrom(change.state, change.type).includes(request.to)) expect(check.ok).toBe(false);
          if (!check.ok) return;
          const { changes } = check;
          expect(changes.state).toBe(request.to);
          if (changes.state === S.Canceled || changes.state === S.Rejected) expect(changes.cancelReason?.trim()).toBeTruthy();
          if (changes.state === S.Rejected || (changes.state === S.Scheduled && request.override)) expect(roles.some((role) => MANAGER_ROLES.includes(role))).toBe(true);
          if (changes.state === S.Review) {
            expect(changes.outcome).toBeDefined();
            if (changes.outcome === ChangeOutcome.Failed) expect(changes.backoutPerformed).toBe(request.backoutPerformed);
          }
          if (changes.state === S.Implement && change.type !== T.Emergency) expect(insideWindow(change, now)).toBe(true);
          if (changes.state === S.Scheduled && change.state === S.Authorize) expect(change.approvalState).toBe(ChangeApprovalState.Approved);
        }),
      );
    });
  });
});

describe('answers to refused moves', () => {
  const errorOf = (change: Partial<ChangeLifecycleSnapshot>, request: ChangeTransitionRequest, roles: readonly Role[] = AGENT, now = DURING) =>
    changeTransitionRefusalError(refusalOf(checkTransition(buildChange(change), request, roles, now)));

  it('answers a move the table lacks with 409 CHANGE_INVALID_TRANSITION listing the allowed states', () => {
    const error = errorOf({ state: S.New }, { to: S.Implement });
    expect(error).toBeInstanceOf(ChangeError);
    expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(error.reason).toBe(ChangeErrorCode.InvalidTransition);
    expect(error.details).toEqual({ from: S.New, to: S.Implement, allowed: [S.Assess, S.Canceled, S.Rejected] });
    expect(error.message).toBe('a change cannot move from new to implement; allowed: assess, canceled, rejected');
    expect(errorOf({ state: S.Closed }, { to: S.New }).message).toContain('none (the state is final)');
  });

  it('answers scheduling before approval with 409 CHANGE_INVALID_TRANSITION naming the approval state', () => {
    const error = errorOf({ state: S.Authorize, approvalState: ChangeApprovalState.Pending }, { to: S.Scheduled });
    expect(error.reason).toBe(ChangeErrorCode.InvalidTransition);
    expect(error.details).toEqual({ from: S.Authorize, to: S.Scheduled, allowed: [S.Canceled, S.Rejected], approvalState: ChangeApprovalState.Pending });
  });

  it.each([
    [{ state: S.New }, { to: S.Rejected, reason: 'No business case.' }, AGENT, ChangeErrorCode.RejectForbidden, ErrorCode.FORBIDDEN],
    [{ state: S.Authorize, approvalState: ChangeApprovalState.Approved }, { to: S.Scheduled, override: { reason: 'Same team.' } }, AGENT, ChangeErrorCode.OverrideForbidden, ErrorCode.FORBIDDEN],
    [{ state: S.New }, { to: S.Canceled }, AGENT, ChangeErrorCode.ReasonRequired, ErrorCode.UNPROCESSABLE],
    [{ state: S.Implement }, { to: S.Review }, AGENT, ChangeErrorCode.OutcomeRequired, ErrorCode.UNPROCESSABLE],
    [{ state: S.New }, { to: S.Assess, reviewNotes: 'x' }, AGENT, ChangeErrorCode.TransitionFieldsInvalid, ErrorCode.UNPROCESSABLE],
  ] as const)('answers %o / %o with %s', (change, request, roles, reason, code) => {
    const error = errorOf(change, request, roles);
    expect(error.reason).toBe(reason);
    expect(error.code).toBe(code);
  });

  it('names the missing or foreign field', () => {
    expect(errorOf({ state: S.Implement }, { to: S.Review, outcome: ChangeOutcome.Failed }).details).toMatchObject({ field: 'backoutPerformed', errors: [{ field: 'backoutPerformed' }] });
    expect(errorOf({ state: S.Assess }, { to: S.Rejected }, MANAGER).details).toMatchObject({ field: 'reason' });
    expect(errorOf({ state: S.Review }, { to: S.Closed, outcome: ChangeOutcome.Failed }).details).toMatchObject({ field: 'outcome', errors: [{ field: 'outcome', message: 'is taken only on a move to review' }] });
  });

  it('answers an early start with 409 CHANGE_OUTSIDE_WINDOW giving the window', () => {
    const error = errorOf({ state: S.Scheduled }, { to: S.Implement }, AGENT, BEFORE);
    expect(error.reason).toBe(ChangeErrorCode.OutsideWindow);
    expect(error.code).toBe(ErrorCode.CONFLICT);
    expect(error.details).toEqual({ from: S.Scheduled, to: S.Implement, plannedStart: START.toISOString(), plannedEnd: END.toISOString() });
  });
});
