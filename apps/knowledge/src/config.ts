import { ServiceConfig } from '@itsm/messaging';

export class KnowledgeConfig extends ServiceConfig {
  override HEALTH_PORT = 3106;
}
