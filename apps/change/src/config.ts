import { ServiceConfig } from '@itsm/runtime';

export class ChangeConfig extends ServiceConfig {
  override HEALTH_PORT = 3103;
}
