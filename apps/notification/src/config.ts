import { ServiceConfig } from '@itsm/messaging';

export class NotificationConfig extends ServiceConfig {
  override HEALTH_PORT = 3107;
}
