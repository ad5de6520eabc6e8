import { type Actor, DomainError, ErrorCode, Role } from '@itsm/contracts';

/** Who subscribes to events and reads the contacts directory: the people who work tickets. Requesters do not. */
const SUBSCRIBERS: readonly Role[] = [Role.Agent, Role.Manager, Role.Admin];

export const isAdmin = (actor: Actor): boolean => actor.roles.includes(Role.Admin);

/** Managers and admins see every subscription; agents only their own. */
export const seesAllSubscriptions = (actor: Actor): boolean => actor.roles.includes(Role.Manager) || isAdmin(actor);

export function requireSubscriber(actor: Actor): void {
  if (!actor.roles.some((role) => SUBSCRIBERS.includes(role))) throw new DomainError(ErrorCode.FORBIDDEN, 'only agents, managers and admins have notification subscriptions');
}

/** A subscription is the business of its owner and the admins; others may at most read it (managers). */
export function mayChangeSubscription(actor: Actor, owner: string): boolean {
  return owner === actor.sub || isAdmin(actor);
}

export function mayReadSubscription(actor: Actor, owner: string): boolean {
  return owner === actor.sub || seesAllSubscriptions(actor);
}

export function requireContactReader(actor: Actor): void {
  if (!actor.roles.some((role) => SUBSCRIBERS.includes(role))) throw new DomainError(ErrorCode.FORBIDDEN, 'only agents, managers and admins read contacts');
}

export function requireAdmin(actor: Actor, what: string): void {
  if (!isAdmin(actor)) throw new DomainError(ErrorCode.FORBIDDEN, `only admins ${what}`);
}
