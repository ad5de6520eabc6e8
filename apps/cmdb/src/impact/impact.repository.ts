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
 * the frontier); downstream follows edges whose source is in the frontier to their targets. Each uses its own
 * index ((target_id, source_id) or (source_id, target_id)); the join to `cis` (primary key) drops retired CIs,
 * so the walk neither reports them nor goes on through them.
 */
const NEIGHBOURS: Readonly<Record<ImpactDirection, string>> = {
  [ImpactDirection.Upstream]: `
    SELECT r.target_id AS "from", r.source_id AS "to"
      FROM cmdb.ci_relationships r
      JOIN cmdb.cis c ON c.id = r.source_id
     WHERE r.target_id = ANY($1::uuid[]) AND c.status <> '${CiStatus.Retired}'`,
  [ImpactDirection.Downstream]: `
    SELECT r.source_id AS "from", r.target_id AS "to"
      FROM cmdb.ci_relationships r
      JOIN cmdb.cis c ON c.id = r.target_id
     WHERE r.source_id = ANY($1::uuid[]) AND c.status <> '${CiStatus.Retired}'`,
};

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
      await manager.query('SET TRANSACTION READ ONLY');
      return work(new ImpactReads(manager));
    });
  }
}
