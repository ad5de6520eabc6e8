import { type Actor, Role } from '@itsm/contracts';

/** The people the service tests act as, one per role (two agents in different groups, two requesters). */
export const ada: Actor = { sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] };
export const maria: Actor = { sub: 'maria', name: 'Maria Manager', roles: [Role.Manager] };
export const sam: Actor = { sub: 'sam', name: 'Sam Agent', roles: [Role.Agent], groups: ['service-desk'] };
export const tom: Actor = { sub: 'tom', name: 'Tom Agent', roles: [Role.Agent], groups: ['network'] };
export const carl: Actor = { sub: 'carl', name: 'Carl CAB', roles: [Role.Cab] };
export const alice: Actor = { sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] };
export const bob: Actor = { sub: 'bob', name: 'Bob Jones', roles: [Role.Requester] };
