import { ServiceConfig } from '@itsm/messaging';

export class SlaConfig extends ServiceConfig {
  override HEALTH_PORT = 3105;
}
