import type { ServiceDefinition } from '@itsm/runtime';
import { coreTablesMigration } from '@itsm/persistence';
import { KnowledgeConfig } from './config';

/** The knowledge service: its schema, outbox, inbox and audit tables, health and metrics; features come next. */
export const knowledgeApp: ServiceDefinition<KnowledgeConfig> = {
  name: 'knowledge',
  config: KnowledgeConfig,
  entities: [],
  migrations: [coreTablesMigration('knowledge')],
  modules: [],
};
