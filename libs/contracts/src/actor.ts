/** The authenticated user on whose behalf a command or query runs. */
export enum Role {
  Requester = 'requester',
  Agent = 'agent',
  Manager = 'manager',
  Cab = 'cab',
  Admin = 'admin',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);

export interface Actor {
  sub: string;
  name?: string;
  roles: Role[];
  groups?: string[];
  /** Subject (`sub`) of the actor's manager (token claim `manager`), who approves what needs a manager's approval. */
  managerId?: string;
}

/** Agents, managers and admins work on tickets of others; a requester only sees what they opened. */
export function canSeeAllTickets(actor: Actor): boolean {
  return actor.roles.some((role) => role === Role.Agent || role === Role.Manager || role === Role.Admin);
}
