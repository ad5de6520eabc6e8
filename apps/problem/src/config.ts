import { ServiceConfig } from '@itsm/runtime';

export class ProblemConfig extends ServiceConfig {
  override HEALTH_PORT = 3102;
}
