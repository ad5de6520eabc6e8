import { Role } from '@itsm/contracts';

/** Who subscribes to notifications and reads the contacts directory: the people who work tickets. */
export const NOTIFICATION_USERS = [Role.Agent, Role.Manager, Role.Admin] as const;
