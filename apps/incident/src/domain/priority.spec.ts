import fc from 'fast-check';
import { Impact, Priority, Urgency } from '@itsm/contracts';
import { formatPriorityMatrix, ITIL_PRIORITY_MATRIX, parsePriorityMatrix, priorityOf, priorityRank, raisePriority } from './priority';

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
