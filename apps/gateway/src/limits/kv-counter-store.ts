import { type KV, type NatsConnection, StorageType } from 'nats';
import { GATEWAY_RATE_LIMIT_BUCKET } from '@itsm/contracts';
import { CounterConflict, type CounterStore, type StoredCount } from './shared-counter';

/** The bucket of the shared rate-limit counters. Its name is fixed: the gateway's broker permissions (libs/contracts bus-access.ts) name it. */
export const RATE_LIMIT_BUCKET = GATEWAY_RATE_LIMIT_BUCKET;

/** JetStream's error for a write whose expected last revision of the key is not the current one. */
const WRONG_LAST_SEQUENCE = 10071;

/** A counter outlives its window by this much, so that a replica whose clock is a little behind still finds it. */
const TTL_MARGIN_MS = 5_000;

/** Least time between two attempts to open the bucket after it could not be reached. */
const REOPEN_INTERVAL_MS = 1_000;

function isWrongLastSequence(error: unknown): boolean {
  return (error as { api_error?: { err_code?: number } } | null)?.api_error?.err_code === WRONG_LAST_SEQUENCE;
}

/**
 * The counters in a JetStream KV bucket, kept in memory on the NATS servers (they are worth a window at most) and
 * expiring a little after their window. A bucket that disappears (a NATS restart) is created again on the next use.
 * The replica count is set when the bucket is created.
 */
export class KvCounterStore implements CounterStore {
  private bucket?: Promise<KV>;
  private failedAt = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: { windowMs: number; timeoutMs: number; replicas: number },
  ) {}

  async get(key: string): Promise<StoredCount | undefined> {
    const entry = await this.use((kv) => kv.get(key));
    if (!entry || entry.operation !== 'PUT') return undefined;
    const value = Number(entry.string());
    return { value: Number.isSafeInteger(value) && value >= 0 ? value : 0, revision: entry.revision };
  }

  create(key: string, value: number): Promise<number> {
    return this.write(key, (kv) => kv.create(key, String(value)));
  }

  update(key: string, value: number, revision: number): Promise<number> {
    return this.write(key, (kv) => kv.update(key, String(value), revision));
  }

  private async write(key: string, put: (kv: KV) => Promise<number>): Promise<number> {
    try {
      return await this.use(put);
    } catch (error) {
      if (isWrongLastSequence(error)) throw new CounterConflict(key);
      throw error;
    }
  }

  private async use<T>(operation: (kv: KV) => Promise<T>): Promise<T> {
    const opened = this.open();
    const kv = await opened;
    try {
      return await operation(kv);
    } catch (error) {
      // Anything but a lost compare-and-set may mean the bucket is gone: open it again (creating it) next time.
      if (!isWrongLastSequence(error) && this.bucket === opened) this.bucket = undefined;
      throw error;
    }
  }

  private open(): Promise<KV> {
    if (!this.bucket) {
      if (Date.now() - this.failedAt < REOPEN_INTERVAL_MS) return Promise.reject(new Error(`bucket ${RATE_LIMIT_BUCKET} could not be reached just now`));
      this.failedAt = Date.now();
      const { windowMs, timeoutMs, replicas } = this.options;
      const ttl = windowMs + TTL_MARGIN_MS;
      const opening = this.nc
        .jetstream({ timeout: timeoutMs })
        .views.kv(RATE_LIMIT_BUCKET, { history: 1, ttl, storage: StorageType.Memory, replicas, timeout: timeoutMs })
        .then(async (kv) => {
          await this.keepTtl(ttl);
          this.failedAt = 0;
          return kv;
        });
      opening.catch(() => {
        if (this.bucket === opening) this.bucket = undefined;
      });
      this.bucket = opening;
    }
    return this.bucket;
  }

  /** A bucket made under another window length keeps its counters for as long as this window needs. */
  private async keepTtl(ttlMs: number): Promise<void> {
    const jsm = await this.nc.jetstreamManager({ timeout: this.options.timeoutMs });
    const stream = `KV_${RATE_LIMIT_BUCKET}`;
    const info = await jsm.streams.info(stream);
    const maxAge = ttlMs * 1_000_000;
    if (info.config.max_age < maxAge) await jsm.streams.update(stream, { ...info.config, max_age: maxAge });
  }
}
