import { Injectable } from '@nestjs/common';
import {
  type CiSummary,
  CmdbError,
  CmdbErrorCode,
  DEFAULT_IMPACT_DEPTH,
  ImpactDirection,
  type ImpactedCi,
  type ImpactedService,
  type ImpactRequest,
  type ImpactResult,
  MAX_IMPACT_ITEMS,
} from '@itsm/contracts';
import { histogram } from '@itsm/observability';
import { orderBusinessServices, walkImpact } from '../domain/impact';
import { BUSINESS_SERVICE_CLASS, ImpactRepository } from './impact.repository';

/**
 * Bytes of JSON the reply may carry: NATS refuses messages over 1 MB by default, and a reply that cannot be
 * sent leaves the caller waiting for a timeout. The listed CIs are cut to what fits beside the roots and services.
 */
const REPLY_BUDGET_BYTES = 900_000;

/** How far analyses reach: the walks that reach most of the CMDB are the slow ones (docs/benchmarks.md). */
const reachedCis = histogram('itsm_cmdb_impact_reached_cis', 'CIs reached by one impact analysis', ['direction'], [0, 10, 100, 1_000, 10_000, 50_000, 100_000, 500_000]);

const byDepthThenId = (a: { id: string; depth: number }, b: { id: string; depth: number }): number => a.depth - b.depth || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

@Injectable()
export class ImpactService {
  constructor(private readonly repository: ImpactRepository) {}

  async analyze(request: ImpactRequest): Promise<ImpactResult> {
    const direction = request.direction ?? ImpactDirection.Upstream;
    // The RPC layer validates a copy; the payload itself may still carry a depth sent as a numeric string.
    const depth = Number(request.depth ?? DEFAULT_IMPACT_DEPTH);
    const rootIds = [...new Set(request.ciIds.map((id) => id.toLowerCase()))];

    return this.repository.snapshot(async (reads) => {
      const rootRows = await reads.summaries(rootIds);
      const rootsById = new Map(rootRows.map((ci) => [ci.id, ci]));
      const missing = rootIds.filter((id) => !rootsById.has(id));
      if (missing.length > 0) throw new CmdbError(CmdbErrorCode.ImpactCiNotFound, `no CI with id ${missing.join(', ')}`, { missing });
      const roots = rootIds.map((id) => rootsById.get(id) as CiSummary);

      const walk = await walkImpact(rootIds, depth, (frontier) => reads.neighbours(direction, frontier));
      reachedCis.observe({ direction }, walk.reached.length);
      const nearest = [...walk.reached].sort(byDepthThenId).slice(0, MAX_IMPACT_ITEMS);
      const rows = await reads.listedAndServices(
        walk.reached.map((ci) => ci.id),
        nearest.map((ci) => ci.id),
      );
      const summaries = new Map(rows.map((ci) => [ci.id, ci]));
      const depthOf = new Map(walk.reached.map((ci) => [ci.id, ci.depth]));

      const businessServices: ImpactedService[] = orderBusinessServices(
        [...roots.map((ci) => ({ ci, depth: 0 })), ...rows.filter((ci) => !rootsById.has(ci.id)).map((ci) => ({ ci, depth: depthOf.get(ci.id) ?? 0 }))]
          .filter(({ ci }) => ci.className === BUSINESS_SERVICE_CLASS)
          .map(({ ci, depth: at }) => ({ id: ci.id, name: ci.name, criticality: ci.criticality, depth: at })),
      );

      const items: ImpactedCi[] = nearest
        .flatMap(({ id, depth: at }) => {
          const ci = summaries.get(id);
          return ci ? [{ ci, depth: at, path: walk.pathTo(id) }] : [];
        })
        .sort((a, b) => a.depth - b.depth || (a.ci.name < b.ci.name ? -1 : a.ci.name > b.ci.name ? 1 : 0) || (a.ci.id < b.ci.id ? -1 : 1));

      const result: ImpactResult = { direction, depth, roots, items: [], businessServices, truncated: walk.truncated, totalItems: walk.reached.length };
      result.items = withinBudget(items, REPLY_BUDGET_BYTES - Buffer.byteLength(JSON.stringify(result)));
      return result;
    });
  }
}

/** The leading items whose JSON fits in `budget` bytes (items are nearest first, so the farthest are dropped). */
function withinBudget(items: ImpactedCi[], budget: number): ImpactedCi[] {
  let used = 0;
  for (let i = 0; i < items.length; i += 1) {
    used += Buffer.byteLength(JSON.stringify(items[i])) + 1;
    if (used > budget) return items.slice(0, i);
  }
  return items;
}
