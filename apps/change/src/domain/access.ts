import { type Actor, canSeeAllTickets, ChangeError, ChangeErrorCode, RoleSets } from '@itsm/contracts';

/**
 * Who may do what to changes. Who may call an operation at all is the `roles` of its RPC declaration (agents,
 * managers, CAB members where they vote, admins; requesters never), checked before any of this runs.
 */

/** Agents, managers and admins work changes. */
export const isAgent = (actor: Actor): boolean => canSeeAllTickets(actor);

/** Managers (and admins) reject changes, override conflicts, and manage templates and windows. */
export const isManager = (actor: Actor): boolean => RoleSets.managers.some((role) => actor.roles.includes(role));

export function changeNotFound(id: string): ChangeError {
  return new ChangeError(ChangeErrorCode.NotFound, `change ${id} not found`);
}
