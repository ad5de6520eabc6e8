import { ServiceConfig } from '@itsm/messaging';

export class IncidentConfig extends ServiceConfig {
  override HEALTH_PORT = 3101;
}
