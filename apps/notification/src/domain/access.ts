import { type Actor, Role } from '@itsm/contracts';

/**
 * Which subscription and which delivery a caller may see and change. Who may call an operation at all (agents,
 * managers and admins; admins for the contacts directory) is the `roles` of its RPC declaration.
 */

/** The part of a subscription these rules look at. */
export interface Owned {
  owner: string;
}

const isAdmin = (actor: Actor): boolean => actor.roles.includes(Role.Admin);

/** Managers and admins see every subscription (and so every delivery); agents only their own. */
export function seesAllSubscriptions(actor: Actor): boolean {
  return actor.roles.includes(Role.Manager) || isAdmin(actor);
}

/** Another agent's subscription is not found for the caller, exactly like one that does not exist. */
export function mayReadSubscription(actor: Actor, subscription: Owned): boolean {
  return subscription.owner === actor.sub || seesAllSubscriptions(actor);
}

/** A subscription is the business of its owner and the admins; managers may read it, not change it. */
export function mayChangeSubscription(actor: Actor, subscription: Owned): boolean {
  return subscription.owner === actor.sub || isAdmin(actor);
}

/** A delivery is seen by whoever sees its subscription; once the subscription is deleted, by managers and admins only. */
export function mayReadDelivery(actor: Actor, subscription: Owned | null): boolean {
  return seesAllSubscriptions(actor) || (subscription !== null && subscription.owner === actor.sub);
}
