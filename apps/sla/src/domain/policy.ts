import { type FieldError, HoldReason, IncidentState, type Priority, type SlaKind, type SlaMetric, type SlaTicketType } from '@itsm/contracts';
import { TICKET_STATES, type TicketSnapshot } from './ticket';

export interface PolicyConditions {
  ticketTypes?: SlaTicketType[];
  priorities?: Priority[];
  serviceIds?: string[];
  ciIds?: string[];
  callerGroups?: string[];
  categories?: string[];
  assignmentGroups?: string[];
  catalogItemIds?: string[];
  major?: boolean;
}

/** One metric of a policy, durations in seconds. */
export interface TargetSpec {
  metric: SlaMetric;
  durationSeconds: number | null;
  durationByPriority: Partial<Record<Priority, number>>;
  calendarId: string;
  pauseStates: string[];
  pauseHoldReasons: string[];
  warnAt: number[];
}

export interface PolicySpec {
  id: string;
  name: string;
  kind: SlaKind;
  order: number;
  /** Tie-break of equal `order`s: the older policy first. */
  createdAt: number;
  enabled: boolean;
  conditions: PolicyConditions;
  targets: TargetSpec[];
}

const oneOf = <T>(allowed: readonly T[] | undefined, value: T | null): boolean => allowed === undefined || (value !== null && allowed.includes(value));

/** Every condition given holds for the ticket. */
export function policyMatches(conditions: PolicyConditions, ticket: TicketSnapshot): boolean {
  return (
    oneOf(conditions.ticketTypes, ticket.type) &&
    oneOf(conditions.priorities, ticket.priority) &&
    oneOf(conditions.serviceIds, ticket.serviceId) &&
    (conditions.ciIds === undefined || ticket.ciIds.some((id) => conditions.ciIds?.includes(id))) &&
    (conditions.callerGroups === undefined || ticket.callerGroups.some((group) => conditions.callerGroups?.includes(group))) &&
    oneOf(conditions.categories, ticket.category) &&
    oneOf(conditions.assignmentGroups, ticket.assignmentGroup) &&
    oneOf(conditions.catalogItemIds, ticket.catalogItemId) &&
    (conditions.major === undefined || conditions.major === ticket.major)
  );
}

/** The target in seconds for a ticket of this priority; null when the target has none for it. */
export function targetSeconds(target: TargetSpec, priority: Priority | null): number | null {
  return (priority !== null ? target.durationByPriority[priority] : undefined) ?? target.durationSeconds;
}

export interface Selection {
  policy: PolicySpec;
  target: TargetSpec;
  targetSeconds: number;
}

/** Policies in matching order: `order`, then the older first, then by id so the order is total. */
export function inMatchingOrder(policies: readonly PolicySpec[]): PolicySpec[] {
  return [...policies].sort((a, b) => a.order - b.order || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The policy of a kind that applies to a ticket for one metric: the first enabled one, in matching order,
 * whose conditions hold and which has a target for the metric at the ticket's priority.
 */
export function selectPolicy(ordered: readonly PolicySpec[], kind: SlaKind, metric: SlaMetric, ticket: TicketSnapshot): Selection | null {
  for (const policy of ordered) {
    if (!policy.enabled || policy.kind !== kind || !policyMatches(policy.conditions, ticket)) continue;
    const target = policy.targets.find((candidate) => candidate.metric === metric);
    if (!target) continue;
    const seconds = targetSeconds(target, ticket.priority);
    if (seconds !== null) return { policy, target, targetSeconds: seconds };
  }
  return null;
}

const INCIDENT_ONLY: ReadonlyArray<keyof PolicyConditions> = ['priorities', 'serviceIds', 'ciIds', 'categories', 'assignmentGroups', 'major'];
const REQUEST_ONLY: ReadonlyArray<keyof PolicyConditions> = ['catalogItemIds'];

/**
 * What is wrong with a policy beyond the shape of its fields: conditions no ticket can meet (request-only and
 * incident-only conditions together), targets without a duration, pause states the ticket types do not have,
 * an OLA without the groups it is for. `knownCalendar` tells whether a calendar id exists.
 */
export function checkPolicy(policy: Omit<PolicySpec, 'id' | 'createdAt'>, knownCalendar: (id: string) => boolean): FieldError[] {
  const errors: FieldError[] = [];
  const { conditions } = policy;
  const types: SlaTicketType[] = conditions.ticketTypes ?? ['incident', 'request'];
  const incidentOnly = INCIDENT_ONLY.filter((key) => conditions[key] !== undefined);
  const requestOnly = REQUEST_ONLY.filter((key) => conditions[key] !== undefined);
  if (incidentOnly.length > 0 && requestOnly.length > 0) {
    errors.push({ field: `conditions.${requestOnly[0]}`, message: `matches nothing: requests have no ${incidentOnly.join(', ')} and incidents no ${requestOnly.join(', ')}` });
  } else if (incidentOnly.length > 0 && !types.includes('incident')) {
    errors.push({ field: `conditions.${incidentOnly[0]}`, message: 'matches nothing: only incidents have it, and ticketTypes excludes incidents' });
  } else if (requestOnly.length > 0 && !types.includes('request')) {
    errors.push({ field: `conditions.${requestOnly[0]}`, message: 'matches nothing: only requests have it, and ticketTypes excludes requests' });
  }
  if (policy.kind === 'ola' && conditions.assignmentGroups === undefined) {
    errors.push({ field: 'conditions.assignmentGroups', message: 'an OLA is the internal target of assignment groups: name them' });
  }
  const applicable = incidentOnly.length > 0 ? ['incident'] : requestOnly.length > 0 ? ['request'] : types;
  const states = new Set(applicable.flatMap((type) => TICKET_STATES[type as SlaTicketType]));
  const metrics = new Set<string>();
  policy.targets.forEach((target, index) => {
    const field = `targets.${index}`;
    if (metrics.has(target.metric)) errors.push({ field: `${field}.metric`, message: `names ${target.metric} a second time` });
    metrics.add(target.metric);
    const perPriority = Object.values(target.durationByPriority);
    if (target.durationSeconds === null && perPriority.length === 0) errors.push({ field: `${field}.duration`, message: 'is required (or durationByPriority)' });
    if (target.durationSeconds === 0 || perPriority.includes(0)) errors.push({ field: `${field}.duration`, message: 'must be more than 0 seconds' });
    if (perPriority.length > 0 && !applicable.includes('incident')) errors.push({ field: `${field}.durationByPriority`, message: 'only incidents have a priority' });
    if (!knownCalendar(target.calendarId)) errors.push({ field: `${field}.calendarId`, message: `calendar ${target.calendarId} does not exist` });
    target.pauseStates.forEach((state, position) => {
      if (!states.has(state)) errors.push({ field: `${field}.pauseStates.${position}`, message: `must be a state of ${applicable.join(' or ')}: ${[...states].join(', ')}` });
      else if (isFinalState(state)) errors.push({ field: `${field}.pauseStates.${position}`, message: `${state} ends the clock; it cannot pause it` });
    });
    if (target.pauseHoldReasons.length > 0 && !target.pauseStates.includes(IncidentState.OnHold)) {
      errors.push({ field: `${field}.pauseHoldReasons`, message: 'applies to on_hold, which pauseStates does not name' });
    }
    target.pauseHoldReasons.forEach((reason, position) => {
      if (!(Object.values(HoldReason) as string[]).includes(reason)) errors.push({ field: `${field}.pauseHoldReasons.${position}`, message: 'is not a hold reason' });
    });
  });
  return errors;
}

const FINAL_STATES = new Set(['resolved', 'closed', 'canceled', 'merged', 'fulfilled', 'rejected']);

function isFinalState(state: string): boolean {
  return FINAL_STATES.has(state);
}
