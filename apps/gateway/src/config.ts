import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { ProcessConfig, toBoolean } from '@itsm/messaging';
import { ConfigError, loadConfig } from '@itsm/observability';

export const JWT_SECRET_MIN_LENGTH = 32;

/** Environment of the gateway (property = variable name), validated at start. */
export class GatewayConfig extends ProcessConfig {
  @Type(() => Number)
  @IsInt({ message: 'must be a port number' })
  @Min(0, { message: 'must be a port number' })
  @Max(65535, { message: 'must be a port number' })
  PORT = 3000;

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
  @Min(1_024)
  BODY_LIMIT_BYTES = 1_048_576;

  /** Trust `X-Forwarded-*` from the ingress in front of the gateway. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  TRUST_PROXY = false;
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
