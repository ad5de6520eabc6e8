/** The authenticated user on whose behalf a command or query runs. */
export enum Role {
  Requester = 'requester',
  Agent = 'agent',
  Manager = 'manager',
  Cab = 'cab',
  Admin = 'admin',
  /** Reads the audit trail and the reports of every service, and changes nothing. */
  Auditor = 'auditor',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);

/**
 * The role sets RPC declarations name in `roles` (who may call an operation). Declared here once, they are read
 * by the gateway's route guard and by each service's RPC server alike.
 */
export const RoleSets = {
  everyone: ALL_ROLES,
  /** Those who work tickets: agents, managers and admins. */
  agents: [Role.Agent, Role.Manager, Role.Admin],
  /** Whoever opens tickets: requesters and those who work tickets (not the CAB as such). */
  requestersAndAgents: [Role.Requester, Role.Agent, Role.Manager, Role.Admin],
  /** Those who work tickets and the change advisory board. */
  agentsAndCab: [Role.Agent, Role.Manager, Role.Cab, Role.Admin],
  managers: [Role.Manager, Role.Admin],
  admins: [Role.Admin],
  /** Those who read the audit trail and reports across the suite. */
  auditors: [Role.Admin, Role.Auditor],
} as const satisfies Record<string, readonly Role[]>;

/** `sub` of a caller authenticated by an API key (`api-key:<keyId>`); no token may claim a subject starting with it. */
export const API_KEY_SUBJECT_PREFIX = 'api-key:';

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
