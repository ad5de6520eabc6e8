import fc from 'fast-check';
import { DomainError, ErrorCode, formatPriorityMatrix, Impact, IncidentErrorCode, ITIL_PRIORITY_MATRIX, parsePriorityMatrix, Priority, priorityOf, priorityRank, raisePriority, Urgency } from '@itsm/contracts';
import { assertPriorityOverride } from './priority';

const impactArb = fc.constantFrom(Impact.High, Impact.Medium, Impact.Low);
const urgencyArb = fc.constantFrom(Urgency.High, Urgency.Medium, Urgency.Low);
const priorityArb = fc.constantFrom(...Object.values(Priority));

describe('priority matrix', () => {
  it.each([
    [Impact.High, Urgency.High, Priority.P1],
    [Impact.High, Urgency.Medium, Priority.P2],
    [Impact.High, Urgency.Low, Priority.P3],
    [Impact.Medium, Urgency.High, Priority.P2],
    [Impact.Medium, Urgency.Medium, Priority.P3],
    [Impact.Medium, Urgency.Low, Priority.P4],
    [Impact.Low, Urgency.High, Priority.P3],
    [Impact.Low, Urgency.Medium, Priority.P4],
    [Impact.Low, Urgency.Low, Priority.P5],
  ])('gives impact %i with urgency %i the priority %s', (impact, urgency, expected) => {
    expect(priorityOf(impact, urgency)).toBe(expected);
  });

  it('never lowers the priority when impact or urgency rises', () => {
    fc.assert(
      fc.property(impactArb, impactArb, urgencyArb, urgencyArb, (i1, i2, u1, u2) => {
        fc.pre(i1 <= i2 && u1 <= u2);
        expect(priorityRank(priorityOf(i1, u1))).toBeLessThanOrEqual(priorityRank(priorityOf(i2, u2)));
      }),
    );
  });

  it('weighs impact and urgency equally', () => {
    fc.assert(fc.property(impactArb, urgencyArb, (a, b) => expect(priorityOf(a, b)).toBe(priorityOf(b, a))));
  });

  it('uses a configured matrix instead of the ITIL one', () => {
    const strict = parsePriorityMatrix('P1,P1,P2;P1,P2,P3;P2,P3,P4');
    expect(priorityOf(Impact.Medium, Urgency.High, strict)).toBe(Priority.P1);
    expect(priorityOf(Impact.Low, Urgency.Low, strict)).toBe(Priority.P4);
  });

  it('parses what it formats', () => {
    const matrixArb = fc.tuple(
      fc.tuple(priorityArb, priorityArb, priorityArb),
      fc.tuple(priorityArb, priorityArb, priorityArb),
      fc.tuple(priorityArb, priorityArb, priorityArb),
    );
    fc.assert(fc.property(matrixArb, (matrix) => expect(parsePriorityMatrix(formatPriorityMatrix(matrix))).toEqual(matrix)));
    expect(parsePriorityMatrix(formatPriorityMatrix(ITIL_PRIORITY_MATRIX))).toEqual(ITIL_PRIORITY_MATRIX);
  });

  it.each(['P1,P2;P3', 'P0,P2,P3;P2,P3,P4;P3,P4,P5', ''])('refuses the malformed matrix %p', (text) => {
    expect(() => parsePriorityMatrix(text)).toThrow(/priority matrix/);
  });

  it('raises a priority by steps and stops at P1', () => {
    fc.assert(
      fc.property(priorityArb, fc.integer({ min: 0, max: 6 }), (priority, steps) => {
        const raised = raisePriority(priority, steps);
        expect(priorityRank(raised)).toBe(Math.max(1, priorityRank(priority) - steps));
      }),
    );
  });
});

describe('manual priority', () => {
  function refusal(changes: Parameters<typeof assertPriorityOverride>[0]): DomainError {
    try {
      assertPriorityOverride(changes);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected a refusal, but the change was accepted');
  }

  it('takes a manual priority with its reason', () => {
    expect(() => assertPriorityOverride({ priority: Priority.P1, priorityReason: 'CEO laptop' })).not.toThrow();
  });

  it('takes a return to the matrix, and a change that touches no priority, without a reason', () => {
    expect(() => assertPriorityOverride({ priority: null })).not.toThrow();
    expect(() => assertPriorityOverride({})).not.toThrow();
  });

  it('refuses a manual priority without a reason, naming priorityReason', () => {
    const error = refusal({ priority: Priority.P2 });
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: IncidentErrorCode.PriorityReasonRequired });
    expect(error.details?.errors).toEqual([{ field: 'priorityReason', message: 'is required with priority' }]);
  });

  it('refuses a reason without a manual priority, also when returning to the matrix', () => {
    for (const changes of [{ priorityReason: 'why not' }, { priority: null, priorityReason: 'why not' }]) {
      const error = refusal(changes);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: IncidentErrorCode.PriorityReasonOnlyWithPriority });
      expect(error.details?.errors).toEqual([{ field: 'priorityReason', message: 'only applies with priority' }]);
    }
  });

  it('accepts exactly the changes where a reason goes with a manual priority', () => {
    fc.assert(
      fc.property(fc.constantFrom<Priority | null | undefined>(undefined, null, ...Object.values(Priority)), fc.option(fc.string(), { nil: undefined }), (priority, priorityReason) => {
        const changes = { ...(priority !== undefined ? { priority } : {}), ...(priorityReason !== undefined ? { priorityReason } : {}) };
        const valid = Boolean(priority) === (priorityReason !== undefined);
        if (valid) expect(() => assertPriorityOverride(changes)).not.toThrow();
        else expect(() => assertPriorityOverride(changes)).toThrow(DomainError);
      }),
    );
  });
});
