import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ServiceConfig } from '@itsm/runtime';

export class SlaConfig extends ServiceConfig {
  override HEALTH_PORT = 3105;

  /** How often the scheduler looks for clocks whose warning or breach is due; alerts go out at most this late. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(60_000)
  SLA_TIMER_INTERVAL_MS = 500;

  /** Clocks (or stale tickets) one scheduler transaction takes at a time. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  SLA_TIMER_BATCH = 200;
}
