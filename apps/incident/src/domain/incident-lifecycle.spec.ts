import fc from 'fast-check';
import { DomainError, ErrorCode, HoldReason, IncidentErrorCode, IncidentState, ResolutionCode, type TransitionIncidentDto } from '@itsm/contracts';
import { allowedTransitions, assertOpenForChanges, FINAL_STATES, INCIDENT_TRANSITIONS, type LifecycleSnapshot, OPEN_STATES, planTransition, resolvedElsewhere } from './incident-lifecycle';

const S = IncidentState;
const STATES = Object.values(IncidentState);
const TRANSITION_FIELDS = ['holdReason', 'resolutionCode', 'resolutionNotes', 'reason', 'into'] as const;
type TransitionField = (typeof TRANSITION_FIELDS)[number];

const HOUR = 60 * 60 * 1000;
const WINDOW = 7 * 24 * HOUR;
const NOW = new Date('2024-03-01T12:00:00.000Z');
const MERGE_TARGET = '7d0b6a2e-4c1f-4c8e-9a55-0f2f2b1c9e01';

const FIELD_VALUES: Required<Pick<TransitionIncidentDto, TransitionField>> = {
  holdReason: HoldReason.AwaitingVendor,
  resolutionCode: ResolutionCode.Workaround,
  resolutionNotes: 'Restarted the print spooler.',
  reason: 'The caller reports it happens again.',
  into: MERGE_TARGET,
};

/** The fields a move needs, with valid values. */
const REQUIRED: Partial<Record<IncidentState, readonly TransitionField[]>> = {
  [S.OnHold]: ['holdReason'],
  [S.Resolved]: ['resolutionCode', 'resolutionNotes'],
  [S.Canceled]: ['reason'],
  [S.Merged]: ['into'],
};

function buildSnapshot(overrides: Partial<LifecycleSnapshot> = {}): LifecycleSnapshot {
  const state = overrides.state ?? S.New;
  return {
    state,
    resolvedAt: state === S.Resolved ? new Date(NOW.getTime() - HOUR) : null,
    reopenCount: 0,
    ...overrides,
  };
}

/** The smallest input that makes a move from `from` to `to` valid (when the table allows it). */
function validInput(from: IncidentState, to: IncidentState, overrides: Partial<TransitionIncidentDto> = {}): TransitionIncidentDto {
  const fields: TransitionField[] = [...(REQUIRED[to] ?? [])];
  if (from === S.Resolved && to === S.InProgress) fields.push('reason');
  const input: TransitionIncidentDto = { to };
  for (const field of fields) Object.assign(input, { [field]: FIELD_VALUES[field] });
  return { ...input, ...overrides };
}

function options(overrides: Partial<{ asCaller: boolean; now: Date; reopenWindowMs: number }> = {}) {
  return { asCaller: false, now: NOW, reopenWindowMs: WINDOW, ...overrides };
}

function errorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

const ALLOWED_PAIRS = STATES.flatMap((from) => INCIDENT_TRANSITIONS[from].map((to) => [from, to] as const));
const REFUSED_PAIRS = STATES.flatMap((from) => STATES.filter((to) => !INCIDENT_TRANSITIONS[from].includes(to)).map((to) => [from, to] as const));

const stateArb = fc.constantFrom(...STATES);
const fieldsArb = fc.record(
  {
    holdReason: fc.constantFrom(...Object.values(HoldReason)),
    resolutionCode: fc.constantFrom(...Object.values(ResolutionCode)),
    resolutionNotes: fc.string({ minLength: 3, maxLength: 40 }),
    reason: fc.string({ minLength: 3, maxLength: 40 }),
    into: fc.uuid(),
  },
  { requiredKeys: [] },
);

describe('incident lifecycle', () => {
  describe('the transition table', () => {
    it('has 12 allowed moves and refuses the other 37 state pairs', () => {
      expect(ALLOWED_PAIRS).toHaveLength(12);
      expect(REFUSED_PAIRS).toHaveLength(37);
    });

    it('splits the states into open, resolved and final', () => {
      expect([...OPEN_STATES, S.Resolved, ...FINAL_STATES].sort()).toEqual([...STATES].sort());
      expect(FINAL_STATES.every((state) => INCIDENT_TRANSITIONS[state].length === 0)).toBe(true);
    });

    it('gives agents the whole table and callers only withdrawal and their answer to a resolution', () => {
      for (const state of STATES) expect(allowedTransitions(state, false)).toEqual(INCIDENT_TRANSITIONS[state]);
      expect(allowedTransitions(S.New, true)).toEqual([S.Canceled]);
      expect(allowedTransitions(S.Resolved, true)).toEqual([S.InProgress, S.Closed]);
      for (const state of [S.InProgress, S.OnHold, S.Closed, S.Canceled, S.Merged]) expect(allowedTransitions(state, true)).toEqual([]);
    });
  });

  describe('allowed moves', () => {
    it.each([
      [S.New, S.InProgress, { state: S.InProgress, holdReason: null }],
      [S.New, S.Canceled, { state: S.Canceled, holdReason: null, closedAt: NOW }],
      [S.New, S.Merged, { state: S.Merged, holdReason: null, closedAt: NOW, mergedIntoId: MERGE_TARGET }],
      [S.InProgress, S.OnHold, { state: S.OnHold, holdReason: HoldReason.AwaitingVendor }],
      [
        S.InProgress,
        S.Resolved,
        { state: S.Resolved, holdReason: null, resolutionCode: ResolutionCode.Workaround, resolutionNotes: 'Restarted the print spooler.', resolvedAt: NOW },
      ],
      [S.InProgress, S.Canceled, { state: S.Canceled, holdReason: null, closedAt: NOW }],
      [S.InProgress, S.Merged, { state: S.Merged, holdReason: null, closedAt: NOW, mergedIntoId: MERGE_TARGET }],
      [S.OnHold, S.InProgress, { state: S.InProgress, holdReason: null }],
      [S.OnHold, S.Canceled, { state: S.Canceled, holdReason: null, closedAt: NOW }],
      [S.OnHold, S.Merged, { state: S.Merged, holdReason: null, closedAt: NOW, mergedIntoId: MERGE_TARGET }],
      [S.Resolved, S.InProgress, { state: S.InProgress, resolutionCode: null, resolutionNotes: null, resolvedAt: null, reopenCount: 1 }],
      [S.Resolved, S.Closed, { state: S.Closed, closedAt: NOW }],
    ] as const)('moves %s to %s with exactly the right patch', (from, to, patch) => {
      const plan = planTransition(buildSnapshot({ state: from }), validInput(from, to), options());
      expect(plan.patch).toEqual(patch);
      expect(plan.reopened).toBe(from === S.Resolved && to === S.InProgress);
    });

    it('covers every move of the table in the cases above', () => {
      for (const [from, to] of ALLOWED_PAIRS) {
        expect(planTransition(buildSnapshot({ state: from }), validInput(from, to), options()).patch.state).toBe(to);
      }
    });

    it('keeps the hold reason the caller gave when putting an incident on hold', () => {
      for (const holdReason of Object.values(HoldReason)) {
        const plan = planTransition(buildSnapshot({ state: S.InProgress }), { to: S.OnHold, holdReason }, options());
        expect(plan.patch.holdReason).toBe(holdReason);
      }
    });
  });

  describe('refused moves', () => {
    it.each(REFUSED_PAIRS)('refuses %s → %s as an invalid transition, listing what is allowed', (from, to) => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: from }), validInput(from, to), options()));
      expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
      expect(error.reason).toBe(IncidentErrorCode.InvalidTransition);
      expect(error.details).toEqual({ from, to, allowed: INCIDENT_TRANSITIONS[from] });
    });

    it('says a final state allows nothing', () => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: S.Closed }), { to: S.InProgress, reason: 'again' }, options()));
      expect(error.message).toContain('none (the state is final)');
    });

    it('checks the move before the fields, so a refused move is never reported as a validation error', () => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: S.New }), { to: S.Resolved }, options()));
      expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
    });
  });

  describe('fields of a move', () => {
    const cases = ALLOWED_PAIRS.flatMap(([from, to]) => (REQUIRED[to] ?? []).map((field) => [from, to, field] as const));

    it.each(cases)('refuses %s → %s without %s, naming the field', (from, to, field) => {
      const input = validInput(from, to);
      delete input[field];
      const error = errorOf(() => planTransition(buildSnapshot({ state: from }), input, options()));
      expect(error.code).toBe(ErrorCode.VALIDATION);
      expect(error.reason).toBe(IncidentErrorCode.TransitionFieldsInvalid);
      expect(error.details?.errors).toEqual([{ field, message: `is required to move to ${to}` }]);
    });

    it('names both missing fields of a resolution at once', () => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: S.InProgress }), { to: S.Resolved }, options()));
      expect(error.code).toBe(ErrorCode.VALIDATION);
      expect(error.details?.errors?.map((e) => e.field)).toEqual(['resolutionCode', 'resolutionNotes']);
    });

    it('refuses to reopen without a reason', () => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: S.Resolved }), { to: S.InProgress }, options()));
      expect(error.code).toBe(ErrorCode.VALIDATION);
      expect(error.reason).toBe(IncidentErrorCode.TransitionFieldsInvalid);
      expect(error.details?.errors).toEqual([{ field: 'reason', message: 'is required to reopen an incident' }]);
    });

    it('refuses to reopen with an empty reason', () => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: S.Resolved }), { to: S.InProgress, reason: '' }, options()));
      expect(error.code).toBe(ErrorCode.VALIDATION);
      expect(error.details?.errors?.[0]?.field).toBe('reason');
    });

    it.each([
      [S.InProgress, S.OnHold, 'into'],
      [S.InProgress, S.Resolved, 'holdReason'],
      [S.New, S.Canceled, 'resolutionNotes'],
      [S.OnHold, S.Merged, 'reason'],
      [S.Resolved, S.Closed, 'reason'],
      [S.Resolved, S.InProgress, 'resolutionCode'],
      [S.OnHold, S.InProgress, 'holdReason'],
    ] as const)('refuses %s → %s carrying the foreign field %s', (from, to, field) => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: from }), validInput(from, to, { [field]: FIELD_VALUES[field] }), options()));
      expect(error.code).toBe(ErrorCode.VALIDATION);
      expect(error.details?.errors).toEqual([{ field, message: `does not apply to a move to ${to}` }]);
    });

    it('refuses any field a move does not use, on every allowed move', () => {
      fc.assert(
        fc.property(fc.constantFrom(...ALLOWED_PAIRS), fc.constantFrom(...TRANSITION_FIELDS), ([from, to], field) => {
          // A reason on a move to in_progress is the reopen reason and is let through there.
          fc.pre(!(REQUIRED[to] ?? []).includes(field) && !(field === 'reason' && to === S.InProgress));
          const error = errorOf(() => planTransition(buildSnapshot({ state: from }), validInput(from, to, { [field]: FIELD_VALUES[field] }), options()));
          expect(error.code).toBe(ErrorCode.VALIDATION);
          expect(error.details?.errors?.map((e) => e.field)).toEqual([field]);
        }),
      );
    });

    it('reports missing and foreign fields together', () => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: S.InProgress }), { to: S.OnHold, into: MERGE_TARGET }, options()));
      expect(error.details?.errors).toEqual([
        { field: 'holdReason', message: 'is required to move to on_hold' },
        { field: 'into', message: 'does not apply to a move to on_hold' },
      ]);
    });
  });

  describe('reopening', () => {
    const reopen = (resolvedAt: Date | null, reopenCount = 0) =>
      planTransition(buildSnapshot({ state: S.Resolved, resolvedAt, reopenCount }), validInput(S.Resolved, S.InProgress), options());

    it('reopens inside the window', () => {
      expect(reopen(new Date(NOW.getTime() - HOUR)).reopened).toBe(true);
    });

    it('still reopens exactly at the end of the window', () => {
      expect(reopen(new Date(NOW.getTime() - WINDOW)).patch.state).toBe(S.InProgress);
    });

    it('refuses to reopen after the window has passed, pointing to closing instead', () => {
      const resolvedAt = new Date(NOW.getTime() - WINDOW - 1);
      const error = errorOf(() => reopen(resolvedAt));
      expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
      expect(error.reason).toBe(IncidentErrorCode.ReopenWindowPassed);
      expect(error.details).toEqual({ from: S.Resolved, to: S.InProgress, allowed: [S.Closed], resolvedAt: resolvedAt.toISOString() });
      expect(error.message).toContain(resolvedAt.toISOString());
    });

    it('still lets an incident past the reopen window be closed', () => {
      const snapshot = buildSnapshot({ state: S.Resolved, resolvedAt: new Date(NOW.getTime() - 10 * WINDOW) });
      expect(planTransition(snapshot, { to: S.Closed }, options()).patch).toEqual({ state: S.Closed, closedAt: NOW });
    });

    it('treats an incident without a resolution time as just resolved', () => {
      expect(reopen(null).reopened).toBe(true);
    });

    it('asks for the reason before looking at the window', () => {
      const snapshot = buildSnapshot({ state: S.Resolved, resolvedAt: new Date(NOW.getTime() - 2 * WINDOW) });
      expect(errorOf(() => planTransition(snapshot, { to: S.InProgress }, options())).code).toBe(ErrorCode.VALIDATION);
    });

    it('counts the reopening and clears the resolution', () => {
      fc.assert(
        fc.property(fc.nat({ max: 1000 }), fc.integer({ min: 0, max: WINDOW }), (reopenCount, age) => {
          const { patch, reopened } = reopen(new Date(NOW.getTime() - age), reopenCount);
          expect(reopened).toBe(true);
          expect(patch).toEqual({ state: S.InProgress, resolutionCode: null, resolutionNotes: null, resolvedAt: null, reopenCount: reopenCount + 1 });
        }),
      );
    });

    it('refuses every reopen older than the window, whatever the window', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 365 * 24 * HOUR }), fc.integer({ min: 1, max: 24 * HOUR }), (window, excess) => {
          const snapshot = buildSnapshot({ state: S.Resolved, resolvedAt: new Date(NOW.getTime() - window - excess) });
          const error = errorOf(() => planTransition(snapshot, validInput(S.Resolved, S.InProgress), options({ reopenWindowMs: window })));
          expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
        }),
      );
    });

    it('does not count moves back from on hold as reopening', () => {
      const plan = planTransition(buildSnapshot({ state: S.OnHold, reopenCount: 2 }), { to: S.InProgress }, options());
      expect(plan.reopened).toBe(false);
      expect(plan.patch.reopenCount).toBeUndefined();
    });
  });

  describe('moves by the caller', () => {
    const asCaller = options({ asCaller: true });

    it('lets the caller withdraw a new incident', () => {
      expect(planTransition(buildSnapshot({ state: S.New }), validInput(S.New, S.Canceled), asCaller).patch).toEqual({ state: S.Canceled, holdReason: null, closedAt: NOW });
    });

    it('lets the caller reject a resolution by reopening it', () => {
      const plan = planTransition(buildSnapshot({ state: S.Resolved, reopenCount: 1 }), validInput(S.Resolved, S.InProgress), asCaller);
      expect(plan.reopened).toBe(true);
      expect(plan.patch.reopenCount).toBe(2);
    });

    it('lets the caller accept a resolution by closing it', () => {
      expect(planTransition(buildSnapshot({ state: S.Resolved }), { to: S.Closed }, asCaller).patch).toEqual({ state: S.Closed, closedAt: NOW });
    });

    it('holds the caller to the reopen window too', () => {
      const snapshot = buildSnapshot({ state: S.Resolved, resolvedAt: new Date(NOW.getTime() - WINDOW - 1) });
      expect(errorOf(() => planTransition(snapshot, validInput(S.Resolved, S.InProgress), asCaller)).code).toBe(ErrorCode.INVALID_TRANSITION);
    });

    it.each([
      [S.New, S.InProgress, [S.Canceled]],
      [S.New, S.Merged, [S.Canceled]],
      [S.InProgress, S.OnHold, []],
      [S.InProgress, S.Resolved, []],
      [S.InProgress, S.Canceled, []],
      [S.InProgress, S.Merged, []],
      [S.OnHold, S.InProgress, []],
      [S.OnHold, S.Canceled, []],
      [S.OnHold, S.Merged, []],
    ] as const)('forbids the caller %s → %s, which only agents may do', (from, to, allowed) => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: from }), validInput(from, to), asCaller));
      expect(error.code).toBe(ErrorCode.FORBIDDEN);
      expect(error.reason).toBe(IncidentErrorCode.RequesterTransitionForbidden);
      expect(error.details).toEqual({ from, to, allowed });
    });

    it.each([
      [S.New, S.Resolved],
      [S.New, S.Closed],
      [S.InProgress, S.New],
      [S.Resolved, S.Canceled],
      [S.Closed, S.InProgress],
      [S.Canceled, S.New],
    ] as const)('refuses the caller %s → %s as an invalid transition, since nobody may make it', (from, to) => {
      const error = errorOf(() => planTransition(buildSnapshot({ state: from }), validInput(from, to), asCaller));
      expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
      expect(error.details?.allowed).toEqual(allowedTransitions(from, true));
    });

    it('answers every caller move with success, FORBIDDEN or INVALID_TRANSITION as the tables say', () => {
      fc.assert(
        fc.property(stateArb, stateArb, (from, to) => {
          const run = () => planTransition(buildSnapshot({ state: from }), validInput(from, to), asCaller);
          if (allowedTransitions(from, true).includes(to)) expect(run().patch.state).toBe(to);
          else if (INCIDENT_TRANSITIONS[from].includes(to)) expect(errorOf(run).code).toBe(ErrorCode.FORBIDDEN);
          else expect(errorOf(run).code).toBe(ErrorCode.INVALID_TRANSITION);
        }),
      );
    });
  });

  describe('invariants', () => {
    const inputArb = fc.oneof(
      fc.tuple(stateArb, fieldsArb).map(([to, fields]): TransitionIncidentDto => ({ to, ...fields })),
      fc.constantFrom(...ALLOWED_PAIRS).map(([from, to]) => validInput(from, to)),
    );
    const snapshotArb = fc.record({
      state: stateArb,
      resolvedAt: fc.option(fc.date({ min: new Date(NOW.getTime() - 4 * WINDOW), max: NOW, noInvalidDate: true }), { nil: null }),
      reopenCount: fc.nat({ max: 50 }),
    });

    it('lets nothing leave a final state, for agents or callers', () => {
      fc.assert(
        fc.property(fc.constantFrom(...FINAL_STATES), inputArb, fc.boolean(), (state, input, asCaller) => {
          expect(allowedTransitions(state, asCaller)).toEqual([]);
          const error = errorOf(() => planTransition(buildSnapshot({ state }), input, options({ asCaller })));
          expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
          expect(error.details?.allowed).toEqual([]);
        }),
      );
    });

    it('sets the state to the requested target whenever it plans a move', () => {
      fc.assert(
        fc.property(snapshotArb, inputArb, fc.boolean(), (snapshot, input, asCaller) => {
          let plan;
          try {
            plan = planTransition(snapshot, input, options({ asCaller }));
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            return;
          }
          expect(plan.patch.state).toBe(input.to);
          expect(allowedTransitions(snapshot.state, asCaller)).toContain(input.to);
        }),
      );
    });
  });
});

describe('messages and reasons', () => {
  it('tells a requester that nothing is allowed for them, not that the state is final', () => {
    const error = errorOf(() => planTransition(buildSnapshot({ state: S.InProgress }), { to: S.New }, options({ asCaller: true })));
    expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(error.message).toContain('none for a requester');
  });

  it('refuses a reason on a move to in_progress that is not a reopen', () => {
    const error = errorOf(() => planTransition(buildSnapshot({ state: S.New }), { to: S.InProgress, reason: 'starting' }, options()));
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(error.details?.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
  });
});

describe('changes to a final incident', () => {
  it.each(FINAL_STATES)('refuses any change to a %s incident, naming its state', (state) => {
    const error = errorOf(() => assertOpenForChanges({ number: 'INC0001001', state }));
    expect(error.code).toBe(ErrorCode.CONFLICT);
    expect(error.reason).toBe(IncidentErrorCode.FinalState);
    expect(error.message).toBe(`incident INC0001001 is ${state}; a final incident cannot be changed`);
    expect(error.details).toEqual({ state });
  });

  it.each([...OPEN_STATES, S.Resolved])('lets a %s incident be changed', (state) => {
    expect(() => assertOpenForChanges({ number: 'INC0001001', state })).not.toThrow();
  });
});

describe('resolving with a problem', () => {
  const resolution = { resolutionCode: ResolutionCode.PermanentFix, resolutionNotes: 'Replaced the gateway firmware.' };

  it.each(OPEN_STATES)('resolves a %s incident with the resolution, clearing a hold reason', (state) => {
    expect(resolvedElsewhere({ number: 'INC0001001', state }, resolution, NOW)).toEqual({ state: S.Resolved, holdReason: null, ...resolution, resolvedAt: NOW });
  });

  it.each([S.Resolved, ...FINAL_STATES])('refuses a %s incident', (state) => {
    const error = errorOf(() => resolvedElsewhere({ number: 'INC0001001', state }, resolution, NOW));
    expect(error.reason).toBe(IncidentErrorCode.InvalidTransition);
    expect(error.message).toBe(`incident INC0001001 is ${state}; only an open incident is resolved with its problem`);
  });
});
