import { Transform, Type } from 'class-transformer';
import { ArrayMinSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import type { LogLevel } from '@itsm/observability';

/** `true`/`false`, `1`/`0`, `yes`/`no` from an environment variable; anything else is left for the validator to refuse. */
export const toBoolean = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? ({ true: true, '1': true, yes: true, false: false, '0': false, no: false } as Record<string, boolean>)[value.toLowerCase()] ?? value : value;
const toIntList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part))) : value;

/** Environment every process of the suite reads (property = variable name): gateway and services alike. */
export class ProcessConfig {
  @Matches(/^(nats|tls|ws|wss):\/\/[^\s,]+(,\s*(nats|tls|ws|wss):\/\/[^\s,]+)*$/, { message: 'must be one or more nats:// URLs, comma-separated' })
  NATS_URL = 'nats://127.0.0.1:4222';

  /**
   * Directory holding this process's NATS nkey seed as `<name>.nk` (`incident.nk`, `gateway.nk`, …): a mounted
   * Secret in Kubernetes. Unset: the process connects without credentials (a broker without authorization).
   */
  @IsOptional()
  @IsString()
  NATS_CREDENTIALS_DIR?: string;

  /** PEM file of the CA of the broker's certificate: the connection then requires TLS and verifies the broker. */
  @IsOptional()
  @IsString()
  NATS_TLS_CA_FILE?: string;

  /** Client certificate and key (PEM files) for a broker that asks for mutual TLS; both or neither. */
  @IsOptional()
  @IsString()
  NATS_TLS_CERT_FILE?: string;

  @ValidateIf((config: ProcessConfig) => config.NATS_TLS_CERT_FILE !== undefined)
  @IsString({ message: 'must be set together with NATS_TLS_CERT_FILE' })
  NATS_TLS_KEY_FILE?: string;

  @IsString()
  HOST = '0.0.0.0';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' })
  LOG_LEVEL: LogLevel = 'info';

  @Type(() => Number)
  @IsInt()
  @Min(100)
  RPC_TIMEOUT_MS = 5_000;

  /** Time between failing readiness and stopping intake on SIGTERM (longer than the readiness period). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SHUTDOWN_DELAY_MS = 0;

  /** Hard limit for a graceful shutdown; the process exits non-zero after it. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  SHUTDOWN_TIMEOUT_MS = 25_000;
}

/**
 * Environment of every service beside the gateway. A service's own `config.ts` extends it with its default
 * HEALTH_PORT and its own settings.
 */
export class ServiceConfig extends ProcessConfig {
  /**
   * Public nkeys (`U…`, comma-separated) whose signature makes the actor of an RPC request trusted: the gateway's
   * (during a rotation, old and new). Set, an unsigned or wrongly signed actor is ignored and commands are refused
   * as unauthenticated; unset, actors are taken as they come (a broker without authorization).
   */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((key) => key.trim()).filter(Boolean) : value))
  @IsOptional()
  @Matches(/^U[A-Z2-7]{55}$/, { each: true, message: 'must be public user nkeys (U…), comma-separated' })
  ACTOR_ISSUER_KEYS?: string[];

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/itsm';

  @Type(() => Number)
  @IsInt({ message: 'must be a port number' })
  @Min(0, { message: 'must be a port number' })
  @Max(65535, { message: 'must be a port number' })
  HEALTH_PORT = 0;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  DATABASE_POOL_SIZE = 10;

  /** How long a query waits for a free connection of the pool before the request fails with 503. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  DATABASE_POOL_TIMEOUT_MS = 10_000;

  /** Replicas of the JetStream streams when they are first created (3 in production). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  NATS_STREAM_REPLICAS = 1;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  EVENTS_MAX_AGE_DAYS = 30;

  /** Size limit of each stream in bytes; -1 for none. */
  @Type(() => Number)
  @IsInt()
  @Min(-1)
  EVENTS_MAX_BYTES = -1;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  EVENTS_DUPLICATE_WINDOW_SECONDS = 120;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  CONSUMER_MAX_DELIVER = 5;

  @Transform(toIntList)
  @ArrayMinSize(1)
  @IsInt({ each: true, message: 'must be a comma-separated list of milliseconds' })
  @Min(0, { each: true, message: 'must be a comma-separated list of milliseconds' })
  CONSUMER_BACKOFF_MS: number[] = [1_000, 5_000, 15_000, 60_000];

  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  CONSUMER_ACK_WAIT_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  CONSUMER_CONCURRENCY = 1;

  /** Most events one consumer transaction applies (one inbox statement and one commit for all of them). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  CONSUMER_MAX_BATCH = 32;

  /** How often a replica that does not hold a consumer's lease tries to take it (one replica consumes at a time). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  CONSUMER_LEASE_RETRY_MS = 2_000;

  /** Largest message a consumer takes as an event; a larger one is dead-lettered at once with its size. */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  CONSUMER_MAX_EVENT_BYTES = 524_288;

  /** Off for write-only replicas; some replica of the service must run the relay. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  OUTBOX_RELAY_ENABLED = true;

  @Type(() => Number)
  @IsInt()
  @Min(50)
  OUTBOX_POLL_INTERVAL_MS = 1_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5_000)
  OUTBOX_BATCH_SIZE = 500;

  /** Sent outbox rows are kept this long (above the duplicate window), then deleted. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  OUTBOX_RETENTION_HOURS = 24;

  /** Inbox rows are kept this long; keep it at least EVENTS_MAX_AGE_DAYS, so no retained event is applied twice. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  INBOX_RETENTION_DAYS = 30;

  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  HOUSEKEEPING_INTERVAL_MS = 3_600_000;
}
