import { ChangeType, RiskLevel } from '@itsm/contracts';

/**
 * The risk of a change as a score of 0..100 and a level. Each factor measures one kind of exposure as a fraction
 * 0..1 and gives at most its weight in points (`points = round(weight × fraction)`); the weights are whole numbers
 * summing to 100, so the score, the sum of the factors' points, is a whole number within 0..100. Every fraction
 * grows with the impact it measures and rounding keeps order, so more impact never lowers the score.
 */

/** The factors, in the order a risk lists them. */
export const RISK_FACTORS = ['ci_criticality', 'service_count', 'service_criticality', 'change_type', 'business_hours', 'ci_count', 'window_length', 'failure_rate'] as const;
export type RiskFactorName = (typeof RISK_FACTORS)[number];

/** CMDB criticality: 1 is the most critical, 4 the least. */
export const MOST_CRITICAL = 1;
export const LEAST_CRITICAL = 4;

export interface RiskWeights {
  /** The points each factor gives at most: whole numbers ≥ 0 summing to 100 (0 turns a factor off). */
  points: Record<RiskFactorName, number>;
  /** The fraction of the `change_type` weight each type gives (0..1; standard ≤ normal ≤ emergency). */
  typeFactors: Record<ChangeType, number>;
  /** Where a size factor reaches its full weight (the fraction grows linearly up to it): services, CIs, window hours. */
  saturation: { services: number; cis: number; windowHours: number };
  /** The lowest score of each level above low (strictly increasing within 1..100); below `moderate` is low. */
  thresholds: { moderate: number; high: number; veryHigh: number };
}

/**
 * The defaults of CHANGE_RISK_WEIGHTS. The most critical CI (20) and service (15), the change type (15: standard 0,
 * normal half, emergency all) and the failure rate of past changes on the same CIs (15) weigh most; a window inside
 * business hours adds 10; size counts through the number of services (10, full at 5), of CIs (10, full at 10) and the
 * window's length (5, full at 24 hours). Levels: low below 25, moderate from 25, high from 50, very high from 75.
 */
export const DEFAULT_RISK_WEIGHTS: RiskWeights = {
  points: { ci_criticality: 20, service_count: 10, service_criticality: 15, change_type: 15, business_hours: 10, ci_count: 10, window_length: 5, failure_rate: 15 },
  typeFactors: { [ChangeType.Standard]: 0, [ChangeType.Normal]: 0.5, [ChangeType.Emergency]: 1 },
  saturation: { services: 5, cis: 10, windowHours: 24 },
  thresholds: { moderate: 25, high: 50, veryHigh: 75 },
};

/** A CI or business service the change affects, with its CMDB criticality (1..4). */
export interface RiskTarget {
  id: string;
  criticality: number;
}

export interface RiskInput {
  type: ChangeType;
  /** The CIs the change touches. */
  cis: readonly RiskTarget[];
  /** The business services in their upstream impact. */
  services: readonly RiskTarget[];
  /** Whether the planned window falls (partly) within business hours. */
  insideBusinessHours: boolean;
  /** The planned window's length in hours. */
  windowHours: number;
  /** Past changes on the same CIs: how many were implemented, and how many of those failed. */
  pastChanges: { implemented: number; failed: number };
}

export interface RiskFactor {
  name: RiskFactorName;
  /** What was measured: a criticality (0 when there is nothing to measure), a count, 1/0 for yes/no, hours, a rate, the type's fraction. */
  value: number;
  weight: number;
  points: number;
  detail: string;
}

export interface RiskAssessment {
  /** The sum of the factors' points, 0..100. */
  score: number;
  level: RiskLevel;
  factors: RiskFactor[];
}

/**
 * Assesses a change's risk. Inputs out of range are read leniently: a criticality is clamped to 1..4, a CI or service
 * listed twice counts once (at its most critical), a negative window counts as none, more failures than
 * implementations as a failure rate of 1.
 */
export function assessRisk(input: RiskInput, weights: RiskWeights = DEFAULT_RISK_WEIGHTS): RiskAssessment {
  const cis = distinct(input.cis);
  const services = distinct(input.services);
  const mostCriticalCi = mostCritical(cis);
  const mostCriticalService = mostCritical(services);
  const windowHours = Math.max(0, finiteOr(input.windowHours, 0));
  const { implemented, failed } = input.pastChanges;
  const failureRate = implemented > 0 ? Math.min(1, Math.max(0, failed) / implemented) : 0;
  const typeFraction = weights.typeFactors[input.type];

  const measured: Record<RiskFactorName, { value: number; fraction: number; detail: string }> = {
    ci_criticality: {
      value: mostCriticalCi ?? 0,
      fraction: criticalityFraction(mostCriticalCi),
      detail: mostCriticalCi === null ? 'no CIs' : `most critical CI has criticality ${mostCriticalCi}`,
    },
    service_count: { value: services.length, fraction: saturate(services.length, weights.saturation.services), detail: `${services.length} business service(s) impacted` },
    service_criticality: {
      value: mostCriticalService ?? 0,
      fraction: criticalityFraction(mostCriticalService),
      detail: mostCriticalService === null ? 'no business services impacted' : `most critical business service has criticality ${mostCriticalService}`,
    },
    change_type: { value: typeFraction, fraction: typeFraction, detail: `${input.type} change` },
    business_hours: {
      value: input.insideBusinessHours ? 1 : 0,
      fraction: input.insideBusinessHours ? 1 : 0,
      detail: input.insideBusinessHours ? 'window inside business hours' : 'window outside business hours',
    },
    ci_count: { value: cis.length, fraction: saturate(cis.length, weights.saturation.cis), detail: `${cis.length} CI(s) touched` },
    window_length: { value: windowHours, fraction: saturate(windowHours, weights.saturation.windowHours), detail: `window of ${round2(windowHours)} hour(s)` },
    failure_rate: {
      value: failureRate,
      fraction: failureRate,
      detail: implemented > 0 ? `${Math.min(Math.max(0, failed), implemented)} of ${implemented} past change(s) on these CIs failed` : 'no past changes on these CIs',
    },
  };

  const factors = RISK_FACTORS.map((name): RiskFactor => {
    const { value, fraction, detail } = measured[name];
    const weight = weights.points[name];
    return { name, value: round2(value), weight, points: Math.round(weight * fraction), detail };
  });
  const score = factors.reduce((sum, factor) => sum + factor.points, 0);
  return { score, level: riskLevelOf(score, weights.thresholds), factors };
}

/** The level of a score: low below `moderate`, then moderate, high, very high from `veryHigh`. */
export function riskLevelOf(score: number, thresholds: RiskWeights['thresholds'] = DEFAULT_RISK_WEIGHTS.thresholds): RiskLevel {
  if (score >= thresholds.veryHigh) return RiskLevel.VeryHigh;
  if (score >= thresholds.high) return RiskLevel.High;
  if (score >= thresholds.moderate) return RiskLevel.Moderate;
  return RiskLevel.Low;
}

function distinct(targets: readonly RiskTarget[]): RiskTarget[] {
  const byId = new Map<string, number>();
  for (const { id, criticality } of targets) {
    const clamped = Math.min(LEAST_CRITICAL, Math.max(MOST_CRITICAL, finiteOr(criticality, LEAST_CRITICAL)));
    byId.set(id, Math.min(byId.get(id) ?? LEAST_CRITICAL, clamped));
  }
  return [...byId].map(([id, criticality]) => ({ id, criticality }));
}

function mostCritical(targets: readonly RiskTarget[]): number | null {
  return targets.length === 0 ? null : Math.min(...targets.map((target) => target.criticality));
}

/** 1 for the most critical (1), 0 for the least (4) or for nothing at all. */
function criticalityFraction(criticality: number | null): number {
  return criticality === null ? 0 : (LEAST_CRITICAL - criticality) / (LEAST_CRITICAL - MOST_CRITICAL);
}

function saturate(amount: number, full: number): number {
  return Math.min(1, amount / full);
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Reads CHANGE_RISK_WEIGHTS: a JSON object with any of `points`, `typeFactors`, `saturation` and `thresholds`, each
 * giving any of its keys; what is left out keeps its default (e.g. `{"thresholds":{"veryHigh":80}}`). The result
 * must still hold: points whole numbers ≥ 0 summing to 100, type fractions 0..1 with standard ≤ normal ≤ emergency,
 * saturation points > 0, thresholds whole and strictly increasing within 1..100. Throws a message naming the bad part.
 */
export function parseRiskWeights(json: string): RiskWeights {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('must be a JSON object of risk weights');
  }
  const root = objectOf(value, 'risk weights');
  onlyKeys(root, ['points', 'typeFactors', 'saturation', 'thresholds'], 'risk weights');
  const section = <K extends keyof RiskWeights>(key: K): RiskWeights[K] => {
    const defaults = DEFAULT_RISK_WEIGHTS[key];
    if (root[key] === undefined) return { ...defaults };
    const given = objectOf(root[key], key);
    onlyKeys(given, Object.keys(defaults), key);
    for (const [name, number] of Object.entries(given)) {
      if (typeof number !== 'number' || !Number.isFinite(number)) throw new Error(`${key}.${name} must be a number`);
    }
    return { ...defaults, ...given } as RiskWeights[K];
  };
  const weights: RiskWeights = { points: section('points'), typeFactors: section('typeFactors'), saturation: section('saturation'), thresholds: section('thresholds') };

  for (const name of RISK_FACTORS) {
    const points = weights.points[name];
    if (!Number.isInteger(points) || points < 0) throw new Error(`points.${name} must be a whole number ≥ 0`);
  }
  const total = RISK_FACTORS.reduce((sum, name) => sum + weights.points[name], 0);
  if (total !== 100) throw new Error(`points must sum to 100 (they sum to ${total})`);
  for (const type of Object.values(ChangeType)) {
    const fraction = weights.typeFactors[type];
    if (fraction < 0 || fraction > 1) throw new Error(`typeFactors.${type} must be within 0..1`);
  }
  const { standard, normal, emergency } = weights.typeFactors;
  if (!(standard <= normal && normal <= emergency)) throw new Error('typeFactors must rank standard ≤ normal ≤ emergency');
  for (const [name, full] of Object.entries(weights.saturation)) {
    if (full <= 0) throw new Error(`saturation.${name} must be greater than 0`);
  }
  const { moderate, high, veryHigh } = weights.thresholds;
  for (const [name, threshold] of Object.entries(weights.thresholds)) {
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > 100) throw new Error(`thresholds.${name} must be a whole number within 1..100`);
  }
  if (!(moderate < high && high < veryHigh)) throw new Error('thresholds must rise strictly: moderate < high < veryHigh');
  return weights;
}

function objectOf(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`${where} has unknown fields: ${unknown.join(', ')} (known: ${known.join(', ')})`);
}
