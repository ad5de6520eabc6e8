import { ServiceConfig } from '@itsm/messaging';

export class ProblemConfig extends ServiceConfig {
  override HEALTH_PORT = 3102;
}
