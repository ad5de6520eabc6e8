import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { NATS_CONNECTION } from '@itsm/messaging';
import { GatewayConfig } from '../config';
import { GATEWAY_LOGGER } from '../gateway.tokens';
import { KvCounterStore } from './kv-counter-store';
import { rateLimitStoreFailures } from './limits.metrics';
import { quotaOf, type RouteClass } from './route-class';
import { SharedCounter } from './shared-counter';

/** Where a client stands in the current window of a route class. */
export interface RateLimitDecision {
  routeClass: RouteClass;
  /** Requests of the class one client may make per window. */
  quota: number;
  windowSeconds: number;
  allowed: boolean;
  /** Requests left in the window; unset when the counters could not be reached and the request went through uncounted. */
  remaining?: number;
  /** Seconds until the window ends and the count starts again (at least 1). */
  resetSeconds: number;
}

/** A client's key part: a hash of its subject, so that any subject (an email address, `api-key:…`) is a valid KV key. */
export function clientKey(sub: string): string {
  return createHash('sha256').update(sub, 'utf8').digest('base64url').slice(0, 22);
}

/**
 * Fixed-window counting per client and route class, shared by every replica: the key of a count is
 * `<class>.<client>.<window number>`, windows are aligned to the epoch, and a count only rises by compare-and-set.
 * When the counters cannot be reached in time the request goes through (fail open): a NATS problem must not take
 * the API down with it. That is counted and logged once per outage.
 */
@Injectable()
export class RateLimiter {
  private readonly counter: SharedCounter;
  private readonly windowMs: number;
  private storeDown = false;
  /** Clients known to have used up a class's quota in the current window (`<class>.<client>`), and that window. */
  private readonly full = new Map<string, number>();
  private fullWindow = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {
    this.windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1_000;
    this.counter = new SharedCounter(
      new KvCounterStore(nc, { windowMs: this.windowMs, timeoutMs: config.RATE_LIMIT_STORE_TIMEOUT_MS, replicas: config.RATE_LIMIT_BUCKET_REPLICAS }),
    );
  }

  get enabled(): boolean {
    return this.config.RATE_LIMIT_ENABLED;
  }

  /** Counts one request of `sub` in `routeClass`, unless the quota is used up; `now` only for tests. */
  async check(sub: string, routeClass: RouteClass, now: number = Date.now()): Promise<RateLimitDecision> {
    const quota = quotaOf(routeClass, this.config);
    const window = Math.floor(now / this.windowMs);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * this.windowMs - now) / 1_000));
    const decision = { routeClass, quota, windowSeconds: this.config.RATE_LIMIT_WINDOW_SECONDS, resetSeconds };
    let position: number;
    try {
      position = await this.withinStoreTimeout(this.counter.hit(`${routeClass}.${clientKey(sub)}.${window}`, quota, window));
    } catch (error) {
      rateLimitStoreFailures.inc();
      if (!this.storeDown) {
        this.storeDown = true;
        this.logger.warn({ err: error }, 'rate-limit counters unreachable: requests go through uncounted until they are back');
      }
      return { ...decision, allowed: true };
    }
    if (this.storeDown) {
      this.storeDown = false;
      this.logger.info('rate-limit counters reachable again');
    }
    const allowed = position <= quota;
    if (!allowed) this.markFull(`${routeClass}.${clientKey(sub)}`, window);
    return { ...decision, allowed, remaining: Math.max(0, quota - position) };
  }

  /**
   * The refusal for `sub` in `routeClass` when this replica already knows its quota is used up for the current
   * window (no NATS, no hashing of anything but the subject), else undefined. The early refusal (early-refusal.ts)
   * asks this before authentication, with a subject the request only claims: a claim can only get a request refused,
   * never let through, and only when that subject's own verified requests have used its quota up.
   */
  knownOverQuota(sub: string, routeClass: RouteClass, now: number = Date.now()): RateLimitDecision | undefined {
    const window = Math.floor(now / this.windowMs);
    if (this.full.get(`${routeClass}.${clientKey(sub)}`) !== window) return undefined;
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * this.windowMs - now) / 1_000));
    return { routeClass, quota: quotaOf(routeClass, this.config), windowSeconds: this.config.RATE_LIMIT_WINDOW_SECONDS, resetSeconds, allowed: false, remaining: 0 };
  }

  private markFull(key: string, window: number): void {
    if (window !== this.fullWindow) {
      this.full.clear();
      this.fullWindow = window;
    }
    this.full.set(key, window);
  }

  private withinStoreTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the rate-limit counters within ${this.config.RATE_LIMIT_STORE_TIMEOUT_MS} ms`)), this.config.RATE_LIMIT_STORE_TIMEOUT_MS);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
