/**
 * Counters shared by every gateway replica: a count per key, raised only by compare-and-set, so two replicas that
 * raise the same key at once never both win with the same value.
 */

/** The stored value of a key and the revision it was written at. */
export interface StoredCount {
  value: number;
  revision: number;
}

/** Thrown by a store when the key is not at the expected revision any more (another replica wrote it). */
export class CounterConflict extends Error {
  constructor(key: string) {
    super(`counter ${key} was changed meanwhile`);
    this.name = 'CounterConflict';
  }
}

/** Where the counts live (a NATS KV bucket in production): compare-and-set writes only. */
export interface CounterStore {
  get(key: string): Promise<StoredCount | undefined>;
  /** Writes the key only when it does not exist yet; answers its revision, or throws {@link CounterConflict}. */
  create(key: string, value: number): Promise<number>;
  /** Writes the key only when it is still at `revision`; answers the new revision, or throws {@link CounterConflict}. */
  update(key: string, value: number, revision: number): Promise<number>;
}

/** Compare-and-set rounds lost to other replicas before a batch gives up (and the caller fails open). */
const MAX_ATTEMPTS = 8;

interface Waiter {
  resolve(position: number): void;
  reject(error: unknown): void;
}

interface KeyState {
  /** Last value seen or written by this replica: only ever below or at the stored one, as counts only grow. */
  value?: number;
  /** Revision of that value; unset when it must be read again first. */
  revision?: number;
  waiting: Waiter[];
  flushing: boolean;
  /** The window the key belongs to, so that the state of past windows can be dropped. */
  window: number;
}

/**
 * Admits at most `quota` hits per key. Each hit is answered with its position in the key's count (1 = the first):
 * a position above the quota was refused and not counted, so the stored value is the number of admitted hits.
 *
 * Hits that arrive while a write of the same key is on its way wait and go together in the next write: one store
 * round trip per batch, however many requests of one client a replica serves at once, and no compare-and-set
 * contention between them. The value this replica wrote last is tried first, so a client served by one replica
 * costs one round trip per batch; after a conflict the key is read again. A key known to be at its quota refuses
 * at once, without the store.
 */
export class SharedCounter {
  private readonly keys = new Map<string, KeyState>();
  private window = Number.NEGATIVE_INFINITY;

  constructor(private readonly store: CounterStore) {}

  hit(key: string, quota: number, window: number): Promise<number> {
    if (window > this.window) this.forgetBefore(window);
    let state = this.keys.get(key);
    if (!state) {
      state = { waiting: [], flushing: false, window };
      this.keys.set(key, state);
    }
    if (state.value !== undefined && state.value >= quota) return Promise.resolve(state.value + 1);
    const entry = state;
    return new Promise<number>((resolve, reject) => {
      entry.waiting.push({ resolve, reject });
      if (!entry.flushing) void this.flush(key, entry, quota);
    });
  }

  private forgetBefore(window: number): void {
    this.window = window;
    for (const [key, state] of this.keys) if (state.window < window && !state.flushing) this.keys.delete(key);
  }

  private async flush(key: string, state: KeyState, quota: number): Promise<void> {
    state.flushing = true;
    try {
      while (state.waiting.length > 0) {
        const batch = state.waiting.splice(0);
        try {
          const before = await this.add(key, state, batch.length, quota);
          batch.forEach((waiter, index) => waiter.resolve(before + index + 1));
        } catch (error) {
          // Read the key again next time: a failed write may or may not have landed.
          state.revision = undefined;
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      state.flushing = false;
    }
  }

  /** Counts up to `hits` more (as many as the quota leaves) and answers the value before them. */
  private async add(key: string, state: KeyState, hits: number, quota: number): Promise<number> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (state.revision === undefined || state.value === undefined) {
        const stored = await this.store.get(key);
        state.value = stored?.value ?? 0;
        state.revision = stored?.revision ?? 0;
      }
      const before = state.value;
      const admitted = Math.min(hits, Math.max(0, quota - before));
      // A value at the quota is final for the window: later writes could only make it larger.
      if (admitted === 0) return before;
      try {
        state.revision = state.revision === 0 ? await this.store.create(key, before + admitted) : await this.store.update(key, before + admitted, state.revision);
        state.value = before + admitted;
        return before;
      } catch (error) {
        if (!(error instanceof CounterConflict)) throw error;
        state.revision = undefined;
      }
    }
    throw new Error(`counter ${key} kept changing under ${MAX_ATTEMPTS} attempts to raise it`);
  }
}
