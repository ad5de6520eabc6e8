import type { ServiceDefinition } from '@itsm/runtime';
import { coreTablesMigration } from '@itsm/persistence';
import { ProblemConfig } from './config';

/** The problem service: its schema, outbox, inbox and audit tables, health and metrics; features come next. */
export const problemApp: ServiceDefinition<ProblemConfig> = {
  name: 'problem',
  config: ProblemConfig,
  entities: [],
  migrations: [coreTablesMigration('problem')],
  modules: [],
};
