import { Role } from '@itsm/contracts';

/** Who reads calendars, policies and clocks and asks for business-time sums: the people who work tickets. */
export const SLA_READERS = [Role.Agent, Role.Manager, Role.Admin] as const;
/** Who reads the SLA reports. */
export const SLA_REPORT_READERS = [Role.Manager, Role.Admin] as const;
