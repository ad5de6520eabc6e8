import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';

/** The signing keys of an identity provider, by key id. */
export interface SigningKeys {
  get(kid: string | undefined): Promise<KeyObject | undefined>;
}

interface Jwk extends JsonWebKey {
  kid?: string;
  use?: string;
  alg?: string;
}

/**
 * RS256 signing keys published at a JWKS URL (OpenID Connect `jwks_uri`). Keys are cached; an unknown key id
 * triggers one refresh (at most every `minRefreshMs`), so a key rotation at the provider is picked up without a
 * restart and a flood of tokens with made-up key ids cannot hammer the provider.
 */
export class JwksKeys implements SigningKeys {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly options: { minRefreshMs: number; maxAgeMs: number; timeoutMs: number } = { minRefreshMs: 30_000, maxAgeMs: 600_000, timeoutMs: 5_000 },
  ) {}

  async get(kid: string | undefined): Promise<KeyObject | undefined> {
    const stale = Date.now() - this.fetchedAt > this.options.maxAgeMs;
    if (stale || !this.find(kid)) {
      if (stale || Date.now() - this.fetchedAt >= this.options.minRefreshMs) await this.refresh().catch((error: unknown) => this.logger.warn({ err: error, url: this.url }, 'could not fetch the JWKS'));
    }
    return this.find(kid);
  }

  private find(kid: string | undefined): KeyObject | undefined {
    if (kid !== undefined) return this.keys.get(kid);
    // A token without `kid` is only unambiguous when the provider publishes a single key.
    return this.keys.size === 1 ? [...this.keys.values()][0] : undefined;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        const response = await fetch(this.url, { signal: AbortSignal.timeout(this.options.timeoutMs), headers: { accept: 'application/json' } });
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
        const body = (await response.json()) as { keys?: Jwk[] };
        const keys = new Map<string, KeyObject>();
        for (const jwk of body.keys ?? []) {
          if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig') || (jwk.alg !== undefined && jwk.alg !== 'RS256')) continue;
          keys.set(jwk.kid ?? '', createPublicKey({ key: jwk, format: 'jwk' }));
        }
        this.keys = keys;
        this.fetchedAt = Date.now();
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}
