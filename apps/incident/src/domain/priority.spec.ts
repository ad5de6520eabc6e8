import fc from 'fast-check';
import { Impact, Priority, Urgency } from '@itsm/contracts';
import { priorityOf } from './priority';

const levels = [Impact.High, Impact.Medium, Impact.Low] as const;
const urgencies = [Urgency.High, Urgency.Medium, Urgency.Low] as const;
/** 0 for high, 2 for low: the same scale for impact and urgency. */
const rank = (level: string): number => ['high', 'medium', 'low'].indexOf(level);
const impactArb = fc.constantFrom(...levels);
const urgencyArb = fc.constantFrom(...urgencies);

describe('priority matrix', () => {
  it('gives critical only to high impact with high urgency', () => {
    fc.assert(
      fc.property(impactArb, urgencyArb, (impact, urgency) => {
        expect(priorityOf(impact, urgency) === Priority.Critical).toBe(impact === Impact.High && urgency === Urgency.High);
      }),
    );
  });

  it('gives planning only to low impact with low urgency', () => {
    expect(priorityOf(Impact.Low, Urgency.Low)).toBe(Priority.Planning);
    expect(priorityOf(Impact.Low, Urgency.Medium)).toBe(Priority.Low);
  });

  it('never lowers the priority when impact or urgency rises', () => {
    fc.assert(
      fc.property(impactArb, impactArb, urgencyArb, urgencyArb, (i1, i2, u1, u2) => {
        fc.pre(rank(i1) <= rank(i2) && rank(u1) <= rank(u2));
        // A smaller number is a higher priority.
        expect(priorityOf(i1, u1)).toBeLessThanOrEqual(priorityOf(i2, u2));
      }),
    );
  });

  it('weighs impact and urgency equally', () => {
    const scale = fc.constantFrom('high', 'medium', 'low');
    fc.assert(
      fc.property(scale, scale, (a, b) => {
        expect(priorityOf(a as Impact, b as Urgency)).toBe(priorityOf(b as Impact, a as Urgency));
      }),
    );
  });

  it('moves one priority step for each step of impact or urgency', () => {
    fc.assert(
      fc.property(impactArb, urgencyArb, (impact, urgency) => {
        expect(priorityOf(impact, urgency)).toBe(1 + rank(impact) + rank(urgency));
      }),
    );
  });
});
