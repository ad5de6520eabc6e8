import fc from 'fast-check';
import { ErrorCode, OPEN_PROBLEM_STATES, ProblemError, ProblemErrorCode, ProblemResolutionCode, ProblemState, Role } from '@itsm/contracts';
import {
  allowedFrom,
  assertOpenForChanges,
  CANCEL_ROLES,
  checkTransition,
  FINAL_PROBLEM_STATES,
  identifiesRootCause,
  isOpenProblemState,
  knownErrorIncompleteError,
  knownErrorPublishable,
  PROBLEM_TRANSITIONS,
  type ProblemLifecycleSnapshot,
  type ProblemTransitionRequest,
  retiresKnownError,
  type TransitionCheck,
  type TransitionRefusal,
  transitionRefusalError,
} from './problem-lifecycle';

const S = ProblemState;
const STATES = Object.values(ProblemState);
const NOW = new Date('2024-03-01T12:00:00.000Z');
const MANAGER = [Role.Manager];
const AGENT = [Role.Agent];

function buildProblem(overrides: Partial<ProblemLifecycleSnapshot> = {}): ProblemLifecycleSnapshot {
  return { state: S.New, rootCause: 'The certificate store fills up and rejects renewals.', causeCategory: 'configuration', ...overrides };
}

/** The smallest request that makes a move to `to` valid. */
function validRequest(to: ProblemState, overrides: Partial<ProblemTransitionRequest> = {}): ProblemTransitionRequest {
  const fields: Partial<ProblemTransitionRequest> =
    to === S.Resolved ? { resolutionCode: ProblemResolutionCode.PermanentFix, resolution: 'Raised the store quota and added an alert.' } : to === S.Canceled ? { reason: 'Raised twice.' } : {};
  return { to, ...fields, ...overrides };
}

function changesOf(check: TransitionCheck) {
  if (!check.ok) throw new Error(`expected the move to be allowed, but it was refused: ${JSON.stringify(check.refusal)}`);
  return check;
}

function refusalOf(check: TransitionCheck): TransitionRefusal {
  if (check.ok) throw new Error(`expected a refusal, but the move was allowed: ${JSON.stringify(check.changes)}`);
  return check.refusal;
}

const ALLOWED_PAIRS = STATES.flatMap((from) => PROBLEM_TRANSITIONS[from].map((to) => [from, to] as const));
const REFUSED_PAIRS = STATES.flatMap((from) => STATES.filter((to) => !PROBLEM_TRANSITIONS[from].includes(to)).map((to) => [from, to] as const));

describe('problem lifecycle', () => {
  describe('the transition table', () => {
    it('has 10 allowed moves and refuses the other 39 state pairs', () => {
      expect(ALLOWED_PAIRS).toHaveLength(10);
      expect(REFUSED_PAIRS).toHaveLength(39);
    });

    it('walks new → assess → root_cause_analysis → fix_in_progress → resolved → closed', () => {
      const path = [S.New, S.Assess, S.RootCauseAnalysis, S.FixInProgress, S.Resolved, S.Closed];
      for (let i = 1; i < path.length; i += 1) expect(allowedFrom(path[i - 1] as ProblemState)).toContain(path[i]);
    });

    it('lets a problem be canceled from every open state and from no other', () => {
      for (const state of STATES) expect(allowedFrom(state).includes(S.Canceled)).toBe(OPEN_PROBLEM_STATES.includes(state));
    });

    it('splits the states into open, resolved and final, and lets nothing leave a final state', () => {
      expect([...OPEN_PROBLEM_STATES, S.Resolved, ...FINAL_PROBLEM_STATES].sort()).toEqual([...STATES].sort());
      for (const state of FINAL_PROBLEM_STATES) expect(allowedFrom(state)).toEqual([]);
      expect(STATES.filter(isOpenProblemState)).toEqual(OPEN_PROBLEM_STATES);
    });

    it('lets managers and admins cancel', () => {
      expect([...CANCEL_ROLES].sort()).toEqual([Role.Admin, Role.Manager]);
    });
  });

  describe('allowed moves', () => {
    it.each([
      [S.New, S.Assess, { state: S.Assess }],
      [S.Assess, S.RootCauseAnalysis, { state: S.RootCauseAnalysis }],
      [S.RootCauseAnalysis, S.FixInProgress, { state: S.FixInProgress }],
      [
        S.FixInProgress,
        S.Resolved,
        { state: S.Resolved, resolutionCode: ProblemResolutionCode.PermanentFix, resolution: 'Raised the store quota and added an alert.', resolvedAt: NOW },
      ],
      [S.Resolved, S.Closed, { state: S.Closed, closedAt: NOW }],
      [S.Resolved, S.FixInProgress, { state: S.FixInProgress, resolutionCode: null, resolution: null, resolvedAt: null }],
      [S.New, S.Canceled, { state: S.Canceled, canceledAt: NOW, cancelReason: 'Raised twice.' }],
      [S.Assess, S.Canceled, { state: S.Canceled, canceledAt: NOW, cancelReason: 'Raised twice.' }],
      [S.RootCauseAnalysis, S.Canceled, { state: S.Canceled, canceledAt: NOW, cancelReason: 'Raised twice.' }],
      [S.FixInProgress, S.Canceled, { state: S.Canceled, canceledAt: NOW, cancelReason: 'Raised twice.' }],
    ] as const)('moves %s to %s with exactly the right changes', (from, to, changes) => {
      const check = changesOf(checkTransition(buildProblem({ state: from }), validRequest(to), MANAGER, NOW));
      expect(check.changes).toEqual(changes);
      expect(check.reopened).toBe(from === S.Resolved && to === S.FixInProgress);
    });

    it('covers every move of the table in the cases above', () => {
      for (const [from, to] of ALLOWED_PAIRS) expect(changesOf(checkTransition(buildProblem({ state: from }), validRequest(to), MANAGER, NOW)).changes.state).toBe(to);
    });

    it('keeps the resolution code given', () => {
      for (const resolutionCode of Object.values(ProblemResolutionCode)) {
        const check = changesOf(checkTransition(buildProblem({ state: S.FixInProgress }), validRequest(S.Resolved, { resolutionCode }), AGENT, NOW));
        expect(check.changes.resolutionCode).toBe(resolutionCode);
      }
    });

    it('lets agents make every move but a cancellation', () => {
      for (const [from, to] of ALLOWED_PAIRS.filter(([, to]) => to !== S.Canceled)) {
        expect(checkTransition(buildProblem({ state: from }), validRequest(to), AGENT, NOW).ok).toBe(true);
      }
    });

    it('takes a reason on any move without storing it anywhere but on a cancellation', () => {
      const check = changesOf(checkTransition(buildProblem({ state: S.New }), { to: S.Assess, reason: 'Seen in three regions.' }, AGENT, NOW));
      expect(check.changes).toEqual({ state: S.Assess });
    });
  });

  describe('refused moves', () => {
    it.each(REFUSED_PAIRS)('refuses %s → %s as not allowed, listing what is allowed', (from, to) => {
      expect(refusalOf(checkTransition(buildProblem({ state: from }), validRequest(to), [Role.Admin], NOW))).toEqual({ kind: 'not_allowed', from, to, allowed: PROBLEM_TRANSITIONS[from] });
    });

    it('checks the move before who makes it and before the fields', () => {
      expect(refusalOf(checkTransition(buildProblem({ state: S.Closed }), { to: S.Canceled }, AGENT, NOW)).kind).toBe('not_allowed');
      expect(refusalOf(checkTransition(buildProblem({ state: S.New, rootCause: null }), { to: S.FixInProgress }, AGENT, NOW)).kind).toBe('not_allowed');
    });

    it.each(OPEN_PROBLEM_STATES)('forbids an agent to cancel a %s problem, naming who may', (from) => {
      expect(refusalOf(checkTransition(buildProblem({ state: from }), validRequest(S.Canceled), AGENT, NOW))).toEqual({ kind: 'forbidden', from, to: S.Canceled, roles: CANCEL_ROLES });
    });

    it('forbids a cancellation before asking for its reason', () => {
      expect(refusalOf(checkTransition(buildProblem(), { to: S.Canceled }, [Role.Requester, Role.Cab], NOW)).kind).toBe('forbidden');
    });

    it('lets an admin cancel', () => {
      expect(checkTransition(buildProblem(), validRequest(S.Canceled), [Role.Admin], NOW).ok).toBe(true);
    });
  });

  describe('fields of a move', () => {
    it.each([
      ['rootCause', { rootCause: null }],
      ['rootCause', { rootCause: '   ' }],
      ['causeCategory', { causeCategory: null }],
    ] as const)('refuses a fix in progress while the problem has no %s, naming the field', (field, overrides) => {
      expect(refusalOf(checkTransition(buildProblem({ state: S.RootCauseAnalysis, ...overrides }), { to: S.FixInProgress }, AGENT, NOW))).toEqual({
        kind: 'missing_fields',
        from: S.RootCauseAnalysis,
        to: S.FixInProgress,
        errors: [{ field, message: 'must be recorded on the problem before a fix is in progress' }],
      });
    });

    it('names both root cause fields at once, and asks for them again when a fix did not hold', () => {
      const refusal = refusalOf(checkTransition(buildProblem({ state: S.Resolved, rootCause: null, causeCategory: null }), { to: S.FixInProgress }, AGENT, NOW));
      expect(refusal.kind).toBe('missing_fields');
      expect(refusal.kind === 'missing_fields' && refusal.errors.map((e) => e.field)).toEqual(['rootCause', 'causeCategory']);
    });

    it.each([
      [{ resolutionCode: undefined }, ['resolutionCode']],
      [{ resolution: undefined }, ['resolution']],
      [{ resolution: '' }, ['resolution']],
      [{ resolutionCode: undefined, resolution: undefined }, ['resolutionCode', 'resolution']],
    ] as const)('refuses a resolution without its code or text (%o), naming %o', (overrides, fields) => {
      const request = validRequest(S.Resolved);
      for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete request[key as keyof typeof overrides];
        else Object.assign(request, { [key]: value });
      }
      const refusal = refusalOf(checkTransition(buildProblem({ state: S.FixInProgress }), request, AGENT, NOW));
      expect(refusal).toEqual({ kind: 'missing_fields', from: S.FixInProgress, to: S.Resolved, errors: fields.map((field) => ({ field, message: 'is required to move to resolved' })) });
    });

    it.each([undefined, '', '  '])('refuses a cancellation with the reason %p', (reason) => {
      const refusal = refusalOf(checkTransition(buildProblem({ state: S.Assess }), { to: S.Canceled, ...(reason === undefined ? {} : { reason }) }, MANAGER, NOW));
      expect(refusal).toEqual({ kind: 'missing_fields', from: S.Assess, to: S.Canceled, errors: [{ field: 'reason', message: 'is required to move to canceled' }] });
    });

    it('refuses resolution fields on a move that is not a resolution', () => {
      const refusal = refusalOf(
        checkTransition(buildProblem({ state: S.Resolved }), { to: S.Closed, resolutionCode: ProblemResolutionCode.Duplicate, resolution: 'x' }, AGENT, NOW),
      );
      expect(refusal).toEqual({
        kind: 'foreign_fields',
        from: S.Resolved,
        to: S.Closed,
        errors: [
          { field: 'resolutionCode', message: 'does not apply to a move to closed' },
          { field: 'resolution', message: 'does not apply to a move to closed' },
        ],
      });
    });
  });

  describe('invariants', () => {
    const requestArb: fc.Arbitrary<ProblemTransitionRequest> = fc.record(
      {
        to: fc.constantFrom(...STATES),
        reason: fc.string({ maxLength: 20 }),
        resolutionCode: fc.constantFrom(...Object.values(ProblemResolutionCode)),
        resolution: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: ['to'] },
    );
    const problemArb: fc.Arbitrary<ProblemLifecycleSnapshot> = fc.record({
      state: fc.constantFrom(...STATES),
      rootCause: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      causeCategory: fc.option(fc.constantFrom('software', 'network', ''), { nil: null }),
    });
    const rolesArb = fc.subarray(Object.values(Role));

    it('either moves to the requested state along the table or refuses with a 409, 403 or 422, never anything else', () => {
      fc.assert(
        fc.property(problemArb, requestArb, rolesArb, (problem, request, roles) => {
          const check = checkTransition(problem, request, roles, NOW);
          if (check.ok) {
            expect(check.changes.state).toBe(request.to);
            expect(allowedFrom(problem.state)).toContain(request.to);
          } else {
            if (!allowedFrom(problem.state).includes(request.to)) expect(check.refusal.kind).toBe('not_allowed');
            expect([ErrorCode.INVALID_TRANSITION, ErrorCode.FORBIDDEN, ErrorCode.UNPROCESSABLE]).toContain(transitionRefusalError(check.refusal).code);
          }
        }),
      );
    });

    it('never resolves without a code and a text, never cancels without a reason, never starts a fix without a root cause', () => {
      fc.assert(
        fc.property(problemArb, requestArb, rolesArb, (problem, request, roles) => {
          const check = checkTransition(problem, request, roles, NOW);
          if (!check.ok) return;
          const { changes } = check;
          if (changes.state === S.Resolved) expect(changes.resolutionCode && changes.resolution?.trim()).toBeTruthy();
          if (changes.state === S.Canceled) {
            expect(changes.cancelReason?.trim()).toBeTruthy();
            expect(roles.some((role) => CANCEL_ROLES.includes(role))).toBe(true);
          }
          if (changes.state === S.FixInProgress) expect(problem.rootCause?.trim() && problem.causeCategory?.trim()).toBeTruthy();
        }),
      );
    });
  });
});

describe('answers to refused moves', () => {
  const errorOf = (problem: Partial<ProblemLifecycleSnapshot>, request: ProblemTransitionRequest, roles: Role[] = AGENT) =>
    transitionRefusalError(refusalOf(checkTransition(buildProblem(problem), request, roles, NOW)));

  it('answers a move the table lacks with 409 INVALID_TRANSITION listing the allowed states', () => {
    const error = errorOf({ state: S.New }, validRequest(S.Resolved));
    expect(error).toBeInstanceOf(ProblemError);
    expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(error.reason).toBe(ProblemErrorCode.InvalidTransition);
    expect(error.details).toEqual({ from: S.New, to: S.Resolved, allowed: [S.Assess, S.Canceled] });
    expect(error.message).toBe('a problem cannot move from new to resolved; allowed: assess, canceled');
  });

  it('says a final state allows nothing', () => {
    expect(errorOf({ state: S.Canceled }, { to: S.New }).message).toContain('none (the state is final)');
  });

  it('answers a cancellation by an agent with 403', () => {
    const error = errorOf({ state: S.Assess }, validRequest(S.Canceled));
    expect(error.code).toBe(ErrorCode.FORBIDDEN);
    expect(error.reason).toBe(ProblemErrorCode.CancelForbidden);
  });

  it.each([
    [{ state: S.RootCauseAnalysis, rootCause: null }, { to: S.FixInProgress }, ProblemErrorCode.RootCauseRequired, 'rootCause'],
    [{ state: S.RootCauseAnalysis, causeCategory: null }, { to: S.FixInProgress }, ProblemErrorCode.RootCauseRequired, 'causeCategory'],
    [{ state: S.FixInProgress }, { to: S.Resolved, resolution: 'Patched.' }, ProblemErrorCode.ResolutionRequired, 'resolutionCode'],
    [{ state: S.FixInProgress }, { to: S.Resolved, resolutionCode: ProblemResolutionCode.RiskAccepted }, ProblemErrorCode.ResolutionRequired, 'resolution'],
  ] as const)('answers a missing field with 422 %#, naming it', (problem, request, reason, field) => {
    const error = errorOf(problem, request);
    expect(error.code).toBe(ErrorCode.UNPROCESSABLE);
    expect(error.reason).toBe(reason);
    expect(error.details?.field).toBe(field);
    expect(error.details?.errors?.map((e) => e.field)).toEqual([field]);
  });

  it('answers a cancellation without a reason with 422 naming the reason', () => {
    const error = errorOf({ state: S.New }, { to: S.Canceled }, MANAGER);
    expect(error.code).toBe(ErrorCode.UNPROCESSABLE);
    expect(error.reason).toBe(ProblemErrorCode.TransitionFieldsInvalid);
    expect(error.details?.field).toBe('reason');
  });

  it('answers resolution fields on another move with 422 naming the first of them', () => {
    const error = errorOf({ state: S.New }, { to: S.Assess, resolution: 'Patched.' });
    expect(error.code).toBe(ErrorCode.UNPROCESSABLE);
    expect(error.reason).toBe(ProblemErrorCode.TransitionFieldsInvalid);
    expect(error.details?.field).toBe('resolution');
  });
});

describe('changes to a final problem', () => {
  it.each(FINAL_PROBLEM_STATES)('refuses any change to a %s problem, naming its state', (state) => {
    let thrown: unknown;
    try {
      assertOpenForChanges({ number: 'PRB0001001', state });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemError);
    expect((thrown as ProblemError).code).toBe(ErrorCode.CONFLICT);
    expect((thrown as ProblemError).reason).toBe(ProblemErrorCode.FinalState);
    expect((thrown as ProblemError).message).toBe(`problem PRB0001001 is ${state}; a final problem cannot be changed`);
  });

  it.each([...OPEN_PROBLEM_STATES, S.Resolved])('lets a %s problem be changed', (state) => {
    expect(() => assertOpenForChanges({ number: 'PRB0001001', state })).not.toThrow();
  });
});

describe('root cause identification', () => {
  it('identifies the root cause when it is first set', () => {
    expect(identifiesRootCause({ rootCauseIdentifiedAt: null }, 'A full disk.')).toBe(true);
  });

  it('does not count a blank or absent root cause', () => {
    for (const next of [undefined, null, '', '  ']) expect(identifiesRootCause({ rootCauseIdentifiedAt: null }, next)).toBe(false);
  });

  it('keeps the first identification when the root cause is edited later', () => {
    expect(identifiesRootCause({ rootCauseIdentifiedAt: NOW }, 'A full disk, in fact two.')).toBe(false);
  });
});

describe('known errors', () => {
  it('may be published from a problem with a root cause and a workaround', () => {
    expect(knownErrorPublishable({ rootCause: 'A full disk.', workaround: 'Delete old logs.' })).toEqual({ publishable: true });
  });

  it.each([
    [{ rootCause: null, workaround: 'Delete old logs.' }, ['rootCause']],
    [{ rootCause: 'A full disk.', workaround: ' ' }, ['workaround']],
    [{ rootCause: '', workaround: null }, ['rootCause', 'workaround']],
  ])('may not be published from %o, naming %o', (problem, missing) => {
    expect(knownErrorPublishable(problem)).toEqual({ publishable: false, missing });
  });

  it('answers an incomplete problem with 422 naming the missing fields', () => {
    const error = knownErrorIncompleteError(['rootCause', 'workaround']);
    expect(error.code).toBe(ErrorCode.UNPROCESSABLE);
    expect(error.reason).toBe(ProblemErrorCode.KnownErrorIncomplete);
    expect(error.details?.field).toBe('rootCause');
    expect(error.details?.errors?.map((e) => e.field)).toEqual(['rootCause', 'workaround']);
  });

  it('is retired when the problem closes after a permanent fix, and only then', () => {
    for (const state of STATES) {
      for (const resolutionCode of [...Object.values(ProblemResolutionCode), null]) {
        expect(retiresKnownError({ state, resolutionCode })).toBe(state === S.Closed && resolutionCode === ProblemResolutionCode.PermanentFix);
      }
    }
  });
});
