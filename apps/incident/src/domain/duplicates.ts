import type { Actor, IncidentState } from '@itsm/contracts';
import { canSee, isAgent } from './access';
import { OPEN_STATES } from './incident-lifecycle';

const MINUTE_MS = 60_000;

/** What a new incident is compared by. */
export interface DuplicateSubject {
  id: string;
  category: string | null;
  ciIds: readonly string[];
}

/** An incident that may be reported a second time. */
export interface DuplicateCandidate extends DuplicateSubject {
  callerId: string;
  state: IncidentState;
  createdAt: Date;
}

/** The search for possible duplicates, as the repository turns it into SQL. */
export interface DuplicateCriteria {
  /** The new incident is not a duplicate of itself. */
  excludeId: string;
  /** The same category, compared ignoring case. */
  category: string;
  /** Shares at least one of these CIs. */
  ciIds: readonly string[];
  /** Still open. */
  states: readonly IncidentState[];
  /** Opened less than this many minutes ago. */
  windowMinutes: number;
  /** Only incidents of this caller (a requester sees no one else's); null for agents, who see every incident. */
  callerId: string | null;
}

/**
 * The search for possible duplicates of a new incident: open incidents of the same category (ignoring case) that share
 * a CI, opened within the duplicate window, among those the actor may see (a hint names the incident, so it must not
 * show a requester anyone else's). Null when there is nothing to search by (no category, no CI, or the window is 0,
 * which turns the hints off).
 */
export function duplicateCriteria(incident: DuplicateSubject, windowMinutes: number, actor: Actor): DuplicateCriteria | null {
  if (!incident.category || incident.ciIds.length === 0 || windowMinutes === 0) return null;
  return {
    excludeId: incident.id,
    category: incident.category,
    ciIds: [...incident.ciIds],
    states: OPEN_STATES,
    windowMinutes,
    callerId: isAgent(actor) ? null : actor.sub,
  };
}

/** The criteria read in memory, term by term as the repository's SQL reads them; `now` is the database's `now()`. */
export function meetsDuplicateCriteria(criteria: DuplicateCriteria, candidate: DuplicateCandidate, now: Date): boolean {
  return (
    candidate.id !== criteria.excludeId &&
    (criteria.callerId === null || candidate.callerId === criteria.callerId) &&
    criteria.states.includes(candidate.state) &&
    candidate.category !== null &&
    candidate.category.toLowerCase() === criteria.category.toLowerCase() &&
    candidate.ciIds.some((ci) => criteria.ciIds.includes(ci)) &&
    candidate.createdAt.getTime() > now.getTime() - criteria.windowMinutes * MINUTE_MS
  );
}

/**
 * The rule as the service desk states it: is `candidate` possibly the same problem reported again as `incident`, and
 * may `actor`, who opened it, be told so?
 */
export function isPossibleDuplicate(incident: DuplicateSubject, candidate: DuplicateCandidate, windowMinutes: number, now: Date, actor: Actor): boolean {
  const sameCategory = Boolean(incident.category) && incident.category?.toLowerCase() === candidate.category?.toLowerCase();
  const sharesCi = incident.ciIds.some((ci) => candidate.ciIds.includes(ci));
  const open = OPEN_STATES.includes(candidate.state);
  const recent = windowMinutes > 0 && now.getTime() - candidate.createdAt.getTime() < windowMinutes * MINUTE_MS;
  return candidate.id !== incident.id && sameCategory && sharesCi && open && recent && canSee(actor, candidate);
}
