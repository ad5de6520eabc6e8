import { type Actor, canSeeAllTickets, DomainError, ErrorCode, Role } from '@itsm/contracts';
import type { Incident } from './incident.entity';

/** Agents, managers and admins work incidents; requesters only follow their own. */
export const isAgent = (actor: Actor): boolean => canSeeAllTickets(actor);

export const isManager = (actor: Actor): boolean => actor.roles.includes(Role.Manager) || actor.roles.includes(Role.Admin);

/** Another requester's incident looks exactly like one that does not exist: no id guessing. */
export function assertVisible(incident: Incident | null, id: string, actor: Actor): asserts incident is Incident {
  if (!incident || (!isAgent(actor) && incident.callerId !== actor.sub)) {
    throw new DomainError(ErrorCode.NOT_FOUND, `incident ${id} not found`);
  }
}

export function forbidden(message: string, fields: string[] = []): DomainError {
  return new DomainError(ErrorCode.FORBIDDEN, message, fields.length > 0 ? { errors: fields.map((field) => ({ field, message: 'may only be set by agents' })) } : undefined);
}
