import fc from 'fast-check';
import { type Attempt, check, combine, type Observation, type Outcome } from './checker';

const outcome = fc.constantFrom<Outcome>('acknowledged', 'refused', 'indeterminate');
/** Operations with distinct keys, each with what its client learned. */
const attempts = fc.uniqueArray(fc.record({ key: fc.string({ minLength: 1, maxLength: 6 }), outcome }), { selector: (attempt) => attempt.key, maxLength: 40 });

/** What a correct system shows: one effect per operation that happened, each seen one or more times. */
function faithful(operations: Attempt[], applied: boolean[], repeats: number[]): Observation[] {
  return operations.flatMap((attempt, index) => {
    const happened = attempt.outcome === 'acknowledged' || (attempt.outcome === 'indeterminate' && applied[index]);
    return happened ? Array.from({ length: 1 + (repeats[index] ?? 0) }, () => ({ key: attempt.key, id: `effect-${attempt.key}` })) : [];
  });
}

describe('the checker', () => {
  it('classifies each kind of operation by what was observed of it', () => {
    const result = check(
      [
        { key: 'acked-once', outcome: 'acknowledged' },
        { key: 'acked-never', outcome: 'acknowledged' },
        { key: 'acked-twice', outcome: 'acknowledged' },
        { key: 'refused-seen', outcome: 'refused' },
        { key: 'refused-unseen', outcome: 'refused' },
        { key: 'unknown-seen', outcome: 'indeterminate' },
        { key: 'unknown-unseen', outcome: 'indeterminate' },
      ],
      [
        { key: 'acked-once', id: 'a' },
        { key: 'acked-once', id: 'a' },
        { key: 'acked-twice', id: 'b' },
        { key: 'acked-twice', id: 'c' },
        { key: 'refused-seen', id: 'd' },
        { key: 'unknown-seen', id: 'e' },
        { key: 'never-attempted', id: 'f' },
      ],
    );
    expect(result).toEqual({
      attempts: 7,
      ok: 4,
      lost: 1,
      duplicated: 1,
      unexpected: 2,
      indeterminateApplied: 1,
      redelivered: 1,
      examples: { lost: ['acked-never'], duplicated: ['acked-twice'], unexpected: ['refused-seen', 'never-attempted'] },
    });
  });

  it('takes a retried operation by the most its client learned: a retry acknowledged after no answer is acknowledged', () => {
    const retried: Attempt[] = [
      { key: 'create:1', outcome: 'indeterminate' },
      { key: 'create:1', outcome: 'acknowledged' },
    ];
    expect(check(retried, [])).toMatchObject({ attempts: 1, lost: 1 });
    expect(check(retried, [{ key: 'create:1', id: 'row-1' }])).toMatchObject({ attempts: 1, ok: 1, lost: 0 });
  });

  it('finds nothing wrong with a system that shows each effect once, however often it is redelivered', () => {
    fc.assert(
      fc.property(attempts, fc.array(fc.boolean(), { maxLength: 40 }), fc.array(fc.nat({ max: 3 }), { maxLength: 40 }), (operations, applied, repeats) => {
        const result = check(operations, faithful(operations, applied, repeats));
        expect({ lost: result.lost, duplicated: result.duplicated, unexpected: result.unexpected, ok: result.ok }).toEqual({ lost: 0, duplicated: 0, unexpected: 0, ok: operations.length });
      }),
    );
  });

  it('counts every acknowledged operation whose effect went missing as lost, and every second effect as a duplicate', () => {
    fc.assert(
      fc.property(attempts, fc.nat(), fc.boolean(), (operations, pick, drop) => {
        const acknowledged = operations.filter((attempt) => attempt.outcome === 'acknowledged');
        fc.pre(acknowledged.length > 0);
        const victim = acknowledged[pick % acknowledged.length] ?? { key: 'none' };
        const observed = faithful(operations, [], []);
        const broken = drop ? observed.filter((observation) => observation.key !== victim.key) : [...observed, { key: victim.key, id: 'a second effect' }];
        const result = check(operations, broken);
        expect({ lost: result.lost, duplicated: result.duplicated }).toEqual(drop ? { lost: 1, duplicated: 0 } : { lost: 0, duplicated: 1 });
      }),
    );
  });

  it('puts every operation in exactly one class', () => {
    const observation = fc.record({ key: fc.string({ minLength: 1, maxLength: 6 }), id: fc.constantFrom('x', 'y', 'z') });
    fc.assert(
      fc.property(attempts, fc.array(observation, { maxLength: 60 }), (operations, observed) => {
        const result = check(operations, observed);
        const strangers = new Set(observed.map((o) => o.key).filter((key) => !operations.some((attempt) => attempt.key === key))).size;
        expect(result.ok + result.lost + result.duplicated + result.unexpected).toBe(operations.length + strangers);
      }),
    );
  });

  it('adds up several channels', () => {
    const one = check([{ key: 'a', outcome: 'acknowledged' }], []);
    const other = check([{ key: 'b', outcome: 'acknowledged' }], [{ key: 'b', id: '1' }]);
    expect(combine([one, other])).toMatchObject({ attempts: 2, ok: 1, lost: 1, examples: { lost: ['a'] } });
  });
});
