import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ConfigError, loadConfig, type LogLevel } from '@itsm/observability';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? ({ true: true, '1': true, yes: true, false: false, '0': false, no: false } as Record<string, boolean>)[value.toLowerCase()] ?? value : value;

export const JWT_SECRET_MIN_LENGTH = 32;

/** Environment of the gateway (property = variable name), validated at start. */
export class GatewayConfig {
  @Type(() => Number)
  @IsInt({ message: 'must be a port number' })
  @Min(0, { message: 'must be a port number' })
  @Max(65535, { message: 'must be a port number' })
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^(nats|tls|ws|wss):\/\/[^\s,]+(,\s*(nats|tls|ws|wss):\/\/[^\s,]+)*$/, { message: 'must be one or more nats:// URLs, comma-separated' })
  NATS_URL = 'nats://127.0.0.1:4222';

  /** Shared secret of HS256 tokens. */
  @IsString({ message: `must be set to a secret of at least ${JWT_SECRET_MIN_LENGTH} characters` })
  @MinLength(JWT_SECRET_MIN_LENGTH, { message: `must be set to a secret of at least ${JWT_SECRET_MIN_LENGTH} characters` })
  JWT_SECRET!: string;

  /** Expected `iss` claim; not checked when unset. */
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  /** Expected `aud` claim; not checked when unset. */
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  RPC_TIMEOUT_MS = 5_000;

  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  BODY_LIMIT_BYTES = 1_048_576;

  /** Trust `X-Forwarded-*` from the ingress in front of the gateway. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  TRUST_PROXY = false;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' })
  LOG_LEVEL: LogLevel = 'info';

  /** Time between failing readiness and closing the server on SIGTERM (longer than the readiness period). */
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
 * Loads {@link GatewayConfig}; a bad JWT_SECRET is reported by its length only, so the secret never reaches
 * the log of a failed start.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  try {
    return loadConfig(GatewayConfig, env);
  } catch (error) {
    if (error instanceof ConfigError && error.variable === 'JWT_SECRET') {
      const secret = env['JWT_SECRET'];
      const shown = secret ? `${secret.length} characters` : '(not set)';
      throw new ConfigError('JWT_SECRET', `must be set to a secret of at least ${JWT_SECRET_MIN_LENGTH} characters; got ${shown}`);
    }
    throw error;
  }
}
