import { type Actor, DomainError, ErrorCode, Role } from '@itsm/contracts';

/** Who sees calendars, policies and clocks: the people who work tickets. Requesters do not. */
const READERS: readonly Role[] = [Role.Agent, Role.Manager, Role.Admin];
/** Who reads the SLA reports. */
const REPORT_READERS: readonly Role[] = [Role.Manager, Role.Admin];

export function requireReader(actor: Actor): void {
  if (!actor.roles.some((role) => READERS.includes(role))) throw new DomainError(ErrorCode.FORBIDDEN, 'only agents, managers and admins see SLA calendars, policies and clocks');
}

export function requireReportReader(actor: Actor): void {
  if (!actor.roles.some((role) => REPORT_READERS.includes(role))) throw new DomainError(ErrorCode.FORBIDDEN, 'only managers and admins read SLA reports');
}

export function requireAdmin(actor: Actor, what: string): void {
  if (!actor.roles.includes(Role.Admin)) throw new DomainError(ErrorCode.FORBIDDEN, `only admins ${what}`);
}

/** Field problems of a definition the shape checks let through: 422 naming each field. */
export function unprocessable(what: string, errors: { field: string; message: string }[]): DomainError {
  const fields = [...new Set(errors.map((error) => error.field))];
  return new DomainError(ErrorCode.UNPROCESSABLE, `${what}: ${fields.join(', ')}`, { errors });
}
