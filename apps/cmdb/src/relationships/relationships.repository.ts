import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type CiRelationshipList,
  type CiRelationshipsRequest,
  CmdbError,
  CmdbErrorCode,
  DEFAULT_PAGE_SIZE,
  type ListRelationshipRulesRequest,
  type RelatedCi,
  type RelationshipRuleList,
  RelationshipType,
} from '@itsm/contracts';
import { decodeCursor, encodeCursor, isUuid } from '@itsm/persistence';
import { Ci } from '../cis/ci.entity';
import { ANY_CLASS } from '../domain/relationship-rules';
import { RelationshipRule, toRelationshipRuleView } from './relationship-rule.entity';
import { CiRelationship } from './relationship.entity';

const TYPES: readonly string[] = Object.values(RelationshipType);

interface RelatedRow {
  id: string;
  type: RelationshipType;
  source_id: string;
  target_id: string;
  data_source: string;
  created_at: Date;
  /** 0: outgoing (the CI is the source), 1: incoming. */
  d: number;
  other_id: string;
  other_name: string;
  other_class: string;
  other_environment: string;
  other_status: RelatedCi['ci']['status'];
  other_criticality: number;
}

/** Queries over relationships: a CI's relationships a page at a time, and the relationship rules. */
@Injectable()
export class RelationshipsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Both directions, with the CI at the other end; outgoing first, then by type and the other CI's name, a page at a time. */
  async of(request: CiRelationshipsRequest): Promise<CiRelationshipList> {
    const ciId = request.id;
    if (!(await this.dataSource.getRepository(Ci).existsBy({ id: ciId }))) throw new CmdbError(CmdbErrorCode.CiNotFound, `CI ${ciId} not found`);
    const limit = request.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [ciId];
    const where: string[] = [];
    if (request.direction) where.push(`d = ${request.direction === 'outgoing' ? 0 : 1}`);
    if (request.type) {
      params.push(request.type);
      where.push(`type = $${params.length}`);
    }
    if (request.cursor) {
      const [d, type, name, id] = decodeCursor(
        request.cursor,
        4,
        ([cd, ct, cn, ci]) => (cd === 0 || cd === 1) && typeof ct === 'string' && TYPES.includes(ct) && typeof cn === 'string' && cn.length <= 200 && isUuid(ci),
      );
      params.push(d, type, name, id);
      const n = params.length;
      where.push(`(d, type, other_name, id) > ($${n - 3}::int, $${n - 2}::text, $${n - 1}::text, $${n}::uuid)`);
    }
    params.push(limit + 1);
    const edges = this.dataSource.getMetadata(CiRelationship).tablePath;
    const cis = this.dataSource.getMetadata(Ci).tablePath;
    const rows = await this.dataSource.query<RelatedRow[]>(
      `WITH related AS (
         SELECT r.id, r.type, r.source_id, r.target_id, r.data_source, r.created_at, CASE WHEN r.source_id = $1 THEN 0 ELSE 1 END AS d,
                o.id AS other_id, o.name AS other_name, o.class_name AS other_class, o.environment AS other_environment, o.status AS other_status, o.criticality AS other_criticality
           FROM ${edges} r
           JOIN ${cis} o ON o.id = CASE WHEN r.source_id = $1 THEN r.target_id ELSE r.source_id END
          WHERE r.source_id = $1 OR r.target_id = $1)
       SELECT * FROM related ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY d, type, other_name, id
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => ({
        relationship: { id: row.id, type: row.type, sourceId: row.source_id, targetId: row.target_id, dataSource: row.data_source, createdAt: row.created_at.toISOString() },
        direction: row.d === 0 ? 'outgoing' : 'incoming',
        ci: { id: row.other_id, name: row.other_name, className: row.other_class, environment: row.other_environment, status: row.other_status, criticality: row.other_criticality },
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.d, last.type, last.other_name, last.id]) : null,
    };
  }

  async rules(query: ListRelationshipRulesRequest): Promise<RelationshipRuleList> {
    const builder = this.dataSource.getRepository(RelationshipRule).createQueryBuilder('r').orderBy('r.type').addOrderBy('r.source_class').addOrderBy('r.target_class');
    if (query.type) builder.andWhere('r.type = :type', { type: query.type });
    if (query.sourceClass) builder.andWhere('r.source_class IN (:...sources)', { sources: [query.sourceClass, ANY_CLASS] });
    return { items: (await builder.getMany()).map(toRelationshipRuleView) };
  }
}
