import { type Actor, canSeeAllTickets, CommentVisibility, type CreateIncidentDto, IncidentError, IncidentErrorCode } from '@itsm/contracts';

/**
 * Who may see and change which incident and which of its fields. Who may call an operation at all is the `roles`
 * of its RPC declaration, checked before any of this runs.
 */

/** Agents, managers and admins work incidents; requesters only follow their own. */
export const isAgent = (actor: Actor): boolean => canSeeAllTickets(actor);

/** Whether the actor may see the incident: agents see every one, a requester only those they are the caller of. */
export const canSee = (actor: Actor, incident: { callerId: string }): boolean => isAgent(actor) || incident.callerId === actor.sub;

/** {@link canSee} for one actor, in the shape the writer's `lock` takes. */
export const visibleTo =
  (actor: Actor) =>
  (incident: { callerId: string }): boolean =>
    canSee(actor, incident);

export function incidentNotFound(id: string): IncidentError {
  return new IncidentError(IncidentErrorCode.NotFound, `incident ${id} not found`);
}

/** Another requester's incident looks exactly like one that does not exist: no id guessing. */
export function assertVisible<T extends { callerId: string }>(incident: T | null, id: string, actor: Actor): asserts incident is T {
  if (!incident || !canSee(actor, incident)) throw incidentNotFound(id);
}

/** Whether the actor reads work notes (internal comments); requesters see only what is public. */
export const seesWorkNotes = (actor: Actor): boolean => isAgent(actor);

/** Only agents write work notes; everyone who may see an incident may comment on it. */
export function assertMayComment(actor: Actor, visibility: CommentVisibility): void {
  if (visibility === CommentVisibility.Internal && !isAgent(actor)) {
    throw new IncidentError(IncidentErrorCode.WorkNotesAgentsOnly, 'only agents may write work notes');
  }
}

/** Fields of a new incident that only agents set: assignment, someone else as the caller, a parent. */
export const AGENT_ONLY_ON_CREATE = ['assignmentGroup', 'assigneeId', 'callerId', 'callerName', 'parentId'] as const;

type OpeningRequest = Pick<CreateIncidentDto, (typeof AGENT_ONLY_ON_CREATE)[number] | 'callerGroups'>;

/** Refuses a requester's new incident that sets agent-only fields, naming each. */
export function assertMayOpen(request: OpeningRequest, actor: Actor): void {
  if (isAgent(actor)) return;
  const agentOnly = AGENT_ONLY_ON_CREATE.filter((field) => request[field] !== undefined);
  if (agentOnly.length > 0) {
    throw new IncidentError(IncidentErrorCode.AgentOnlyFields, `only agents may set ${agentOnly.join(', ')}`, {
      errors: agentOnly.map((field) => ({ field, message: 'may only be set by agents' })),
    });
  }
}

/**
 * Groups of the caller as SLA policies see them. Someone opening for themselves is described by their token, which
 * the body may not contradict (else a requester could make themselves a VIP); for someone else the agent says.
 */
export function callerGroupsAtOpening(request: OpeningRequest, actor: Actor): string[] {
  const forSelf = request.callerId === undefined || request.callerId === actor.sub;
  if (!forSelf) return [...new Set(request.callerGroups ?? [])];
  if (request.callerGroups !== undefined) {
    throw new IncidentError(IncidentErrorCode.CallerGroupsOnlyForOthers, 'callerGroups only applies with a callerId of someone else; your own groups come from your token', {
      errors: [{ field: 'callerGroups', message: 'only with a callerId of someone else' }],
    });
  }
  return [...new Set(actor.groups ?? [])];
}
