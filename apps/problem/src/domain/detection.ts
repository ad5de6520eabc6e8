import { DetectionScope } from '@itsm/contracts';

/**
 * The arithmetic of problem detection: which recurrence patterns an incident falls under, and whether the incidents
 * of one pattern have crossed a rule's threshold. The answers depend only on the set of observations given, never
 * on the order they arrived in or on how often one was delivered: the consumer may see an event twice, late, or
 * after a newer one, and must still open the same single candidate.
 */

const HOUR_MS = 60 * 60 * 1000;

/** What a detection rule counts, as far as the arithmetic needs it. */
export interface DetectionRuleSpec {
  id: string;
  scope: DetectionScope;
  /** The rule applies to incidents of this business service only; null for any service. */
  serviceId: string | null;
  /** The rule applies to incidents of this category only (compared like pattern categories); null for any category. */
  category: string | null;
  /** How many distinct incidents make a pattern (2..1000). */
  threshold: number;
  /** How close in creation time they must be (1..720). */
  windowHours: number;
  enabled: boolean;
}

/** One version of an incident as an incident event carried it. */
export interface IncidentObservation {
  incidentId: string;
  /** When the incident was opened, epoch milliseconds. */
  createdAt: number;
  category: string | null;
  ciIds: readonly string[];
  serviceId: string | null;
  /** The incident's version: of two observations of one incident, the higher version is the incident as it is. */
  version: number;
}

/** A recurrence pattern: incidents of one CI (or one business service) and one category. */
export interface DetectionPattern {
  /** What the unique index of open problems holds: scope, CI or service id, and category, as {@link detectionKey} builds it. */
  key: string;
  scope: DetectionScope;
  /** The CI, for a pattern of scope `ci`; null otherwise. */
  ciId: string | null;
  /** The business service, for a pattern of scope `service`; null otherwise. */
  serviceId: string | null;
  /** The category, trimmed and lower-cased. */
  category: string;
}

/**
 * Categories compare ignoring case and surrounding blanks, as duplicate hints do: "Network" and "network " are one
 * pattern. A blank category is no category.
 */
export function normalizeCategory(category: string | null): string | null {
  const normalized = category?.trim().toLowerCase() ?? '';
  return normalized === '' ? null : normalized;
}

/** The detection key of a pattern: `<scope>:<ci or service id>:<category>`, e.g. `ci:5e0b…:network`. The category goes last, so a colon in it cannot make two patterns one key. */
export function detectionKey(scope: DetectionScope, targetId: string, category: string): string {
  return `${scope}:${targetId}:${normalizeCategory(category) ?? ''}`;
}

/**
 * The patterns this version of an incident falls under for this rule: one per CI (scope `ci`, each distinct CI once)
 * or the incident's service (scope `service`), with the incident's category. None when the rule is disabled, when its
 * service or category filter excludes the incident, or when the incident has no category, or no CI / no service as
 * the scope needs. Patterns come sorted by key.
 */
export function patternsOf(rule: DetectionRuleSpec, observation: IncidentObservation): DetectionPattern[] {
  if (!rule.enabled) return [];
  const category = normalizeCategory(observation.category);
  if (category === null) return [];
  if (rule.serviceId !== null && observation.serviceId !== rule.serviceId) return [];
  const ruleCategory = normalizeCategory(rule.category);
  if (ruleCategory !== null && ruleCategory !== category) return [];
  if (rule.scope === DetectionScope.Service) {
    if (observation.serviceId === null) return [];
    return [{ key: detectionKey(DetectionScope.Service, observation.serviceId, category), scope: DetectionScope.Service, ciId: null, serviceId: observation.serviceId, category }];
  }
  return [...new Set(observation.ciIds)].sort().map((ciId) => ({ key: detectionKey(DetectionScope.Ci, ciId, category), scope: DetectionScope.Ci, ciId, serviceId: null, category }));
}

/**
 * The incidents as they are: of the observations of each incident, the one with the highest version. Two observations
 * of one version should be the same; should they differ, one is chosen by content, never by arrival order.
 */
export function latestObservations(observations: Iterable<IncidentObservation>): IncidentObservation[] {
  const latest = new Map<string, IncidentObservation>();
  for (const observation of observations) {
    const held = latest.get(observation.incidentId);
    if (!held || observation.version > held.version || (observation.version === held.version && contentOf(observation) > contentOf(held))) {
      latest.set(observation.incidentId, observation);
    }
  }
  return [...latest.values()];
}

function contentOf(observation: IncidentObservation): string {
  return JSON.stringify([observation.createdAt, observation.category, observation.serviceId, [...observation.ciIds].sort()]);
}

/**
 * Whether the incidents of one pattern have crossed the rule's threshold, and which they are.
 *
 * `observations` may hold any observations, in any order, repeated, of any incidents: the latest version of each
 * incident is taken ({@link latestObservations}), and only incidents whose latest version falls under the pattern
 * `key` for this rule count (an incident whose category or CIs changed away has left the pattern).
 *
 * The window ends at the newest of those incidents (by creation time) and reaches back `windowHours`, both ends
 * included: the incidents created at or after `newest − windowHours`. Detection is about the present, so a burst
 * that ended more than `windowHours` before the newest incident of the pattern no longer counts.
 *
 * Returns the ids of the incidents in that window, sorted, when there are at least `threshold` of them; else null.
 */
export function crossed(rule: DetectionRuleSpec, key: string, observations: Iterable<IncidentObservation>): string[] | null {
  const members = latestObservations(observations).filter((observation) => patternsOf(rule, observation).some((pattern) => pattern.key === key));
  if (members.length === 0) return null;
  const newest = members.reduce((max, observation) => Math.max(max, observation.createdAt), -Infinity);
  const from = newest - rule.windowHours * HOUR_MS;
  const inWindow = members.filter((observation) => observation.createdAt >= from).map((observation) => observation.incidentId);
  return inWindow.length >= rule.threshold ? inWindow.sort() : null;
}
