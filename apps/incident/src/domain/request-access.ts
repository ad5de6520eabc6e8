import { type Actor, canSeeAllTickets, CatalogItemStatus, RequestCommentVisibility, Role } from '@itsm/contracts';
import { type ApprovalStep, isApprover } from './approval';
import type { RequestMover } from './request-state';

/** Agents, managers and admins work requests; everybody else only sees their own (and what they approve). */
export function worksRequests(actor: Actor): boolean {
  return canSeeAllTickets(actor);
}

/**
 * Whether the actor sees a request: agents see all, requesters their own, approvers those they are asked to
 * decide. Anything else looks like it does not exist.
 */
export function canSeeRequest(actor: Actor, request: { requesterId: string }, steps: readonly Pick<ApprovalStep, 'approverId' | 'group'>[]): boolean {
  return worksRequests(actor) || request.requesterId === actor.sub || isApprover(actor, steps);
}

/** The requester a list is narrowed to: requesters only ever list their own requests; agents list everybody's (null). */
export function listedRequesterOf(actor: Actor): string | null {
  return worksRequests(actor) ? null : actor.sub;
}

/** In which roles the actor moves a request through the transitions endpoint: as its requester, as an agent, or both. */
export function moversOf(actor: Actor, request: { requesterId: string }): RequestMover[] {
  const movers: RequestMover[] = [];
  if (request.requesterId === actor.sub) movers.push('requester');
  if (worksRequests(actor)) movers.push('agent');
  return movers;
}

/** Anyone who sees a request may comment publicly; internal comments are written by agents only. */
export function mayWriteComment(actor: Actor, visibility: RequestCommentVisibility): boolean {
  return visibility === RequestCommentVisibility.Public || worksRequests(actor);
}

/** Internal comments are read by agents only; requesters and approvers get the public ones. */
export function readsInternalComments(actor: Actor): boolean {
  return worksRequests(actor);
}

/** Admins see retired catalog items; for everybody else they do not exist. */
export function canSeeCatalogItem(actor: Actor, item: { status: CatalogItemStatus }): boolean {
  return item.status === CatalogItemStatus.Active || actor.roles.includes(Role.Admin);
}

/** Whether the actor may list catalog items of a status: active ones for everybody, retired ones for admins. */
export function mayListCatalogItems(actor: Actor, status: CatalogItemStatus): boolean {
  return canSeeCatalogItem(actor, { status });
}
