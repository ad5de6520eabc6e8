import { type Actor, ApiKeyError, ApiKeyErrorCode, CommonError, CommonErrorCode, type Role } from '@itsm/contracts';
import { isApiKeyCaller, type RoutePolicy } from './policy';

/** True when the actor holds at least one of the roles; an empty list asks for no particular role. */
export function hasAnyRole(actor: Pick<Actor, 'roles'>, required: readonly Role[]): boolean {
  return required.length === 0 || actor.roles.some((role) => required.includes(role));
}

/**
 * Throws the 403 of a caller the route's policy does not let through: an API key on a route closed to keys
 * (whatever roles the key holds), or a caller holding none of the route's roles.
 */
export function authorize(policy: RoutePolicy, actor: Pick<Actor, 'sub' | 'roles'>): void {
  if (!policy.apiKey && isApiKeyCaller(actor)) {
    throw new ApiKeyError(ApiKeyErrorCode.KeyNotAllowed, 'this operation is not open to API keys; a person must call it with their own token');
  }
  if (!hasAnyRole(actor, policy.roles)) {
    throw new CommonError(CommonErrorCode.RoleRequired, `this operation needs one of the roles: ${policy.roles.join(', ')}`);
  }
}
