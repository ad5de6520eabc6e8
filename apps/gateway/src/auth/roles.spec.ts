import { ApiKeyErrorCode, CommonErrorCode, ErrorCode, Role, RoleSets } from '@itsm/contracts';
import type { RoutePolicy } from './policy';
import { authorize, hasAnyRole } from './roles';

describe('hasAnyRole', () => {
  it('lets through a caller holding one of the roles asked for', () => {
    expect(hasAnyRole({ roles: [Role.Requester] }, [Role.Requester, Role.Agent])).toBe(true);
    expect(hasAnyRole({ roles: [Role.Cab, Role.Admin] }, [Role.Agent, Role.Admin])).toBe(true);
  });

  it('stops a caller holding none of them', () => {
    expect(hasAnyRole({ roles: [Role.Cab] }, [Role.Requester, Role.Agent, Role.Manager, Role.Admin])).toBe(false);
    expect(hasAnyRole({ roles: [] }, [Role.Requester])).toBe(false);
  });

  it('lets through any caller when no role is asked for', () => {
    expect(hasAnyRole({ roles: [] }, [])).toBe(true);
  });
});

describe('authorize', () => {
  const agentsWithKeys: RoutePolicy = { roles: RoleSets.agents, apiKey: true };
  const adminsWithoutKeys: RoutePolicy = { roles: RoleSets.admins, apiKey: false };

  function refusal(policy: RoutePolicy, actor: { sub: string; roles: Role[] }): unknown {
    try {
      authorize(policy, actor);
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it('lets through a person or a key holding one of the route’s roles', () => {
    expect(refusal(agentsWithKeys, { sub: 'sam', roles: [Role.Agent] })).toBeUndefined();
    expect(refusal(agentsWithKeys, { sub: 'api-key:Q3vN8kLm2XpA', roles: [Role.Manager] })).toBeUndefined();
    expect(refusal(adminsWithoutKeys, { sub: 'ada', roles: [Role.Admin] })).toBeUndefined();
  });

  it('refuses a caller holding none of the route’s roles with ROLE_REQUIRED, naming the roles', () => {
    expect(refusal(agentsWithKeys, { sub: 'carl', roles: [Role.Cab] })).toMatchObject({
      code: ErrorCode.FORBIDDEN,
      reason: CommonErrorCode.RoleRequired,
      message: 'this operation needs one of the roles: agent, manager, admin',
    });
  });

  it('refuses an API key on a route closed to keys with API_KEY_NOT_ALLOWED, whatever roles the key holds', () => {
    expect(refusal(adminsWithoutKeys, { sub: 'api-key:Q3vN8kLm2XpA', roles: [Role.Admin] })).toMatchObject({ code: ErrorCode.FORBIDDEN, reason: ApiKeyErrorCode.KeyNotAllowed });
    expect(refusal(adminsWithoutKeys, { sub: 'api-key:Q3vN8kLm2XpA', roles: [Role.Requester] })).toMatchObject({ reason: ApiKeyErrorCode.KeyNotAllowed });
  });

  it('tells a person whose subject merely contains the prefix from a key', () => {
    expect(refusal(adminsWithoutKeys, { sub: 'ada-api-key:x', roles: [Role.Admin] })).toBeUndefined();
  });
});
