import type { ServiceDefinition } from '@itsm/messaging';
import { coreTablesMigration } from '@itsm/persistence';
import { CmdbConfig } from './config';

/** The cmdb service: its schema, outbox, inbox and audit tables, health and metrics; features come next. */
export const cmdbApp: ServiceDefinition<CmdbConfig> = {
  name: 'cmdb',
  config: CmdbConfig,
  entities: [],
  migrations: [coreTablesMigration('cmdb')],
  modules: [],
};
