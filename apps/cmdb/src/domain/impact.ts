/**
 * Breadth-first walk of the relationship graph for impact analysis, pure except for the callback that reads
 * edges. The walk reads one level at a time (one query per level, whatever the size of the frontier), keeps the
 * visited set in memory so that cycles end and each CI is reached once, at its shortest distance from the
 * nearest starting CI, and remembers one parent per CI so that one shortest path can be rebuilt.
 */

/** An edge in the walked direction: `from` is in the frontier, `to` is one step further. */
export interface WalkEdge {
  from: string;
  to: string;
}

/** The edges leaving the given CIs in the walked direction (duplicates and edges back into visited CIs are fine). */
export type NeighbourReader = (frontier: readonly string[]) => Promise<readonly WalkEdge[]>;

export interface ReachedCi {
  id: string;
  /** Relationships between the nearest starting CI and this one (1 for a direct neighbour). */
  depth: number;
}

export interface ImpactWalk {
  /** Every CI reached within the depth limit, each once, nearest first; the starting CIs are not in it. */
  reached: ReachedCi[];
  /** True when a CI not yet reached lies one step beyond the depth limit. */
  truncated: boolean;
  /** One shortest path from a starting CI to `id` (a starting CI alone for a starting CI). */
  pathTo(id: string): string[];
}

/**
 * Walks from `roots` up to `maxDepth` relationships away. After the last level it reads the neighbours of that
 * level once more, only to tell whether anything lies beyond (`truncated`); nothing from that read is reported.
 * Among several shortest parents of a CI the smallest id wins, so the same graph always gives the same paths.
 */
export async function walkImpact(roots: readonly string[], maxDepth: number, neighbours: NeighbourReader): Promise<ImpactWalk> {
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new RangeError(`maxDepth must be a positive integer, not ${maxDepth}`);
  const parent = new Map<string, string | null>();
  for (const root of roots) parent.set(root, null);
  const reached: ReachedCi[] = [];
  let frontier = [...parent.keys()];
  let truncated = false;
  for (let depth = 1; frontier.length > 0; depth += 1) {
    const inFrontier = new Set(frontier);
    const edges = await neighbours(frontier);
    if (depth > maxDepth) {
      truncated = edges.some((edge) => inFrontier.has(edge.from) && !parent.has(edge.to));
      break;
    }
    const found = new Map<string, string>();
    for (const { from, to } of edges) {
      if (!inFrontier.has(from) || parent.has(to)) continue;
      const current = found.get(to);
      if (current === undefined || from < current) found.set(to, from);
    }
    frontier = [];
    for (const [to, from] of found) {
      parent.set(to, from);
      reached.push({ id: to, depth });
      frontier.push(to);
    }
  }
  return {
    reached,
    truncated,
    pathTo(id: string): string[] {
      if (!parent.has(id)) throw new RangeError(`${id} was not reached`);
      const path: string[] = [];
      for (let at: string | null | undefined = id; at != null; at = parent.get(at)) path.push(at);
      return path.reverse();
    },
  };
}

/** What ordering business services needs to know of a CI. */
export interface ServiceCandidate {
  id: string;
  name: string;
  criticality: number;
  depth: number;
}

/** Most critical first (criticality 1 before 4), then the nearest, then by name and id for a stable order. */
export function orderBusinessServices<T extends ServiceCandidate>(services: readonly T[]): T[] {
  return [...services].sort(
    (a, b) => a.criticality - b.criticality || a.depth - b.depth || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
