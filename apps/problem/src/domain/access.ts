import { type Actor, canSeeAllTickets, ProblemError, ProblemErrorCode, RoleSets } from '@itsm/contracts';

/**
 * Who may do what to problems. Who may call an operation at all is the `roles` of its RPC declaration (agents,
 * managers, admins; requesters never), checked before any of this runs; the rules here are the finer ones.
 */

/** Agents, managers and admins see every problem; nobody else learns that one exists. */
export const isAgent = (actor: Actor): boolean => canSeeAllTickets(actor);

/** Managers (and admins) cancel problems, publish and retire known errors, and edit detection rules. */
export const isManager = (actor: Actor): boolean => RoleSets.managers.some((role) => actor.roles.includes(role));

export function problemNotFound(id: string): ProblemError {
  return new ProblemError(ProblemErrorCode.NotFound, `problem ${id} not found`);
}
