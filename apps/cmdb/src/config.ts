import { ServiceConfig } from '@itsm/messaging';

export class CmdbConfig extends ServiceConfig {
  override HEALTH_PORT = 3104;
}
