import { type Actor, DomainError, ErrorCode, Role } from '@itsm/contracts';

/** Who reads the CMDB: the people who work on tickets and changes. Requesters do not. */
const READERS: readonly Role[] = [Role.Agent, Role.Manager, Role.Admin, Role.Cab];
/** Who changes CIs and relationships by hand. */
const WRITERS: readonly Role[] = [Role.Agent, Role.Manager, Role.Admin];

export function requireReader(actor: Actor): void {
  if (!actor.roles.some((role) => READERS.includes(role))) throw new DomainError(ErrorCode.FORBIDDEN, 'only agents, managers, CAB members and admins read the CMDB');
}

export function requireWriter(actor: Actor): void {
  if (!actor.roles.some((role) => WRITERS.includes(role))) throw new DomainError(ErrorCode.FORBIDDEN, 'only agents, managers and admins change CIs and relationships');
}

export function requireAdmin(actor: Actor, what: string): void {
  if (!actor.roles.includes(Role.Admin)) throw new DomainError(ErrorCode.FORBIDDEN, `only admins ${what}`);
}
