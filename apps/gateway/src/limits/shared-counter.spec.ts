import { CounterConflict, type CounterStore, SharedCounter, type StoredCount } from './shared-counter';

/** The compare-and-set semantics of a KV bucket, in memory, with a count of the round trips made. */
class MemoryStore implements CounterStore {
  private readonly entries = new Map<string, StoredCount>();
  private sequence = 0;
  roundTrips = 0;
  failing = false;

  async get(key: string): Promise<StoredCount | undefined> {
    await this.trip();
    return this.entries.get(key);
  }

  async create(key: string, value: number): Promise<number> {
    await this.trip();
    if (this.entries.has(key)) throw new CounterConflict(key);
    return this.write(key, value);
  }

  async update(key: string, value: number, revision: number): Promise<number> {
    await this.trip();
    if (this.entries.get(key)?.revision !== revision) throw new CounterConflict(key);
    return this.write(key, value);
  }

  valueOf(key: string): number | undefined {
    return this.entries.get(key)?.value;
  }

  private async trip(): Promise<void> {
    this.roundTrips += 1;
    // Another turn of the event loop, as a network round trip is: lets the replicas interleave.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failing) throw new Error('store unreachable');
  }

  private write(key: string, value: number): number {
    this.sequence += 1;
    this.entries.set(key, { value, revision: this.sequence });
    return this.sequence;
  }
}

describe('SharedCounter', () => {
  it('admits exactly the quota across replicas hitting one key at once, each hit with its own position', async () => {
    const store = new MemoryStore();
    const replicas = [new SharedCounter(store), new SharedCounter(store), new SharedCounter(store)];

    const positions = await Promise.all(Array.from({ length: 90 }, (_, index) => (replicas[index % 3] as SharedCounter).hit('read.client.1', 25, 1)));

    const admitted = positions.filter((position) => position <= 25).sort((a, b) => a - b);
    expect(admitted).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect(store.valueOf('read.client.1')).toBe(25);
  });

  it('sends the hits that arrive during a write together in the next one', async () => {
    const store = new MemoryStore();
    const counter = new SharedCounter(store);

    const positions = await Promise.all(Array.from({ length: 50 }, () => counter.hit('write.client.7', 1_000, 7)));

    expect(positions).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    // The first hit reads and creates the key; the 49 that waited meanwhile go as one write.
    expect(store.roundTrips).toBe(3);
  });

  it('refuses without a round trip once this replica knows the key is at its quota', async () => {
    const store = new MemoryStore();
    const counter = new SharedCounter(store);
    for (let hit = 0; hit < 3; hit++) await counter.hit('import.client.1', 3, 1);
    const before = store.roundTrips;

    await expect(counter.hit('import.client.1', 3, 1)).resolves.toBe(4);
    expect(store.roundTrips).toBe(before);
  });

  it('counts a key of a new window from zero', async () => {
    const counter = new SharedCounter(new MemoryStore());
    for (let hit = 0; hit < 2; hit++) await counter.hit('read.client.1', 2, 1);

    await expect(counter.hit('read.client.1', 2, 1)).resolves.toBe(3);
    await expect(counter.hit('read.client.2', 2, 2)).resolves.toBe(1);
  });

  it('rejects the hits of a batch the store could not take, and reads the key again afterwards', async () => {
    const store = new MemoryStore();
    const counter = new SharedCounter(store);
    await counter.hit('read.client.1', 10, 1);
    store.failing = true;

    await expect(counter.hit('read.client.1', 10, 1)).rejects.toThrow('store unreachable');
    store.failing = false;
    await expect(counter.hit('read.client.1', 10, 1)).resolves.toBe(2);
  });
});
