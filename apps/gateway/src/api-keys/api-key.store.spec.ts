import type { KvEntry, NatsConnection } from 'nats';
import { type Actor, ApiKeyErrorCode, type ApiKeyView, CommonErrorCode, MAX_LIVE_API_KEYS, Role } from '@itsm/contracts';
import { createLogger } from '@itsm/observability';
import { TEST_JWT_SECRET } from '@itsm/testing';
import { AuthenticationError } from '../auth/authentication';
import { loadGatewayConfig } from '../config';
import { ApiKeyStore } from './api-key.store';

const ADA: Actor = { sub: 'ada', roles: [Role.Admin] };
const SOURCE = '127.0.0.1';

/**
 * A KV bucket in memory with the semantics the store relies on: revisions, `create` refusing an existing key,
 * `update` refusing a stale revision, and a watch whose deliveries a test may hold back and release.
 */
class MemoryBucket {
  readonly entries = new Map<string, { value: string; revision: number }>();
  private revision = 0;
  private readonly queued: KvEntry[] = [];
  private wake: (() => void) | undefined;
  private stopped = false;
  held = false;
  private readonly heldBack: KvEntry[] = [];
  /** Runs before each `update`, e.g. to let another replica write first. */
  beforeUpdate: ((key: string) => void) | undefined;

  async get(key: string): Promise<KvEntry | null> {
    const entry = this.entries.get(key);
    return entry ? this.entry(key, entry.value, entry.revision) : null;
  }

  async create(key: string, value: string): Promise<number> {
    if (this.entries.has(key)) throw new Error('wrong last sequence: key exists');
    return this.put(key, value);
  }

  async update(key: string, value: string, revision: number): Promise<number> {
    this.beforeUpdate?.(key);
    if (this.entries.get(key)?.revision !== revision) throw new Error('wrong last sequence');
    return this.put(key, value);
  }

  /** Writes as another replica would: through the bucket, seen by the watch. */
  put(key: string, value: string): number {
    this.revision += 1;
    this.entries.set(key, { value, revision: this.revision });
    this.deliver(this.entry(key, value, this.revision));
    return this.revision;
  }

  /** Delivers the first `count` held-back changes (all by default); the rest stay held. */
  release(count = this.heldBack.length): void {
    const released = this.heldBack.splice(0, count);
    const wasHeld = this.held;
    this.held = false;
    for (const entry of released) this.deliver(entry);
    this.held = wasHeld && this.heldBack.length > 0;
  }

  async watch(options: { initializedFn?: () => void }): Promise<AsyncIterable<KvEntry> & { stop(): void }> {
    for (const [key, entry] of this.entries) this.queued.push(this.entry(key, entry.value, entry.revision));
    options.initializedFn?.();
    const next = async (): Promise<IteratorResult<KvEntry>> => {
      for (;;) {
        const entry = this.queued.shift();
        if (entry) return { value: entry, done: false };
        if (this.stopped) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    };
    return {
      stop: () => {
        this.stopped = true;
        this.wake?.();
      },
      [Symbol.asyncIterator]: () => ({ next }),
    };
  }

  private deliver(entry: KvEntry): void {
    if (this.held) {
      this.heldBack.push(entry);
      return;
    }
    this.queued.push(entry);
    this.wake?.();
  }

  private entry(key: string, value: string, revision: number): KvEntry {
    return {
      bucket: 'test',
      key,
      value: Buffer.from(value),
      created: new Date(),
      revision,
      operation: 'PUT',
      length: value.length,
      json: <T>() => JSON.parse(value) as T,
      string: () => value,
    };
  }
}

async function settled(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

async function start(bucket = new MemoryBucket()): Promise<{ store: ApiKeyStore; bucket: MemoryBucket }> {
  const config = loadGatewayConfig({ JWT_SECRET: TEST_JWT_SECRET, API_KEY_HASH_SECRET: 'h'.repeat(40), API_KEY_USAGE_FLUSH_MS: '600000' });
  const nc = { jetstream: () => ({ views: { kv: async () => bucket } }) } as unknown as NatsConnection;
  const store = new ApiKeyStore(config, createLogger('gateway', 'silent'), nc);
  await store.onModuleInit();
  return { store, bucket };
}

function stored(bucket: MemoryBucket, id: string): ApiKeyView & { hash: string } {
  return JSON.parse(bucket.entries.get(id)?.value ?? 'null') as ApiKeyView & { hash: string };
}

describe('ApiKeyStore', () => {
  let stores: ApiKeyStore[] = [];

  afterEach(async () => {
    for (const store of stores) await store.onModuleDestroy();
    stores = [];
  });

  async function started(bucket?: MemoryBucket): Promise<{ store: ApiKeyStore; bucket: MemoryBucket }> {
    const made = await start(bucket);
    stores.push(made.store);
    return made;
  }

  it('stores the keyed hash of a key and never the key', async () => {
    const { store, bucket } = await started();

    const created = await store.create({ name: 'bot', roles: [Role.Agent] }, ADA);

    expect([...bucket.entries.values()].map((entry) => entry.value).join('')).not.toContain(created.key.slice(-43));
    expect(stored(bucket, created.id)).toMatchObject({ id: created.id, hash: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('adds the uses of two replicas, retrying a write another replica got in first', async () => {
    const bucket = new MemoryBucket();
    const { store: one } = await started(bucket);
    const { store: two } = await started(bucket);
    const created = await one.create({ name: 'bot', roles: [Role.Agent] }, ADA);
    await settled();
    for (let use = 0; use < 3; use += 1) one.authenticate(created.key, SOURCE);
    for (let use = 0; use < 4; use += 1) two.authenticate(created.key, SOURCE);
    let interfered = false;
    bucket.beforeUpdate = (key) => {
      if (interfered) return;
      interfered = true;
      // A third replica adds 10 uses between this one's read and its write.
      const current = stored(bucket, key);
      bucket.put(key, JSON.stringify({ ...current, useCount: current.useCount + 10 }));
    };

    await one.flush();
    await two.flush();

    expect(stored(bucket, created.id).useCount).toBe(17);
    expect(stored(bucket, created.id).lastUsedAt).toEqual(expect.any(String));
  });

  it('keeps a key revoked here when older changes of it arrive late from the watch', async () => {
    const { store, bucket } = await started();
    const created = await store.create({ name: 'bot', roles: [Role.Agent] }, ADA);
    await settled();
    store.authenticate(created.key, SOURCE);
    bucket.held = true;
    await store.flush();

    await store.revoke(created.id, ADA);
    // The watch now brings the usage write, which came before the revocation.
    bucket.release(1);
    await settled();

    expect(() => store.authenticate(created.key, SOURCE)).toThrow(AuthenticationError);
  });

  it('learns of a revocation made elsewhere from the watch', async () => {
    const { store, bucket } = await started();
    const created = await store.create({ name: 'bot', roles: [Role.Agent] }, ADA);
    await settled();

    bucket.put(created.id, JSON.stringify({ ...stored(bucket, created.id), revokedAt: new Date().toISOString() }));
    await settled();

    expect(() => store.authenticate(created.key, SOURCE)).toThrow('invalid or revoked API key');
  });

  it('refuses one key more than the live keys it keeps, counting revoked keys out', async () => {
    const { store } = await started();
    const made = [];
    for (let index = 0; index < MAX_LIVE_API_KEYS; index += 1) made.push(await store.create({ name: `bot-${index}`, roles: [Role.Requester] }, ADA));

    await expect(store.create({ name: 'one-more', roles: [Role.Requester] }, ADA)).rejects.toMatchObject({ reason: ApiKeyErrorCode.LimitReached, details: { limit: MAX_LIVE_API_KEYS } });
    await store.revoke(made[0]?.id ?? '', ADA);
    await expect(store.create({ name: 'one-more', roles: [Role.Requester] }, ADA)).resolves.toMatchObject({ name: 'one-more' });
  });

  it('refuses an expiry that is not in the future, naming it', async () => {
    const { store } = await started();

    await expect(store.create({ name: 'bot', roles: [Role.Agent], expiresAt: new Date(Date.now() - 1).toISOString() }, ADA)).rejects.toMatchObject({
      reason: CommonErrorCode.InvalidRequest,
      details: { errors: [{ field: 'expiresAt', message: 'expiresAt must be in the future' }] },
    });
  });

  it('answers 503 API_KEYS_DISABLED and refuses every key without a hash secret', async () => {
    const config = loadGatewayConfig({ JWT_SECRET: TEST_JWT_SECRET });
    const store = new ApiKeyStore(config, createLogger('gateway', 'silent'), {} as NatsConnection);
    await store.onModuleInit();

    expect(() => store.list({})).toThrow(expect.objectContaining({ reason: ApiKeyErrorCode.Disabled }));
    expect(() => store.authenticate(`itsm_Q3vN8kLm2XpA_${'a'.repeat(43)}`, SOURCE)).toThrow(AuthenticationError);
  });
});
