import fc from 'fast-check';
import { DetectionScope } from '@itsm/contracts';
import { crossed, detectionKey, type DetectionRuleSpec, type IncidentObservation, latestObservations, normalizeCategory, patternsOf } from './detection';

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2024-03-01T00:00:00.000Z');
const CI_A = '5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b';
const CI_B = '6f1c8d2b-3a4e-4f5a-9b0c-1d2e3f4a5b6c';
const SERVICE = '7a2d9e3c-4b5f-4a6b-8c1d-2e3f4a5b6c7d';
const OTHER_SERVICE = '8b3e0f4d-5c6a-4b7c-9d2e-3f4a5b6c7d8e';
const KEY_A = detectionKey(DetectionScope.Ci, CI_A, 'network');

function buildRule(overrides: Partial<DetectionRuleSpec> = {}): DetectionRuleSpec {
  return { id: 'rule-1', scope: DetectionScope.Ci, serviceId: null, category: null, threshold: 5, windowHours: 24, enabled: true, ...overrides };
}

function buildObservation(overrides: Partial<IncidentObservation> = {}): IncidentObservation {
  return { incidentId: 'inc-1', createdAt: T0, category: 'network', ciIds: [CI_A], serviceId: SERVICE, version: 1, ...overrides };
}

/** `count` incidents of CI A and category network, one an hour from T0. */
function hourly(count: number, from = T0): IncidentObservation[] {
  return Array.from({ length: count }, (_, i) => buildObservation({ incidentId: `inc-${String(i).padStart(3, '0')}`, createdAt: from + i * HOUR }));
}

describe('detection patterns', () => {
  it('puts an incident under one pattern per distinct CI for a CI rule', () => {
    expect(patternsOf(buildRule(), buildObservation({ ciIds: [CI_B, CI_A, CI_B] }))).toEqual([
      { key: `ci:${CI_A}:network`, scope: DetectionScope.Ci, ciId: CI_A, serviceId: null, category: 'network' },
      { key: `ci:${CI_B}:network`, scope: DetectionScope.Ci, ciId: CI_B, serviceId: null, category: 'network' },
    ]);
  });

  it('puts an incident under the pattern of its service for a service rule', () => {
    expect(patternsOf(buildRule({ scope: DetectionScope.Service }), buildObservation())).toEqual([
      { key: `service:${SERVICE}:network`, scope: DetectionScope.Service, ciId: null, serviceId: SERVICE, category: 'network' },
    ]);
  });

  it('puts an incident under no pattern without a category, or without the CI or service the scope needs', () => {
    expect(patternsOf(buildRule(), buildObservation({ category: null }))).toEqual([]);
    expect(patternsOf(buildRule(), buildObservation({ category: '  ' }))).toEqual([]);
    expect(patternsOf(buildRule(), buildObservation({ ciIds: [] }))).toEqual([]);
    expect(patternsOf(buildRule({ scope: DetectionScope.Service }), buildObservation({ serviceId: null }))).toEqual([]);
  });

  it('puts an incident under no pattern of a disabled rule', () => {
    expect(patternsOf(buildRule({ enabled: false }), buildObservation())).toEqual([]);
  });

  it('applies a rule with a service filter to incidents of that service only', () => {
    const rule = buildRule({ serviceId: SERVICE });
    expect(patternsOf(rule, buildObservation())).toHaveLength(1);
    expect(patternsOf(rule, buildObservation({ serviceId: OTHER_SERVICE }))).toEqual([]);
    expect(patternsOf(rule, buildObservation({ serviceId: null }))).toEqual([]);
  });

  it('applies a rule with a category filter to incidents of that category only, ignoring case', () => {
    const rule = buildRule({ category: 'Network' });
    expect(patternsOf(rule, buildObservation({ category: 'NETWORK' }))).toHaveLength(1);
    expect(patternsOf(rule, buildObservation({ category: 'hardware' }))).toEqual([]);
  });

  it('makes one pattern of categories that differ only in case and surrounding blanks', () => {
    const keys = ['network', 'Network', ' NETWORK '].map((category) => patternsOf(buildRule(), buildObservation({ category }))[0]?.key);
    expect(new Set(keys)).toEqual(new Set([KEY_A]));
    expect(normalizeCategory(' Network ')).toBe('network');
    expect(normalizeCategory('')).toBeNull();
  });

  it('builds keys from scope, CI or service id, and category', () => {
    expect(detectionKey(DetectionScope.Ci, CI_A, 'Network')).toBe(`ci:${CI_A}:network`);
    expect(detectionKey(DetectionScope.Service, SERVICE, 'a:b')).toBe(`service:${SERVICE}:a:b`);
  });
});

describe('latest observations', () => {
  it('keeps the highest version of each incident, whatever arrived last', () => {
    const newer = buildObservation({ version: 3, category: 'hardware' });
    const older = buildObservation({ version: 2 });
    expect(latestObservations([newer, older])).toEqual([newer]);
    expect(latestObservations([older, newer])).toEqual([newer]);
  });

  it('chooses between two different observations of one version by content, not by arrival', () => {
    const one = buildObservation({ version: 2, category: 'network' });
    const other = buildObservation({ version: 2, category: 'hardware' });
    expect(latestObservations([one, other])).toEqual(latestObservations([other, one]));
  });
});

describe('crossing a threshold', () => {
  it('crosses at the threshold with every incident of the window, and not one short of it', () => {
    expect(crossed(buildRule(), KEY_A, hourly(4))).toBeNull();
    expect(crossed(buildRule(), KEY_A, hourly(5))).toEqual(['inc-000', 'inc-001', 'inc-002', 'inc-003', 'inc-004']);
    expect(crossed(buildRule(), KEY_A, hourly(7))).toHaveLength(7);
  });

  it('counts incidents created exactly windowHours before the newest, and none created earlier', () => {
    const newest = T0 + 24 * HOUR;
    const atEdge = [buildObservation({ incidentId: 'edge', createdAt: T0 }), ...hourly(4, newest - 3 * HOUR)];
    expect(crossed(buildRule(), KEY_A, atEdge)).toContain('edge');
    const pastEdge = [buildObservation({ incidentId: 'edge', createdAt: T0 - 1 }), ...hourly(4, newest - 3 * HOUR)];
    expect(crossed(buildRule(), KEY_A, pastEdge)).toBeNull();
  });

  it('no longer counts a burst that ended more than the window before the newest incident', () => {
    const burst = hourly(5);
    expect(crossed(buildRule(), KEY_A, burst)).not.toBeNull();
    expect(crossed(buildRule(), KEY_A, [...burst, buildObservation({ incidentId: 'later', createdAt: T0 + 30 * HOUR })])).toBeNull();
  });

  it('counts only incidents of the pattern asked about', () => {
    const mixed = [...hourly(4), buildObservation({ incidentId: 'other-ci', ciIds: [CI_B] }), buildObservation({ incidentId: 'other-category', category: 'hardware' })];
    expect(crossed(buildRule(), KEY_A, mixed)).toBeNull();
    expect(crossed(buildRule({ threshold: 2 }), detectionKey(DetectionScope.Ci, CI_B, 'network'), [...mixed, buildObservation({ incidentId: 'both', ciIds: [CI_A, CI_B] })])).toEqual([
      'both',
      'other-ci',
    ]);
  });

  it('drops an incident whose latest version has left the pattern', () => {
    const moved = buildObservation({ incidentId: 'inc-004', createdAt: T0 + 4 * HOUR, category: 'hardware', version: 2 });
    expect(crossed(buildRule(), KEY_A, [...hourly(5), moved])).toBeNull();
  });

  it('counts nothing for a disabled rule', () => {
    expect(crossed(buildRule({ enabled: false }), KEY_A, hourly(10))).toBeNull();
    expect(crossed(buildRule(), KEY_A, [])).toBeNull();
  });

  describe('properties', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const observationArb: fc.Arbitrary<IncidentObservation> = fc.record({
      incidentId: fc.constantFrom(...ids),
      createdAt: fc.integer({ min: T0, max: T0 + 72 * HOUR }),
      category: fc.constantFrom('network', 'Network', 'hardware', null),
      ciIds: fc.subarray([CI_A, CI_B]),
      serviceId: fc.constantFrom(SERVICE, OTHER_SERVICE, null),
      version: fc.integer({ min: 1, max: 4 }),
    });
    const ruleArb: fc.Arbitrary<DetectionRuleSpec> = fc.record({
      id: fc.constant('rule-1'),
      scope: fc.constantFrom(DetectionScope.Ci, DetectionScope.Service),
      serviceId: fc.constantFrom(null, SERVICE),
      category: fc.constantFrom(null, 'network'),
      threshold: fc.integer({ min: 2, max: 6 }),
      windowHours: fc.integer({ min: 1, max: 48 }),
      enabled: fc.constant(true),
    });
    const keysOf = (rule: DetectionRuleSpec) =>
      rule.scope === DetectionScope.Ci ? [CI_A, CI_B].map((ci) => detectionKey(rule.scope, ci, 'network')) : [detectionKey(rule.scope, SERVICE, 'network')];

    it('gives the same answer for any order and any repetition of the same observations', () => {
      fc.assert(
        fc.property(
          ruleArb,
          fc.array(observationArb, { maxLength: 20 }),
          fc.array(fc.nat(), { maxLength: 20 }),
          fc.func(fc.integer()),
          (rule, observations, repeats, rank) => {
            const repeated = [...observations, ...repeats.flatMap((i) => (observations.length > 0 ? [observations[i % observations.length] as IncidentObservation] : []))];
            const shuffled = repeated
              .map((observation, i) => ({ observation, order: rank(i) }))
              .sort((x, y) => x.order - y.order)
              .map(({ observation }) => observation);
            for (const key of keysOf(rule)) expect(crossed(rule, key, shuffled)).toEqual(crossed(rule, key, observations));
          },
        ),
      );
    });

    it('is not changed by an observation older than the window', () => {
      fc.assert(
        fc.property(ruleArb, fc.array(observationArb, { minLength: 1, maxLength: 20 }), observationArb, fc.integer({ min: 1, max: 100 * HOUR }), (rule, observations, extra, age) => {
          for (const key of keysOf(rule)) {
            const members = latestObservations(observations).filter((o) => patternsOf(rule, o).some((p) => p.key === key));
            if (members.length === 0) continue;
            const newest = Math.max(...members.map((o) => o.createdAt));
            // A new incident (an id not seen before), opened before the window of the newest.
            const old = { ...extra, incidentId: 'old', createdAt: newest - rule.windowHours * HOUR - age };
            expect(crossed(rule, key, [...observations, old])).toEqual(crossed(rule, key, observations));
          }
        }),
      );
    });

    it('crosses exactly when the threshold-th distinct incident arrives, never counting one incident twice', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 8 }), fc.array(fc.nat({ max: 7 }), { minLength: 1, maxLength: 30 }), (threshold, picks) => {
          const rule = buildRule({ threshold });
          const idOf = (i: number) => ids[i] ?? 'unused';
          const observations = picks.map((i) => buildObservation({ incidentId: idOf(i), createdAt: T0 + i * HOUR }));
          const distinct = new Set(picks).size;
          const result = crossed(rule, KEY_A, observations);
          if (distinct >= threshold) expect(result).toEqual([...new Set(picks)].map(idOf).sort());
          else expect(result).toBeNull();
        }),
      );
    });

    it('lets no late older version of an incident override a newer one', () => {
      fc.assert(
        fc.property(ruleArb, fc.array(observationArb, { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), observationArb, (rule, observations, pick, lower, stale) => {
          const latest = latestObservations(observations);
          const target = latest[pick % latest.length] as IncidentObservation;
          fc.pre(target.version > 1);
          const late = { ...stale, incidentId: target.incidentId, version: lower % target.version };
          expect(latestObservations([...observations, late])).toEqual(expect.arrayContaining([target]));
          for (const key of keysOf(rule)) expect(crossed(rule, key, [...observations, late])).toEqual(crossed(rule, key, observations));
        }),
      );
    });

    it('returns only incidents of the pattern, within windowHours of each other, at least threshold of them', () => {
      fc.assert(
        fc.property(ruleArb, fc.array(observationArb, { maxLength: 20 }), (rule, observations) => {
          const latest = new Map(latestObservations(observations).map((o) => [o.incidentId, o]));
          for (const key of keysOf(rule)) {
            const result = crossed(rule, key, observations);
            if (result === null) continue;
            expect(result.length).toBeGreaterThanOrEqual(rule.threshold);
            expect(new Set(result).size).toBe(result.length);
            const times = result.map((id) => latest.get(id)?.createdAt ?? NaN);
            expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(rule.windowHours * HOUR);
            for (const id of result) expect(patternsOf(rule, latest.get(id) as IncidentObservation).map((p) => p.key)).toContain(key);
          }
        }),
      );
    });
  });
});
