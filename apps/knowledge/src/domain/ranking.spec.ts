import fc from 'fast-check';
import { helpfulness, linkBoost, RANKING_COLUMNS, RANKING_SAMPLES, RANKING_SQL, type RankingColumn, type RankingInput, rankingSql, recencyFactor, score } from './ranking';

const inputOf = (row: Record<RankingColumn, number>): RankingInput =>
  Object.fromEntries(Object.entries(row).map(([column, value]) => [RANKING_COLUMNS[column as RankingColumn], value])) as unknown as RankingInput;

/**
 * Evaluates RANKING_SQL on a row in JavaScript: the expression only uses numbers, the six columns, + - * /, parentheses,
 * `::float8` casts, GREATEST(a, b) and log(x) (base 10 for double precision in PostgreSQL), so a few textual rewrites
 * make it a JavaScript expression. Anything else left over fails the check below, so a SQL change this cannot read
 * is noticed here rather than silently skipped.
 */
function evaluateSql(sql: string, row: Record<RankingColumn, number>): number {
  const js = rankingSql(Object.fromEntries(Object.entries(row).map(([column, value]) => [column, `(${value})`])))
    .replace(/::float8/g, '')
    .replace(/GREATEST\(/g, 'Math.max(')
    .replace(/\blog\(/g, 'Math.log10(');
  if (!/^[\d\s.e+\-*/(),]*$/.test(js.replace(/Math\.(max|log10)/g, ''))) throw new Error(`cannot evaluate ${sql}: ${js}`);
  // evaluates the arithmetic expression checked just above
  return (new Function(`return ${js};`) as () => number)();
}

const countArb = fc.integer({ min: 0, max: 100_000 });
const unitArb = fc.double({ min: 0, max: 1, noNaN: true });
const inputArb: fc.Arbitrary<RankingInput> = fc.record({
  textRank: fc.double({ min: 0, max: 10, noNaN: true }),
  trigramSimilarity: unitArb,
  helpful: countArb,
  notHelpful: countArb,
  ageDays: fc.double({ min: -10, max: 20_000, noNaN: true }),
  links: countArb,
});

const close = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 12);

describe('ranking', () => {
  describe('helpfulness', () => {
    it.each([
      [0, 0, 0.5],
      [1, 0, 2 / 3],
      [0, 1, 1 / 3],
      [8, 0, 0.9],
      [3, 1, 4 / 6],
    ])('of %i helpful and %i unhelpful votes is %d', (helpful, notHelpful, expected) => close(helpfulness(helpful, notHelpful), expected));
  });

  describe('recencyFactor', () => {
    it.each([
      [0, 1],
      [365, 0.5],
      [730, 1 / 3],
      [-30, 1],
    ])('of an article %i days old is %d', (age, expected) => close(recencyFactor(age), expected));
  });

  describe('linkBoost', () => {
    it.each([
      [0, 1],
      [9, 1.25],
      [99, 1.5],
      [999, 1.75],
    ])('of %i links is %d', (links, expected) => close(linkBoost(links), expected));
  });

  describe('score', () => {
    it('scores 0.1 text rank with no votes, age or links as 0.1 × 1.25', () => {
      close(score({ textRank: 0.1, trigramSimilarity: 0, helpful: 0, notHelpful: 0, ageDays: 0, links: 0 }), 0.125);
    });

    it('lets a similar title alone (a typo) rank an article', () => {
      expect(score({ textRank: 0, trigramSimilarity: 0.4, helpful: 0, notHelpful: 0, ageDays: 0, links: 0 })).toBeGreaterThan(0);
    });

    it.each(RANKING_SAMPLES.map((sample, i) => [i, sample] as const))('gives sample row %i its expected score', (_, sample) => {
      close(score(inputOf(sample.row)), sample.score);
    });
  });

  describe('RANKING_SQL', () => {
    it('reads exactly the six columns', () => {
      const identifiers = new Set(RANKING_SQL.match(/\b[a-z_]+\b/gi)?.filter((word) => !['float8', 'GREATEST', 'log'].includes(word)));
      expect([...identifiers].sort()).toEqual(Object.keys(RANKING_COLUMNS).sort());
    });

    it.each(RANKING_SAMPLES.map((sample, i) => [i, sample] as const))('computes the same score as the TypeScript on sample row %i', (_, sample) => {
      close(evaluateSql(RANKING_SQL, sample.row), sample.score);
    });

    it('computes the same score as the TypeScript on arbitrary rows', () => {
      fc.assert(
        fc.property(inputArb, (input) => {
          const row = Object.fromEntries(Object.entries(RANKING_COLUMNS).map(([column, key]) => [column, input[key]])) as Record<RankingColumn, number>;
          expect(evaluateSql(RANKING_SQL, row)).toBeCloseTo(score(input), 9);
        }),
      );
    });

    it('puts expressions in place of the columns', () => {
      const sql = rankingSql({ text_rank: 'ts_rank_cd(v.search, q)', link_count: 'a.link_count' });
      expect(sql).toContain('(ts_rank_cd(v.search, q))::float8');
      expect(sql).toContain('(a.link_count)::float8');
      expect(sql).toContain('(helpful_count)::float8');
    });
  });

  describe('properties', () => {
    const plus = fc.integer({ min: 1, max: 1000 });

    it('never lowers the score for more helpful votes', () => {
      fc.assert(fc.property(inputArb, plus, (input, more) => expect(score({ ...input, helpful: input.helpful + more })).toBeGreaterThanOrEqual(score(input))));
    });

    it('never raises the score for more unhelpful votes', () => {
      fc.assert(fc.property(inputArb, plus, (input, more) => expect(score({ ...input, notHelpful: input.notHelpful + more })).toBeLessThanOrEqual(score(input))));
    });

    it('never raises the score of an older article', () => {
      fc.assert(fc.property(inputArb, fc.double({ min: 0, max: 5000, noNaN: true }), (input, older) => expect(score({ ...input, ageDays: input.ageDays + older })).toBeLessThanOrEqual(score(input))));
    });

    it('never lowers the score for more links', () => {
      fc.assert(fc.property(inputArb, plus, (input, more) => expect(score({ ...input, links: input.links + more })).toBeGreaterThanOrEqual(score(input))));
    });

    it('never lowers the score for a higher text rank or a more similar title', () => {
      fc.assert(
        fc.property(inputArb, fc.double({ min: 0, max: 10, noNaN: true }), unitArb, (input, higher, closer) => {
          expect(score({ ...input, textRank: input.textRank + higher })).toBeGreaterThanOrEqual(score(input));
          expect(score({ ...input, trigramSimilarity: Math.min(1, input.trigramSimilarity + closer) })).toBeGreaterThanOrEqual(score(input));
        }),
      );
    });

    it('is never negative and is 0 without any match', () => {
      fc.assert(
        fc.property(inputArb, (input) => {
          expect(score(input)).toBeGreaterThanOrEqual(0);
          expect(score({ ...input, textRank: 0, trigramSimilarity: 0 })).toBe(0);
        }),
      );
    });
  });
});
