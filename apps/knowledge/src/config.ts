import { ServiceConfig } from '@itsm/runtime';

export class KnowledgeConfig extends ServiceConfig {
  override HEALTH_PORT = 3106;
}
