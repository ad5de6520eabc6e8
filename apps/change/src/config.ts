import { ServiceConfig } from '@itsm/messaging';

export class ChangeConfig extends ServiceConfig {
  override HEALTH_PORT = 3103;
}
