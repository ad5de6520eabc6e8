import fc from 'fast-check';
import { BlackoutScope, ChangeApprovalState, ChangeState, ConflictKind } from '@itsm/contracts';
import { type BlackoutOccurrences, type ConflictCandidate, findConflicts, holdsWindow, type MaintenanceOccurrences, type ScheduledChange, sharedCis } from './conflicts';
import type { Interval } from './windows';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-05-04T08:00:00.000Z');
const CI_A = '5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b';
const CI_B = '6f1c8d2b-3a4e-4f5a-9b0c-1d2e3f4a5b6c';
const CI_C = '7a2d9e3c-4b5f-4a6b-8c1d-2e3f4a5b6c7d';
const SERVICE = '8b3e0f4d-5c6a-4b7c-9d2e-3f4a5b6c7d8e';

/** [T0 + fromHours, T0 + toHours). */
const hours = (fromHours: number, toHours: number): Interval => ({ start: new Date(T0 + fromHours * HOUR), end: new Date(T0 + toHours * HOUR) });

function buildCandidate(overrides: Partial<ConflictCandidate> = {}): ConflictCandidate {
  return { id: 'candidate', ciIds: [CI_A], impactCiIds: [], window: hours(0, 2), ...overrides };
}

function buildChange(overrides: Partial<ScheduledChange> = {}): ScheduledChange {
  return { id: 'other', number: 'CHG0001002', state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved, ciIds: [CI_A], impactCiIds: [], window: hours(1, 3), ...overrides };
}

function buildBlackout(overrides: Partial<BlackoutOccurrences> = {}): BlackoutOccurrences {
  return { id: 'blackout-1', name: 'Quarter-end freeze', scope: BlackoutScope.Ci, targetIds: [CI_A], occurrences: [hours(1, 5)], ...overrides };
}

function buildMaintenance(overrides: Partial<MaintenanceOccurrences> = {}): MaintenanceOccurrences {
  return { id: 'maintenance-1', name: 'Sunday patching', ciIds: [CI_A], occurrences: [hours(-1, 3)], ...overrides };
}

const asOther = (candidate: ConflictCandidate, number: string): ScheduledChange => ({ ...candidate, number, state: ChangeState.Scheduled, approvalState: ChangeApprovalState.Approved });

describe('findConflicts', () => {
  describe('with other changes', () => {
    it('finds a scheduled change overlapping in time on the same CI', () => {
      expect(findConflicts(buildCandidate(), [buildChange()], [], [])).toEqual([
        {
          kind: ConflictKind.Change,
          id: 'other',
          name: 'CHG0001002',
          from: hours(1, 3).start,
          to: hours(1, 3).end,
          ciIds: [CI_A],
          detail: expect.stringContaining('CHG0001002 (scheduled) is planned from 2026-05-04T09:00:00.000Z to 2026-05-04T11:00:00.000Z'),
        },
      ]);
    });

    it('finds a change on a CI in the candidate impact set, and one whose impact set holds a candidate CI', () => {
      const inImpact = buildChange({ id: 'in-impact', number: 'CHG0001003', ciIds: [CI_B] });
      const impactsUs = buildChange({ id: 'impacts-us', number: 'CHG0001004', ciIds: [CI_C], impactCiIds: [CI_A] });
      const conflicts = findConflicts(buildCandidate({ impactCiIds: [CI_B] }), [impactsUs, inImpact], [], []);
      expect(conflicts.map(({ name, ciIds }) => ({ name, ciIds }))).toEqual([
        { name: 'CHG0001003', ciIds: [CI_B] },
        { name: 'CHG0001004', ciIds: [CI_A] },
      ]);
    });

    it('passes over changes on other CIs, windows that only touch, and the candidate itself', () => {
      expect(
        findConflicts(
          buildCandidate(),
          [buildChange({ ciIds: [CI_B] }), buildChange({ window: hours(2, 4) }), buildChange({ window: hours(-2, 0) }), buildChange({ id: 'candidate' })],
          [],
          [],
        ),
      ).toEqual([]);
    });

    it('counts changes that hold their window: scheduled, implementing, or in authorize once approved', () => {
      const inState = (state: ChangeState, approvalState: ChangeApprovalState | null = null): ScheduledChange => buildChange({ id: state, number: state, state, approvalState });
      const others = [
        inState(ChangeState.Scheduled),
        inState(ChangeState.Implement),
        inState(ChangeState.Authorize, ChangeApprovalState.Approved),
        inState(ChangeState.Authorize, ChangeApprovalState.Pending),
        inState(ChangeState.New),
        inState(ChangeState.Assess),
        inState(ChangeState.Review),
        inState(ChangeState.Closed),
        inState(ChangeState.Canceled),
        inState(ChangeState.Rejected),
      ];
      expect(findConflicts(buildCandidate(), others, [], []).map(({ name }) => name)).toEqual(['authorize', 'implement', 'scheduled']);
      expect(holdsWindow({ state: ChangeState.Authorize, approvalState: null })).toBe(false);
    });

    it('passes over a change whose window ended by now', () => {
      const other = buildChange({ window: hours(-3, 1) });
      expect(findConflicts(buildCandidate(), [other], [], [])).toHaveLength(1);
      expect(findConflicts(buildCandidate(), [other], [], [], new Date(T0 + HOUR))).toEqual([]);
    });
  });

  describe('with blackouts', () => {
    it('finds an occurrence of a CI blackout covering a candidate CI', () => {
      expect(findConflicts(buildCandidate({ ciIds: [CI_A, CI_B] }), [], [buildBlackout()], [])).toEqual([
        {
          kind: ConflictKind.Blackout,
          id: 'blackout-1',
          name: 'Quarter-end freeze',
          from: hours(1, 5).start,
          to: hours(1, 5).end,
          ciIds: [CI_A],
          detail: 'Blackout "Quarter-end freeze" (ci) is in force from 2026-05-04T09:00:00.000Z to 2026-05-04T13:00:00.000Z',
        },
      ]);
    });

    it('passes over a CI blackout of other CIs, and occurrences outside the window', () => {
      expect(findConflicts(buildCandidate(), [], [buildBlackout({ targetIds: [CI_B] })], [])).toEqual([]);
      expect(findConflicts(buildCandidate(), [], [buildBlackout({ occurrences: [hours(-5, 0), hours(2, 6)] })], [])).toEqual([]);
    });

    it('finds a service blackout of a service the candidate touches or impacts, not of one it does not', () => {
      const blackout = buildBlackout({ scope: BlackoutScope.Service, targetIds: [SERVICE] });
      expect(findConflicts(buildCandidate({ impactCiIds: [SERVICE] }), [], [blackout], []).map(({ ciIds }) => ciIds)).toEqual([[SERVICE]]);
      expect(findConflicts(buildCandidate({ ciIds: [SERVICE] }), [], [blackout], [])).toHaveLength(1);
      expect(findConflicts(buildCandidate({ impactCiIds: [CI_B] }), [], [blackout], [])).toEqual([]);
    });

    it('finds a global blackout whatever the CIs, once per overlapping occurrence', () => {
      const blackout = buildBlackout({ scope: BlackoutScope.Global, targetIds: [], occurrences: [hours(-1, 0.5), hours(1.5, 3), hours(4, 5)] });
      expect(findConflicts(buildCandidate({ ciIds: [CI_C, CI_B] }), [], [blackout], []).map(({ from, to, ciIds }) => ({ from, to, ciIds }))).toEqual([
        { from: hours(-1, 0.5).start, to: hours(-1, 0.5).end, ciIds: [CI_B, CI_C] },
        { from: hours(1.5, 3).start, to: hours(1.5, 3).end, ciIds: [CI_B, CI_C] },
      ]);
    });
  });

  describe('with maintenance windows', () => {
    it('accepts a window that lies inside one occurrence of a maintenance window of its CIs', () => {
      expect(findConflicts(buildCandidate(), [], [], [buildMaintenance({ occurrences: [hours(0, 2)] })])).toEqual([]);
    });

    it('finds a maintenance window of a candidate CI that no occurrence of holds the whole window', () => {
      const maintenance = buildMaintenance({ occurrences: [hours(-1, 1), hours(1, 3)] });
      expect(findConflicts(buildCandidate(), [], [], [maintenance])).toEqual([
        {
          kind: ConflictKind.Maintenance,
          id: 'maintenance-1',
          name: 'Sunday patching',
          from: hours(0, 2).start,
          to: hours(0, 2).end,
          ciIds: [CI_A],
          detail: expect.stringContaining('does not lie inside one occurrence of maintenance window "Sunday patching"'),
        },
      ]);
      expect(findConflicts(buildCandidate(), [], [], [buildMaintenance({ occurrences: [] })])).toHaveLength(1);
    });

    it('passes over maintenance windows of other CIs', () => {
      expect(findConflicts(buildCandidate(), [], [], [buildMaintenance({ ciIds: [CI_B], occurrences: [] })])).toEqual([]);
    });
  });

  it('lists changes, then blackouts, then maintenance windows', () => {
    const conflicts = findConflicts(buildCandidate(), [buildChange()], [buildBlackout()], [buildMaintenance({ occurrences: [] })]);
    expect(conflicts.map(({ kind }) => kind)).toEqual([ConflictKind.Change, ConflictKind.Blackout, ConflictKind.Maintenance]);
  });

  describe('properties', () => {
    const cis = fc.constantFrom(CI_A, CI_B, CI_C, SERVICE, 'ci-5', 'ci-6');
    const ciSets = fc.uniqueArray(cis, { maxLength: 4 });
    const windows = fc.record({ from: fc.integer({ min: -48, max: 48 }), length: fc.integer({ min: 1, max: 24 }) }).map(({ from, length }) => hours(from, from + length));
    const candidates = (id: string) => fc.record({ id: fc.constant(id), ciIds: fc.uniqueArray(cis, { minLength: 1, maxLength: 4 }), impactCiIds: ciSets, window: windows });

    it('finds a conflict between two changes whichever is the candidate', () => {
      fc.assert(
        fc.property(candidates('a'), candidates('b'), (a, b) => {
          const ab = findConflicts(a, [asOther(b, 'CHG-B')], [], []);
          const ba = findConflicts(b, [asOther(a, 'CHG-A')], [], []);
          expect(ab.length).toBe(ba.length);
          expect(ab.map(({ ciIds }) => ciIds)).toEqual(ba.map(({ ciIds }) => ciIds));
        }),
      );
    });

    it('never finds a conflict with a change sharing no CI, directly or through impact', () => {
      const fromPool = (id: string, pool: readonly string[]) =>
        fc.record({ id: fc.constant(id), ciIds: fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1 }), impactCiIds: fc.uniqueArray(fc.constantFrom(...pool)), window: windows });
      fc.assert(
        fc.property(fromPool('a', [CI_A, CI_B, 'ci-5']), fromPool('b', [CI_C, SERVICE, 'ci-6']), (a, b) => {
          expect(sharedCis(a, b)).toEqual([]);
          expect(findConflicts(a, [asOther(b, 'CHG-B')], [], [])).toEqual([]);
        }),
      );
    });

    it('never finds a conflict with a change whose window does not overlap', () => {
      fc.assert(
        fc.property(candidates('a'), candidates('b'), fc.integer({ min: 0, max: 10 }), fc.boolean(), (a, b, gap, before) => {
          const length = b.window.end.getTime() - b.window.start.getTime();
          const start = before ? a.window.start.getTime() - gap * HOUR - length : a.window.end.getTime() + gap * HOUR;
          const apart = { ...b, ciIds: a.ciIds, window: { start: new Date(start), end: new Date(start + length) } };
          expect(findConflicts(a, [asOther(apart, 'CHG-B')], [], [])).toEqual([]);
          expect(findConflicts(a, [], [buildBlackout({ scope: BlackoutScope.Global, occurrences: [apart.window] })], [])).toEqual([]);
        }),
      );
    });

    it('always finds a global blackout occurrence overlapping the window', () => {
      fc.assert(
        fc.property(candidates('a'), windows, (a, occurrence) => {
          const blackout = buildBlackout({ scope: BlackoutScope.Global, targetIds: [], occurrences: [occurrence] });
          const overlapping = occurrence.start.getTime() < a.window.end.getTime() && a.window.start.getTime() < occurrence.end.getTime();
          expect(findConflicts(a, [], [blackout], []).some(({ kind }) => kind === ConflictKind.Blackout)).toBe(overlapping);
        }),
      );
    });
  });
});
