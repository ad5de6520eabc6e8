import type { ServiceDefinition } from '@itsm/messaging';
import { coreTablesMigration } from '@itsm/persistence';
import { SlaConfig } from './config';

/** The sla service: its schema, outbox, inbox and audit tables, health and metrics; features come next. */
export const slaApp: ServiceDefinition<SlaConfig> = {
  name: 'sla',
  config: SlaConfig,
  entities: [],
  migrations: [coreTablesMigration('sla')],
  modules: [],
};
