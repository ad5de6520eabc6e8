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

  // API keys (apps/gateway/src/api-keys).

  /**
   * Key of the HMAC-SHA256 that API keys are stored as. Unset: API keys are off (their routes answer 503, a key sent
   * is refused like any invalid one; empty counts as unset, as compose passes an unset variable). Changing it
   * invalidates every key.
   */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString({ message: 'must be a secret of at least 32 characters (or be unset, which turns API keys off)' })
  @MinLength(32, { message: 'must be a secret of at least 32 characters (or be unset, which turns API keys off)' })
  API_KEY_HASH_SECRET?: string;

  /** Replicas of the API key bucket when it is first created (3 on a NATS cluster). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  API_KEY_BUCKET_REPLICAS = 1;

  /** How often each replica adds the uses it counted (`useCount`, `lastUsedAt`) to the stored keys. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  API_KEY_USAGE_FLUSH_MS = 5_000;

  // Rate limits, deadlines and load shedding (apps/gateway/src/limits).

  /** Count requests per client and route class against the quotas below (shared by every replica through NATS KV). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  RATE_LIMIT_ENABLED = true;

  /** Length of a rate-limit window; each quota below is per window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Reads (GET, HEAD) one client may make per window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_READ_PER_WINDOW = 1_200;

  /** Writes (POST, PUT, PATCH, DELETE) one client may make per window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_WRITE_PER_WINDOW = 300;

  /** CMDB import calls (paths with `/imports`) one client may make per window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_IMPORT_PER_WINDOW = 30;

  /** Report and audit queries (`/v1/reports`, `/v1/audit`) one client may make per window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_REPORT_PER_WINDOW = 60;

  /** Copies of the rate-limit bucket in a NATS cluster (set when the bucket is created); 3 keeps counting through the loss of a node. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  RATE_LIMIT_BUCKET_REPLICAS = 1;

  /** Longest wait for the shared counters; past it the request goes through uncounted (fail open). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  RATE_LIMIT_STORE_TIMEOUT_MS = 500;

  /** Overall deadline of a request (a CMDB import gets its longer RPC timeout on top); unset: RPC_TIMEOUT_MS + 1000. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  REQUEST_TIMEOUT_MS?: number;

  /** Requests one replica serves at once; one more is answered 503 at once. Health, metrics and live event streams are not counted. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  GATEWAY_MAX_IN_FLIGHT = 512;

  // Audit and reports (apps/gateway/src/audit, apps/gateway/src/reports).
}

/** Loads {@link GatewayConfig}; the shared loader reports JWT_SECRET by its length only. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfig, env);
}
