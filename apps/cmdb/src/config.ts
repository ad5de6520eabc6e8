import { ServiceConfig } from '@itsm/runtime';

export class CmdbConfig extends ServiceConfig {
  override HEALTH_PORT = 3104;
}
