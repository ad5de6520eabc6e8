import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { ProcessConfig, toBoolean } from '@itsm/runtime';
import { loadConfig } from '@itsm/observability';

export const JWT_SECRET_MIN_LENGTH = 32;
const JWT_SECRET_RULE = `must be set to a secret of at least ${JWT_SECRET_MIN_LENGTH} characters (or set JWT_JWKS_URL)`;

/** Environment of the gateway (property = variable name), validated at start. */
export class GatewayConfig extends ProcessConfig {
  @Type(() => Number)
  @IsInt({ message: 'must be a port number' })
  @Min(0, { message: 'must be a port number' })
  @Max(65535, { message: 'must be a port number' })
  PORT = 3000;

  /** Shared secret of HS256 tokens; optional when JWT_JWKS_URL is set. */
  @ValidateIf((config: GatewayConfig) => config.JWT_SECRET !== undefined || !config.JWT_JWKS_URL)
  @IsString({ message: JWT_SECRET_RULE })
  @MinLength(JWT_SECRET_MIN_LENGTH, { message: JWT_SECRET_RULE })
  JWT_SECRET?: string;

  /** JWKS of the identity provider (its OpenID Connect `jwks_uri`): RS256 tokens signed by its keys are accepted. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  JWT_JWKS_URL?: string;

  /** Least time between two JWKS fetches caused by tokens with an unknown key id (keys are refetched every 10 min anyway). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  JWT_JWKS_REFRESH_MS = 30_000;

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

  /** Live event streams one user may hold open at once, on each replica. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  EVENT_STREAMS_PER_USER = 5;

  /**
   * Longest a live event stream stays open, whatever its token's expiry; the client then reconnects (with a token
   * that is still valid) and `Last-Event-ID`. At most 24 days, the longest timer Node.js keeps.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_073_600)
  EVENT_STREAM_MAX_SECONDS = 86_400;
}

/** Loads {@link GatewayConfig}; the shared loader reports JWT_SECRET by its length only. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfig, env);
}
