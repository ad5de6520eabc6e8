import type { Priority, RoutingConditions } from '@itsm/contracts';

export interface RoutableIncident {
  title: string;
  description: string | null;
  category: string | null;
  subcategory: string | null;
  serviceId: string | null;
  ciIds: readonly string[];
  priority: Priority;
}

export interface RoutingRuleLike {
  id: string;
  position: number;
  enabled: boolean;
  conditions: RoutingConditions;
  assignmentGroup: string;
}

const WORD_BOUNDARY = /[^\p{L}\p{N}]+/u;

function mentions(incident: RoutableIncident, keyword: string): boolean {
  const wanted = keyword.toLowerCase().split(WORD_BOUNDARY).filter(Boolean);
  if (wanted.length === 0) return false;
  // A keyword of several words matches them in sequence ("disk full"), within the title or the description.
  return [incident.title, incident.description ?? ''].some((text) => {
    const words = text.toLowerCase().split(WORD_BOUNDARY);
    return words.some((_, i) => wanted.every((word, j) => words[i + j] === word));
  });
}

const equalsIgnoringCase = (a: string, b: string): boolean => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/** True when the incident satisfies every condition the rule gives. */
export function matchesConditions(conditions: RoutingConditions, incident: RoutableIncident): boolean {
  const inList = (list: readonly string[] | undefined, value: string | null): boolean => !list || list.length === 0 || (value !== null && list.some((item) => equalsIgnoringCase(item, value)));
  return (
    inList(conditions.categories, incident.category) &&
    inList(conditions.subcategories, incident.subcategory) &&
    inList(conditions.serviceIds, incident.serviceId) &&
    (!conditions.ciIds || conditions.ciIds.length === 0 || conditions.ciIds.some((ci) => incident.ciIds.includes(ci))) &&
    (!conditions.priorities || conditions.priorities.length === 0 || conditions.priorities.includes(incident.priority)) &&
    (!conditions.keywords || conditions.keywords.length === 0 || conditions.keywords.some((keyword) => mentions(incident, keyword)))
  );
}

/** The first enabled rule, by ascending position (then id, for a stable order), that the incident matches. */
export function routeIncident<R extends RoutingRuleLike>(rules: readonly R[], incident: RoutableIncident): R | undefined {
  return [...rules]
    .filter((rule) => rule.enabled)
    .sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .find((rule) => matchesConditions(rule.conditions, incident));
}
