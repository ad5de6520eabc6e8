import type { Actor, Role } from '@itsm/contracts';

/** True when the actor holds at least one of the roles; an empty list asks for no particular role. */
export function hasAnyRole(actor: Pick<Actor, 'roles'>, required: readonly Role[]): boolean {
  return required.length === 0 || actor.roles.some((role) => required.includes(role));
}
