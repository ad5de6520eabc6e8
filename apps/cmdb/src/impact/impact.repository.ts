import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type CiSummary, CiStatus, ImpactDirection } from '@itsm/contracts';
import type { WalkEdge } from '../domain/impact';

/** The class whose CIs impact analysis lists as business services. */
export const BUSINESS_SERVICE_CLASS = 'business_service';

const SUMMARY_COLUMNS = `id, name, class_name AS "className", environment, status, criticality`;

/**
 * One level of the walk. Upstream follows edges whose target is in the frontier to their sources (what relies on
 * the frontier); downstream follows edges whose source is in the frontier to their targets. Each reads its own
 * index ((target_id, source_id) or (source_id, target_id)). Retired CIs are dropped by an anti-join rather than
 * an inner join to `cis`: the planner then looks up the few retired CIs instead of hashing every CI on each level,
 * so the walk neither reports retired CIs nor goes on through them at the cost of the edges alone.
 */
const NEIGHBOURS: Readonly<Record<ImpactDirection, string>> = {
  [ImpactDirection.Upstream]: `
    SELECT r.target_id AS "from", r.source_id AS "to"
      FROM cmdb.ci_relationships r
     WHERE r.target_id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM cmdb.cis c WHERE c.id = r.source_id AND c.status = '${CiStatus.Retired}')`,
  [ImpactDirection.Downstream]: `
    SELECT r.source_id AS "from", r.target_id AS "to"
      FROM cmdb.ci_relationships r
     WHERE r.source_id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM cmdb.cis c WHERE c.id = r.target_id AND c.status = '${CiStatus.Retired}')`,
};

/**
 * Settings of the analysis transaction. Read only and one snapshot for every level. The walk is a few index
 * lookups per CI on tables that stay in memory: with the default random_page_cost (4, for spinning disks) the
 * planner switches to sequential scans and hash joins over the whole table for frontiers of a few hundred CIs,
 * and JIT compilation of those plans costs more than running them.
 */
const TRANSACTION_SETTINGS = 'SET TRANSACTION READ ONLY; SET LOCAL random_page_cost = 1.1; SET LOCAL jit = off';

/** The reads of one impact analysis, all on the same snapshot. */
export class ImpactReads {
  constructor(private readonly manager: EntityManager) {}

  /** Summaries of the given CIs that exist (retired ones included). */
  summaries(ids: readonly string[]): Promise<CiSummary[]> {
    return this.manager.query(`SELECT ${SUMMARY_COLUMNS} FROM cmdb.cis WHERE id = ANY($1::uuid[])`, [ids]);
  }

  neighbours(direction: ImpactDirection, frontier: readonly string[]): Promise<WalkEdge[]> {
    return this.manager.query(NEIGHBOURS[direction], [frontier]);
  }

  /** In one query: the summaries of `listed`, and of every business service among `reached`. */
  listedAndServices(reached: readonly string[], listed: readonly string[]): Promise<CiSummary[]> {
    return this.manager.query(
      `SELECT ${SUMMARY_COLUMNS} FROM cmdb.cis WHERE id = ANY($1::uuid[]) AND (class_name = $2 OR id = ANY($3::uuid[]))`,
      [reached, BUSINESS_SERVICE_CLASS, listed],
    );
  }
}

@Injectable()
export class ImpactRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `work` in one read-only REPEATABLE READ transaction, so that every level of a walk sees the same graph
   * even while imports write relationships.
   */
  snapshot<T>(work: (reads: ImpactReads) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(TRANSACTION_SETTINGS);
      return work(new ImpactReads(manager));
    });
  }
}
