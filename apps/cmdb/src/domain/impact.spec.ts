import fc from 'fast-check';
import { orderBusinessServices, walkImpact, type NeighbourReader, type WalkEdge } from './impact';

/** Reads neighbours from an in-memory edge list, recording every frontier asked for. */
function readerOf(edges: readonly WalkEdge[]): NeighbourReader & { calls: string[][] } {
  const calls: string[][] = [];
  const read = async (frontier: readonly string[]): Promise<WalkEdge[]> => {
    calls.push([...frontier]);
    const asked = new Set(frontier);
    return edges.filter((edge) => asked.has(edge.from));
  };
  return Object.assign(read, { calls });
}

const edge = (from: string, to: string): WalkEdge => ({ from, to });

/** Shortest distances from the roots by relaxing every edge until nothing changes: no queue, no visited set. */
function distancesByRelaxation(nodes: readonly string[], edges: readonly WalkEdge[], roots: readonly string[]): Map<string, number> {
  const distance = new Map<string, number>(roots.map((root) => [root, 0]));
  for (let round = 0; round < nodes.length; round += 1) {
    let changed = false;
    for (const { from, to } of edges) {
      const via = distance.get(from);
      if (via === undefined) continue;
      const current = distance.get(to);
      if (current === undefined || via + 1 < current) {
        distance.set(to, via + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return distance;
}

/** Random directed graphs on up to 24 nodes, cycles, self-loops and duplicate edges included. */
const graphs = fc.integer({ min: 1, max: 24 }).chain((size) => {
  const nodes = Array.from({ length: size }, (_, i) => `ci-${String(i).padStart(2, '0')}`);
  const node = fc.constantFrom(...nodes);
  return fc.record({
    nodes: fc.constant(nodes),
    edges: fc.array(fc.record({ from: node, to: node }), { maxLength: 80 }),
    roots: fc.uniqueArray(node, { minLength: 1, maxLength: Math.min(4, size) }),
    maxDepth: fc.integer({ min: 1, max: 8 }),
  });
});

describe('impact walk', () => {
  it('reaches direct neighbours at depth 1 and their neighbours at depth 2', async () => {
    const walk = await walkImpact(['db'], 5, readerOf([edge('db', 'app'), edge('app', 'svc')]));
    expect(walk.reached).toEqual([
      { id: 'app', depth: 1 },
      { id: 'svc', depth: 2 },
    ]);
    expect(walk.pathTo('svc')).toEqual(['db', 'app', 'svc']);
    expect(walk.truncated).toBe(false);
  });

  it('stops at the depth limit and says that more lies beyond', async () => {
    const walk = await walkImpact(['a'], 2, readerOf([edge('a', 'b'), edge('b', 'c'), edge('c', 'd')]));
    expect(walk.reached.map((ci) => ci.id)).toEqual(['b', 'c']);
    expect(walk.truncated).toBe(true);
  });

  it('is not truncated when the level beyond the limit only leads back to CIs already reached', async () => {
    const walk = await walkImpact(['a'], 2, readerOf([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'b')]));
    expect(walk.reached.map((ci) => ci.id)).toEqual(['b', 'c']);
    expect(walk.truncated).toBe(false);
  });

  it('ends on a cycle and reports each CI of it once', async () => {
    const reader = readerOf([edge('a', 'b'), edge('b', 'c'), edge('c', 'a')]);
    const walk = await walkImpact(['a'], 10, reader);
    expect(walk.reached).toEqual([
      { id: 'b', depth: 1 },
      { id: 'c', depth: 2 },
    ]);
    expect(reader.calls).toEqual([['a'], ['b'], ['c']]);
  });

  it('takes the shorter of two paths, and the smallest parent among equally short ones', async () => {
    const walk = await walkImpact(['root'], 5, readerOf([edge('root', 'x'), edge('x', 'y'), edge('y', 'target'), edge('root', 'q'), edge('q', 'target'), edge('root', 'p'), edge('p', 'target')]));
    expect(walk.pathTo('target')).toEqual(['root', 'p', 'target']);
    expect(walk.reached.find((ci) => ci.id === 'target')?.depth).toBe(2);
  });

  it('walks from several roots at once, measuring each CI from the nearest root and never reporting a root', async () => {
    const walk = await walkImpact(['a', 'b'], 5, readerOf([edge('a', 'x'), edge('x', 'y'), edge('b', 'y'), edge('x', 'b')]));
    expect(walk.reached).toEqual([
      { id: 'x', depth: 1 },
      { id: 'y', depth: 1 },
    ]);
    expect(walk.pathTo('y')).toEqual(['b', 'y']);
    expect(walk.pathTo('a')).toEqual(['a']);
  });

  it('ignores edges the reader returns that do not leave the frontier', async () => {
    const walk = await walkImpact(['a'], 3, async () => [edge('elsewhere', 'z')]);
    expect(walk.reached).toEqual([]);
    expect(walk.truncated).toBe(false);
  });

  it('refuses a depth below 1', async () => {
    await expect(walkImpact(['a'], 0, readerOf([]))).rejects.toThrow(RangeError);
  });

  describe('on random graphs with cycles', () => {
    it('reaches exactly the CIs within the limit, each once, at its true shortest distance', async () => {
      await fc.assert(
        fc.asyncProperty(graphs, async ({ nodes, edges, roots, maxDepth }) => {
          const walk = await walkImpact(roots, maxDepth, readerOf(edges));
          const truth = distancesByRelaxation(nodes, edges, roots);
          const ids = walk.reached.map((ci) => ci.id);
          expect(new Set(ids).size).toBe(ids.length);
          const expected = [...truth].filter(([, distance]) => distance >= 1 && distance <= maxDepth);
          expect(new Map(walk.reached.map((ci) => [ci.id, ci.depth]))).toEqual(new Map(expected));
          expect(walk.reached.every((ci, i) => i === 0 || (walk.reached[i - 1]?.depth ?? 0) <= ci.depth)).toBe(true);
        }),
      );
    });

    it('gives each CI a path from a root along walked edges with one more CI than its depth', async () => {
      await fc.assert(
        fc.asyncProperty(graphs, async ({ edges, roots, maxDepth }) => {
          const walk = await walkImpact(roots, maxDepth, readerOf(edges));
          const edgeSet = new Set(edges.map(({ from, to }) => `${from}>${to}`));
          for (const ci of walk.reached) {
            const path = walk.pathTo(ci.id);
            expect(path).toHaveLength(ci.depth + 1);
            expect(roots).toContain(path[0]);
            expect(path.at(-1)).toBe(ci.id);
            expect(new Set(path).size).toBe(path.length);
            for (let i = 1; i < path.length; i += 1) expect(edgeSet.has(`${path[i - 1]}>${path[i]}`)).toBe(true);
          }
        }),
      );
    });

    it('says truncated exactly when a CI lies one step beyond the limit, and reads at most one level more than the limit', async () => {
      await fc.assert(
        fc.asyncProperty(graphs, async ({ nodes, edges, roots, maxDepth }) => {
          const reader = readerOf(edges);
          const walk = await walkImpact(roots, maxDepth, reader);
          const truth = distancesByRelaxation(nodes, edges, roots);
          expect(walk.truncated).toBe([...truth.values()].includes(maxDepth + 1));
          expect(reader.calls.length).toBeLessThanOrEqual(maxDepth + 1);
          expect(walk.reached.every((ci) => ci.depth <= maxDepth)).toBe(true);
        }),
      );
    });

    it('asks the reader only about CIs it has not asked about before', async () => {
      await fc.assert(
        fc.asyncProperty(graphs, async ({ edges, roots, maxDepth }) => {
          const reader = readerOf(edges);
          await walkImpact(roots, maxDepth, reader);
          const asked = reader.calls.flat();
          expect(new Set(asked).size).toBe(asked.length);
        }),
      );
    });
  });
});

describe('business services order', () => {
  const service = (id: string, name: string, criticality: number, depth: number) => ({ id, name, criticality, depth });

  it('puts the most critical first, then the nearest, then by name', () => {
    const ordered = orderBusinessServices([
      service('1', 'Web shop', 2, 1),
      service('2', 'Payroll', 1, 3),
      service('3', 'Intranet', 2, 1),
      service('4', 'Billing', 1, 2),
      service('5', 'Archive', 4, 0),
    ]);
    expect(ordered.map((s) => s.name)).toEqual(['Billing', 'Payroll', 'Intranet', 'Web shop', 'Archive']);
  });
});
