import fc from 'fast-check';
import { ChangeType, RiskLevel } from '@itsm/contracts';
import { assessRisk, DEFAULT_RISK_WEIGHTS, parseRiskWeights, RISK_FACTORS, type RiskAssessment, type RiskInput, riskLevelOf, type RiskTarget } from './risk';

function buildInput(overrides: Partial<RiskInput> = {}): RiskInput {
  return {
    type: ChangeType.Normal,
    cis: [{ id: 'ci-1', criticality: 2 }],
    services: [{ id: 'svc-1', criticality: 2 }],
    insideBusinessHours: true,
    windowHours: 2,
    pastChanges: { implemented: 0, failed: 0 },
    ...overrides,
  };
}

const pointsOf = (risk: RiskAssessment, name: (typeof RISK_FACTORS)[number]): number | undefined => risk.factors.find((factor) => factor.name === name)?.points;

describe('risk assessment', () => {
  it('scores a normal change on one fairly critical CI inside business hours as moderate, factor by factor', () => {
    const risk = assessRisk(buildInput(), DEFAULT_RISK_WEIGHTS);
    expect(risk.factors).toEqual([
      { name: 'ci_criticality', value: 2, weight: 20, points: 13, detail: 'most critical CI has criticality 2' },
      { name: 'service_count', value: 1, weight: 10, points: 2, detail: '1 business service(s) impacted' },
      { name: 'service_criticality', value: 2, weight: 15, points: 10, detail: 'most critical business service has criticality 2' },
      { name: 'change_type', value: 0.5, weight: 15, points: 8, detail: 'normal change' },
      { name: 'business_hours', value: 1, weight: 10, points: 10, detail: 'window inside business hours' },
      { name: 'ci_count', value: 1, weight: 10, points: 1, detail: '1 CI(s) touched' },
      { name: 'window_length', value: 2, weight: 5, points: 0, detail: 'window of 2 hour(s)' },
      { name: 'failure_rate', value: 0, weight: 15, points: 0, detail: 'no past changes on these CIs' },
    ]);
    expect(risk.score).toBe(44);
    expect(risk.level).toBe(RiskLevel.Moderate);
  });

  it('scores a standard change on a minor CI outside business hours as low', () => {
    const risk = assessRisk(buildInput({ type: ChangeType.Standard, cis: [{ id: 'ci-1', criticality: 4 }], services: [], insideBusinessHours: false }));
    expect(risk.score).toBe(1);
    expect(risk.level).toBe(RiskLevel.Low);
  });

  it('scores an emergency on the most critical CIs and services, with a bad record, as very high', () => {
    const cis = Array.from({ length: 10 }, (_, i) => ({ id: `ci-${i}`, criticality: 1 }));
    const services = Array.from({ length: 5 }, (_, i) => ({ id: `svc-${i}`, criticality: 1 }));
    const risk = assessRisk(buildInput({ type: ChangeType.Emergency, cis, services, windowHours: 48, pastChanges: { implemented: 4, failed: 4 } }));
    expect(risk.score).toBe(100);
    expect(risk.level).toBe(RiskLevel.VeryHigh);
  });

  it('counts a CI listed twice once, at its most critical', () => {
    const risk = assessRisk(
      buildInput({
        cis: [
          { id: 'ci-1', criticality: 3 },
          { id: 'ci-1', criticality: 1 },
        ],
      }),
    );
    expect(risk.factors.find((factor) => factor.name === 'ci_count')?.value).toBe(1);
    expect(risk.factors.find((factor) => factor.name === 'ci_criticality')?.value).toBe(1);
  });

  it('reads the failure rate of past changes on the same CIs', () => {
    const risk = assessRisk(buildInput({ pastChanges: { implemented: 4, failed: 1 } }));
    expect(risk.factors.find((factor) => factor.name === 'failure_rate')).toEqual({
      name: 'failure_rate',
      value: 0.25,
      weight: 15,
      points: 4,
      detail: '1 of 4 past change(s) on these CIs failed',
    });
  });

  it('reads out-of-range input leniently', () => {
    const risk = assessRisk(buildInput({ cis: [{ id: 'ci-1', criticality: 0 }], windowHours: -3, pastChanges: { implemented: 2, failed: 5 } }));
    expect(pointsOf(risk, 'ci_criticality')).toBe(20);
    expect(pointsOf(risk, 'window_length')).toBe(0);
    expect(pointsOf(risk, 'failure_rate')).toBe(15);
  });

  it('uses the thresholds of the weights for the level', () => {
    const weights = { ...DEFAULT_RISK_WEIGHTS, thresholds: { moderate: 10, high: 40, veryHigh: 90 } };
    expect(assessRisk(buildInput(), weights).level).toBe(RiskLevel.High);
  });

  it('places the level boundaries at 25, 50 and 75 by default', () => {
    expect([0, 24, 25, 49, 50, 74, 75, 100].map((score) => riskLevelOf(score))).toEqual([
      RiskLevel.Low,
      RiskLevel.Low,
      RiskLevel.Moderate,
      RiskLevel.Moderate,
      RiskLevel.High,
      RiskLevel.High,
      RiskLevel.VeryHigh,
      RiskLevel.VeryHigh,
    ]);
  });

  it('has default weights summing to 100', () => {
    expect(RISK_FACTORS.reduce((sum, name) => sum + DEFAULT_RISK_WEIGHTS.points[name], 0)).toBe(100);
  });
});

describe('risk invariants', () => {
  const criticality = fc.integer({ min: 1, max: 4 });
  const targets = (prefix: string) =>
    fc.uniqueArray(
      fc.record({ id: fc.integer({ min: 0, max: 200 }).map((n) => `${prefix}-${n}`), criticality }),
      { selector: (target) => target.id, maxLength: 15 },
    );
  const pastChanges = fc.integer({ min: 0, max: 50 }).chain((implemented) => fc.record({ implemented: fc.constant(implemented), failed: fc.integer({ min: 0, max: implemented }) }));
  const inputArb: fc.Arbitrary<RiskInput> = fc.record({
    type: fc.constantFrom(...Object.values(ChangeType)),
    cis: targets('ci'),
    services: targets('svc'),
    insideBusinessHours: fc.boolean(),
    windowHours: fc.double({ min: 0, max: 100, noNaN: true }),
    pastChanges,
  });
  const weightsArb = fc
    .array(fc.integer({ min: 0, max: 100 }), { minLength: RISK_FACTORS.length - 1, maxLength: RISK_FACTORS.length - 1 })
    .map((cuts) => {
      const sorted = [0, ...cuts.sort((a, b) => a - b), 100];
      const points = Object.fromEntries(RISK_FACTORS.map((name, i) => [name, (sorted[i + 1] as number) - (sorted[i] as number)]));
      return { ...DEFAULT_RISK_WEIGHTS, points: points as typeof DEFAULT_RISK_WEIGHTS.points };
    });
  const weightsOrDefault = fc.oneof(fc.constant(DEFAULT_RISK_WEIGHTS), weightsArb);

  const notLower = (lessImpact: RiskInput, moreImpact: RiskInput, weights = DEFAULT_RISK_WEIGHTS) =>
    expect(assessRisk(moreImpact, weights).score).toBeGreaterThanOrEqual(assessRisk(lessImpact, weights).score);

  it('keeps the score within 0..100, equal to the sum of the points, each within its weight', () => {
    fc.assert(
      fc.property(inputArb, weightsOrDefault, (input, weights) => {
        const risk = assessRisk(input, weights);
        expect(Number.isInteger(risk.score)).toBe(true);
        expect(risk.score).toBeGreaterThanOrEqual(0);
        expect(risk.score).toBeLessThanOrEqual(100);
        expect(risk.factors.reduce((sum, factor) => sum + factor.points, 0)).toBe(risk.score);
        for (const factor of risk.factors) {
          expect(factor.points).toBeGreaterThanOrEqual(0);
          expect(factor.points).toBeLessThanOrEqual(factor.weight);
        }
        expect(risk.level).toBe(riskLevelOf(risk.score, weights.thresholds));
      }),
    );
  });

  it('never lowers the score for a more critical CI', () => {
    fc.assert(
      fc.property(inputArb, weightsOrDefault, fc.nat(), (input, weights, pick) => {
        fc.pre(input.cis.length > 0);
        const index = pick % input.cis.length;
        const cis = input.cis.map((ci, i) => (i === index ? { ...ci, criticality: Math.max(1, ci.criticality - 1) } : ci));
        notLower(input, { ...input, cis }, weights);
      }),
    );
  });

  it('never lowers the score for one more CI, or one more or a more critical business service', () => {
    fc.assert(
      fc.property(inputArb, weightsOrDefault, criticality, fc.nat(), (input, weights, level, pick) => {
        const extraCi: RiskTarget = { id: 'ci-extra', criticality: level };
        const extraService: RiskTarget = { id: 'svc-extra', criticality: level };
        notLower(input, { ...input, cis: [...input.cis, extraCi] }, weights);
        notLower(input, { ...input, services: [...input.services, extraService] }, weights);
        if (input.services.length > 0) {
          const index = pick % input.services.length;
          const services = input.services.map((service, i) => (i === index ? { ...service, criticality: Math.max(1, service.criticality - 1) } : service));
          notLower(input, { ...input, services }, weights);
        }
      }),
    );
  });

  it('never lowers the score for emergency over normal over standard, or for business hours', () => {
    fc.assert(
      fc.property(inputArb, weightsOrDefault, (input, weights) => {
        notLower({ ...input, type: ChangeType.Standard }, { ...input, type: ChangeType.Normal }, weights);
        notLower({ ...input, type: ChangeType.Normal }, { ...input, type: ChangeType.Emergency }, weights);
        notLower({ ...input, insideBusinessHours: false }, { ...input, insideBusinessHours: true }, weights);
      }),
    );
  });

  it('never lowers the score for a longer window or a higher failure rate', () => {
    fc.assert(
      fc.property(inputArb, weightsOrDefault, fc.double({ min: 0, max: 100, noNaN: true }), pastChanges, (input, weights, extraHours, other) => {
        notLower(input, { ...input, windowHours: input.windowHours + extraHours }, weights);
        const rate = (past: RiskInput['pastChanges']) => (past.implemented === 0 ? 0 : past.failed / past.implemented);
        const [lower, higher] = rate(input.pastChanges) <= rate(other) ? [input.pastChanges, other] : [other, input.pastChanges];
        notLower({ ...input, pastChanges: lower }, { ...input, pastChanges: higher }, weights);
      }),
    );
  });

  it('never lowers the level when the score rises', () => {
    const order = [RiskLevel.Low, RiskLevel.Moderate, RiskLevel.High, RiskLevel.VeryHigh];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(order.indexOf(riskLevelOf(high))).toBeGreaterThanOrEqual(order.indexOf(riskLevelOf(low)));
      }),
    );
  });
});

describe('risk weights from configuration', () => {
  it('keeps the defaults for what is left out', () => {
    const weights = parseRiskWeights('{"thresholds":{"veryHigh":80},"saturation":{"cis":20}}');
    expect(weights).toEqual({ ...DEFAULT_RISK_WEIGHTS, thresholds: { moderate: 25, high: 50, veryHigh: 80 }, saturation: { services: 5, cis: 20, windowHours: 24 } });
    expect(parseRiskWeights('{}')).toEqual(DEFAULT_RISK_WEIGHTS);
  });

  it('takes new points that still sum to 100', () => {
    const weights = parseRiskWeights('{"points":{"ci_criticality":30,"failure_rate":5}}');
    expect(weights.points.ci_criticality).toBe(30);
    expect(weights.points.failure_rate).toBe(5);
  });

  it.each([
    ['not JSON', 'must be a JSON object of risk weights'],
    ['[]', 'risk weights must be a JSON object'],
    ['{"factors":{}}', 'risk weights has unknown fields: factors'],
    ['{"points":{"size":10}}', 'points has unknown fields: size'],
    ['{"points":{"ci_criticality":"20"}}', 'points.ci_criticality must be a number'],
    ['{"points":{"ci_criticality":30}}', 'points must sum to 100 (they sum to 110)'],
    ['{"points":{"ci_criticality":19.5,"ci_count":10.5}}', 'points.ci_criticality must be a whole number ≥ 0'],
    ['{"points":{"ci_criticality":-5,"ci_count":35}}', 'points.ci_criticality must be a whole number ≥ 0'],
    ['{"typeFactors":{"emergency":1.5}}', 'typeFactors.emergency must be within 0..1'],
    ['{"typeFactors":{"normal":0.2,"standard":0.3}}', 'typeFactors must rank standard ≤ normal ≤ emergency'],
    ['{"saturation":{"windowHours":0}}', 'saturation.windowHours must be greater than 0'],
    ['{"thresholds":{"high":20}}', 'thresholds must rise strictly: moderate < high < veryHigh'],
    ['{"thresholds":{"veryHigh":101}}', 'thresholds.veryHigh must be a whole number within 1..100'],
  ])('refuses %s, saying why', (json, message) => {
    expect(() => parseRiskWeights(json)).toThrow(message);
  });
});
