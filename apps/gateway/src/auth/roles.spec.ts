import { Role } from '@itsm/contracts';
import { hasAnyRole } from './roles';

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
