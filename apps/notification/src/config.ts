import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig, toBoolean } from '@itsm/runtime';

export class NotificationConfig extends ServiceConfig {
  override HEALTH_PORT = 3107;

  /** Delays before the 2nd, 3rd … attempt of a webhook or email, in ms (default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
  @Matches(/^\d+(,\d+)*$/, { message: 'must be delays in ms, comma-separated, e.g. 5000,300000' })
  NOTIFICATION_RETRY_SCHEDULE_MS = '5000,300000,1800000,7200000,18000000,36000000,36000000';

  /** Time a webhook receiver has to answer, unless the subscription sets its own. */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(60_000)
  NOTIFICATION_WEBHOOK_TIMEOUT_MS = 10_000;

  /** Messages in flight at once, over all hosts. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  NOTIFICATION_CONCURRENCY = 32;

  /** Messages in flight at once to one host: a slow receiver holds up only its own. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  NOTIFICATION_PER_HOST_CONCURRENCY = 4;

  /** Failed messages in a row (every attempt used) after which a subscription is disabled. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  NOTIFICATION_DISABLE_AFTER_FAILURES = 5;

  /** Hosts, IPs and CIDRs webhooks may reach although they are loopback, private or link-local (e.g. `10.1.0.0/16,hooks.internal`). */
  @IsString()
  NOTIFICATION_ALLOWED_TARGETS = '';

  /** Days the delivery log is kept. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  NOTIFICATION_DELIVERY_RETENTION_DAYS = 30;

  /** How often the dispatcher looks for messages due. */
  @Type(() => Number)
  @IsInt()
  @Min(20)
  @Max(60_000)
  NOTIFICATION_POLL_INTERVAL_MS = 500;

  /** SMTP server for email notifications; while it is unset, email attempts fail and are retried on the schedule, and a replayed email waits for it. */
  @IsOptional()
  @IsString()
  SMTP_HOST?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  SMTP_PORT = 587;

  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  SMTP_SECURE = false;

  @IsOptional()
  @IsString()
  SMTP_USER?: string;

  @IsOptional()
  @IsString()
  SMTP_PASSWORD?: string;

  @IsString()
  SMTP_FROM = 'ITSM <itsm@localhost>';

  /** Refuse self-signed certificates of the SMTP server (`false` only for test servers). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  SMTP_TLS_VERIFY = true;
}
