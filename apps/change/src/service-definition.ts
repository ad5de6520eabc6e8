import type { ServiceDefinition } from '@itsm/runtime';
import { coreTablesMigration } from '@itsm/persistence';
import { ChangeConfig } from './config';

/** The change service: its schema, outbox, inbox and audit tables, health and metrics; features come next. */
export const changeApp: ServiceDefinition<ChangeConfig> = {
  name: 'change',
  config: ChangeConfig,
  entities: [],
  migrations: [coreTablesMigration('change')],
  modules: [],
};
