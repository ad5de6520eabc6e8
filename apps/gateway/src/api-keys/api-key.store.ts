import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { KV, KvEntry, NatsConnection, QueuedIterator } from 'nats';
import type { Logger } from 'pino';
import {
  type Actor,
  API_KEY_SUBJECT_PREFIX,
  ApiKeyError,
  ApiKeyErrorCode,
  type ApiKeyPage,
  type ApiKeyView,
  CommonError,
  CommonErrorCode,
  type CreateApiKeyDto,
  type CreatedApiKeyView,
  DEFAULT_PAGE_SIZE,
  GATEWAY_API_KEY_BUCKET,
  type ListApiKeysQuery,
  MAX_LIVE_API_KEYS,
  type Role,
} from '@itsm/contracts';
import { NATS_CONNECTION } from '@itsm/messaging';
import { AuthenticationError } from '../auth/authentication';
import { GatewayConfig } from '../config';
import { GATEWAY_LOGGER } from '../gateway.tokens';
import { hashKey, keyIdOf, keyMatches, newKey, newKeyId } from './api-key-secret';
import { NetworkList } from './networks';

/** One key as the bucket holds it (JSON under the key id): the view and the keyed hash, never the key. */
interface StoredApiKey extends ApiKeyView {
  hash: string;
}

/** A key as each replica holds it in memory, ready for the check of a request. */
interface LoadedApiKey {
  stored: StoredApiKey;
  /** Revision of the entry this is; an older one arriving late from the watch is ignored. */
  revision: number;
  hash: Buffer;
  expiresAtMs: number | undefined;
  networks: NetworkList | undefined;
}

/** Uses of one key counted on this replica since the last flush. */
interface PendingUse {
  count: number;
  lastUsedAt: string;
}

/** The one answer to every refused key: which part was wrong is logged, never told. */
const INVALID_KEY = 'invalid or revoked API key';
/** Attempts of one compare-and-set write before it is left for the next flush (or refused). */
const CAS_ATTEMPTS = 10;
/** Longest wait for the initial values of the bucket at start. */
const LOAD_TIMEOUT_MS = 10_000;
/** Pause before a watch that ended is started again. */
const WATCH_RESTART_MS = 1_000;

function disabled(): ApiKeyError {
  return new ApiKeyError(ApiKeyErrorCode.Disabled, 'API keys are not enabled on this gateway (API_KEY_HASH_SECRET is not set)');
}

function notFound(id: string): ApiKeyError {
  return new ApiKeyError(ApiKeyErrorCode.NotFound, `no API key ${id}`);
}

/** A KV call that failed for another reason than a refused compare-and-set: NATS is not answering. */
function unavailable(): ApiKeyError {
  return new ApiKeyError(ApiKeyErrorCode.StoreUnavailable, 'the API key store is not answering; try again later');
}

function invalidCursor(): CommonError {
  return new CommonError(CommonErrorCode.InvalidCursor, 'cursor is not valid', { errors: [{ field: 'cursor', message: 'must be a nextCursor returned by this list' }] });
}

function viewOf(stored: StoredApiKey): ApiKeyView {
  const { hash: _hash, ...view } = stored;
  return view;
}

/** Newest first; the id breaks ties. */
function newestFirst(a: StoredApiKey, b: StoredApiKey): number {
  return a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt);
}

/**
 * The API keys of the suite, in a JetStream KV bucket (one entry per key, history 1). Every replica watches the bucket
 * and holds all keys in memory, so a request is checked without I/O and a revocation reaches every replica as soon as
 * the bucket announces it. Uses are counted in memory and added to the entries every `API_KEY_USAGE_FLUSH_MS` with
 * compare-and-set writes, so the counts of all replicas add up and no write is lost to another.
 */
@Injectable()
export class ApiKeyStore implements OnModuleInit, OnModuleDestroy {
  private readonly secret: string | undefined;
  private kv: KV | undefined;
  private watcher: QueuedIterator<KvEntry> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly keys = new Map<string, LoadedApiKey>();
  private pending = new Map<string, PendingUse>();

  constructor(
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {
    this.secret = config.API_KEY_HASH_SECRET;
  }

  get enabled(): boolean {
    return this.secret !== undefined;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    this.kv = await this.nc.jetstream().views.kv(GATEWAY_API_KEY_BUCKET, { history: 1, replicas: this.config.API_KEY_BUCKET_REPLICAS });
    await this.watch(this.kv);
    this.flushTimer = setInterval(() => void this.flush(), this.config.API_KEY_USAGE_FLUSH_MS);
    this.flushTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.kv) await this.flush();
    this.watcher?.stop();
  }

  /**
   * Loads every key, then follows each change. Should the watch end while the gateway runs (the bucket deleted, the
   * connection closed for good), it is started again, so that this replica never goes on using a stale list.
   */
  private async watch(kv: KV): Promise<void> {
    let loaded!: () => void;
    const initialised = new Promise<void>((resolve) => (loaded = resolve));
    const watcher = await kv.watch({ initializedFn: () => loaded() });
    this.watcher = watcher;
    void (async () => {
      try {
        for await (const entry of watcher) this.apply(entry);
      } catch (error) {
        this.logger.error({ err: error, bucket: GATEWAY_API_KEY_BUCKET }, 'API key watch failed');
      }
      while (!this.stopping) {
        this.logger.warn({ bucket: GATEWAY_API_KEY_BUCKET }, 'API key watch ended; starting it again');
        await new Promise((resolve) => setTimeout(resolve, WATCH_RESTART_MS).unref());
        if (this.stopping) return;
        // Every key is refused until the new watch has loaded them again: a stale list could hold a revoked key.
        this.keys.clear();
        try {
          await this.watch(kv);
          return;
        } catch (error) {
          this.logger.error({ err: error, bucket: GATEWAY_API_KEY_BUCKET }, 'API key watch could not start again');
        }
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, LOAD_TIMEOUT_MS)));
    await Promise.race([initialised, late]);
    clearTimeout(timer);
  }

  /**
   * The actor of a request carrying `key` from `source` (the client address), or a 401. Unknown, malformed, revoked
   * and expired keys, a wrong secret and a source outside the key's networks are all refused alike.
   */
  authenticate(key: string, source: string | undefined): Actor {
    const id = keyIdOf(key);
    const loaded = id === undefined ? undefined : this.keys.get(id);
    const refuse = (why: string): never => {
      this.logger.warn({ apiKeyId: id, source, why }, 'API key refused');
      throw new AuthenticationError(INVALID_KEY, true);
    };
    if (!this.secret) return refuse('API keys are disabled');
    if (id === undefined) return refuse('malformed');
    // Hashed even for an unknown id, so that the answer takes as long either way.
    const matches = keyMatches(key, loaded?.hash ?? Buffer.alloc(32), this.secret);
    if (!loaded) return refuse('unknown');
    if (!matches) return refuse('wrong secret');
    if (loaded.stored.revokedAt !== null) return refuse('revoked');
    const now = Date.now();
    if (loaded.expiresAtMs !== undefined && loaded.expiresAtMs <= now) return refuse('expired');
    if (loaded.networks && !loaded.networks.allows(source)) return refuse('source outside the allowed networks');
    const pending = this.pending.get(id);
    const usedAt = new Date(now).toISOString();
    this.pending.set(id, { count: (pending?.count ?? 0) + 1, lastUsedAt: usedAt });
    this.logger.info({ apiKeyId: id, source }, 'API key used');
    return { sub: `${API_KEY_SUBJECT_PREFIX}${id}`, name: loaded.stored.name, roles: [...loaded.stored.roles] };
  }

  async create(body: CreateApiKeyDto, creator: Actor): Promise<CreatedApiKeyView> {
    const kv = this.bucket();
    const now = Date.now();
    let expiresAt: string | null = null;
    if (body.expiresAt !== undefined) {
      const at = Date.parse(body.expiresAt);
      if (!(at > now)) {
        throw new CommonError(CommonErrorCode.InvalidRequest, 'request has invalid fields: expiresAt', { errors: [{ field: 'expiresAt', message: 'expiresAt must be in the future' }] });
      }
      expiresAt = new Date(at).toISOString();
    }
    const live = [...this.keys.values()].filter((key) => key.stored.revokedAt === null).length;
    if (live >= MAX_LIVE_API_KEYS) {
      throw new ApiKeyError(ApiKeyErrorCode.LimitReached, `there are already ${MAX_LIVE_API_KEYS} API keys that are not revoked; revoke one first`, { limit: MAX_LIVE_API_KEYS });
    }
    const allowedNetworks = body.allowedNetworks ? [...new Set(body.allowedNetworks)] : [];
    NetworkList.parse(allowedNetworks);
    for (let attempt = 1; ; attempt += 1) {
      const id = newKeyId();
      const key = newKey(id);
      const stored: StoredApiKey = {
        id,
        name: body.name,
        roles: [...new Set(body.roles)] as Role[],
        expiresAt,
        allowedNetworks,
        createdAt: new Date(now).toISOString(),
        createdBy: creator.sub,
        revokedAt: null,
        lastUsedAt: null,
        useCount: 0,
        hash: hashKey(key, this.secret ?? ''),
      };
      let revision: number;
      try {
        revision = await kv.create(id, JSON.stringify(stored));
      } catch (error) {
        // `create` refuses an id that exists: draw another (71 random bits make this all but impossible).
        if (attempt < 3) continue;
        this.logger.error({ err: error, bucket: GATEWAY_API_KEY_BUCKET }, 'could not store a new API key');
        throw unavailable();
      }
      this.load(stored, revision);
      this.logger.info({ apiKeyId: id, createdBy: creator.sub, roles: stored.roles }, 'API key created');
      return { ...viewOf(stored), key };
    }
  }

  list(query: ListApiKeysQuery): ApiKeyPage {
    this.bucket();
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const all = [...this.keys.values()].map((key) => key.stored).sort(newestFirst);
    let start = 0;
    if (query.cursor !== undefined) {
      const after = this.decodeCursor(query.cursor);
      start = all.findIndex((key) => newestFirst(key, after) > 0);
      if (start < 0) start = all.length;
    }
    const items = all.slice(start, start + limit);
    const last = items[items.length - 1];
    const more = start + limit < all.length;
    return { items: items.map(viewOf), nextCursor: more && last ? Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url') : null };
  }

  /** Read from the bucket, not from memory: a key just created on another replica is found. */
  async get(id: string): Promise<ApiKeyView> {
    const entry = await this.read(this.bucket(), id);
    const stored = entry && entry.operation === 'PUT' ? this.parse(entry) : undefined;
    if (!stored) throw notFound(id);
    return viewOf(stored);
  }

  /** Sets `revokedAt` once; revoking a revoked key changes nothing. Every replica refuses the key once it sees the change. */
  async revoke(id: string, by: Actor): Promise<void> {
    const kv = this.bucket();
    for (let attempt = 1; ; attempt += 1) {
      const entry = await this.read(kv, id);
      const stored = entry && entry.operation === 'PUT' ? this.parse(entry) : undefined;
      if (!entry || !stored) throw notFound(id);
      if (stored.revokedAt !== null) return;
      const revoked: StoredApiKey = { ...stored, revokedAt: new Date().toISOString() };
      let revision: number;
      try {
        revision = await kv.update(id, JSON.stringify(revoked), entry.revision);
      } catch (error) {
        // Another write (a usage flush) came first: read again and retry on top of it.
        if (attempt < CAS_ATTEMPTS) continue;
        this.logger.error({ err: error, apiKeyId: id }, 'could not revoke an API key');
        throw unavailable();
      }
      // At once on this replica; the others learn it from the watch.
      this.load(revoked, revision);
      this.logger.info({ apiKeyId: id, revokedBy: by.sub }, 'API key revoked');
      return;
    }
  }

  /** Adds the uses counted here since the last flush to the stored keys; what cannot be written now waits for the next. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushPending());
    return this.flushing;
  }

  private async flushPending(): Promise<void> {
    const kv = this.kv;
    if (!kv || this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    for (const [id, use] of batch) {
      try {
        await this.addUses(kv, id, use);
      } catch (error) {
        this.logger.warn({ err: error, apiKeyId: id }, 'could not write the uses of an API key; retrying at the next flush');
        const later = this.pending.get(id);
        this.pending.set(id, { count: use.count + (later?.count ?? 0), lastUsedAt: later && later.lastUsedAt > use.lastUsedAt ? later.lastUsedAt : use.lastUsedAt });
      }
    }
  }

  private async addUses(kv: KV, id: string, use: PendingUse): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const entry = await kv.get(id);
      const stored = entry && entry.operation === 'PUT' ? this.parse(entry) : undefined;
      if (!entry || !stored) return;
      const lastUsedAt = stored.lastUsedAt !== null && stored.lastUsedAt > use.lastUsedAt ? stored.lastUsedAt : use.lastUsedAt;
      try {
        await kv.update(id, JSON.stringify({ ...stored, useCount: stored.useCount + use.count, lastUsedAt }), entry.revision);
        return;
      } catch (error) {
        if (attempt >= CAS_ATTEMPTS) throw error;
      }
    }
  }

  private async read(kv: KV, id: string): Promise<KvEntry | null> {
    try {
      return await kv.get(id);
    } catch (error) {
      this.logger.error({ err: error, apiKeyId: id }, 'could not read an API key');
      throw unavailable();
    }
  }

  private bucket(): KV {
    if (!this.enabled) throw disabled();
    if (!this.kv) throw unavailable();
    return this.kv;
  }

  private decodeCursor(cursor: string): StoredApiKey {
    try {
      const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
        return { createdAt: value[0], id: value[1] } as StoredApiKey;
      }
    } catch {
      // Not base64url JSON: refused below like any other forged cursor.
    }
    throw invalidCursor();
  }

  private apply(entry: KvEntry): void {
    if (entry.operation !== 'PUT') {
      this.keys.delete(entry.key);
      return;
    }
    const stored = this.parse(entry);
    if (stored) this.load(stored, entry.revision);
    else this.keys.delete(entry.key);
  }

  private parse(entry: KvEntry): StoredApiKey | undefined {
    try {
      const stored = entry.json<StoredApiKey>();
      if (typeof stored?.id === 'string' && typeof stored.hash === 'string' && Array.isArray(stored.roles)) return stored;
    } catch {
      // Logged below: an entry that is not one of ours is never used to authenticate.
    }
    this.logger.error({ bucket: entry.bucket, key: entry.key }, 'API key entry is not readable; it is ignored');
    return undefined;
  }

  private load(stored: StoredApiKey, revision: number): void {
    if ((this.keys.get(stored.id)?.revision ?? 0) > revision) return;
    try {
      this.keys.set(stored.id, {
        stored,
        revision,
        hash: Buffer.from(stored.hash, 'base64url'),
        expiresAtMs: stored.expiresAt === null ? undefined : Date.parse(stored.expiresAt),
        networks: stored.allowedNetworks.length > 0 ? NetworkList.parse(stored.allowedNetworks) : undefined,
      });
    } catch (error) {
      this.keys.delete(stored.id);
      this.logger.error({ err: error, apiKeyId: stored.id }, 'API key entry is not usable; it is ignored');
    }
  }
}
