import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  type CiRelationshipList,
  type CiRelationshipsRequest,
  DEFAULT_PAGE_SIZE,
  type CreateRelationshipDto,
  DomainError,
  ErrorCode,
  type ListRelationshipRulesRequest,
  MANUAL_SOURCE,
  type RelatedCi,
  type RelationshipRuleDto,
  type RelationshipRuleList,
  type RelationshipRuleView,
  RelationshipType,
  type RelationshipView,
} from '@itsm/contracts';
import { AuditEntry, decodeCursor, encodeCursor, isUuid } from '@itsm/persistence';
import { WorkContexts } from '@itsm/observability';
import { CiClass } from '../classes/ci-class.entity';
import { requireAdmin, requireReader, requireWriter } from '../cis/cmdb-access';
import { Ci } from '../cis/ci.entity';
import { ANY_CLASS } from '../domain/relationship-rules';
import { RelationshipRule } from './relationship-rule.entity';
import { RelationshipWriter } from './relationship-writer';
import { CiRelationship, toRelationshipView } from './relationship.entity';

const TYPES: readonly string[] = Object.values(RelationshipType);

export function toRelationshipRuleView(rule: RelationshipRule): RelationshipRuleView {
  return { id: rule.id, type: rule.type, sourceClass: rule.sourceClass, targetClass: rule.targetClass, createdAt: rule.createdAt.toISOString() };
}

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

/** Relationships added and removed by hand, a CI's relationships, and the rules that say which edges may exist. */
@Injectable()
export class RelationshipsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: RelationshipWriter,
  ) {}

  /** Adds an edge; unlike an import, a person asking for an edge that exists is told so (CONFLICT). */
  async add(request: CreateRelationshipDto, actor: Actor): Promise<RelationshipView> {
    requireWriter(actor);
    return this.dataSource.transaction(async (manager) => {
      const { relationship, created } = await this.writer.add(manager, request, { actorId: actor.sub, source: MANUAL_SOURCE });
      if (!created) {
        throw new DomainError(ErrorCode.CONFLICT, `the relationship ${request.type} from ${request.sourceId} to ${request.targetId} exists already`, { relationshipId: relationship.id });
      }
      return toRelationshipView(relationship);
    });
  }

  async remove(id: string, actor: Actor): Promise<RelationshipView> {
    requireWriter(actor);
    return this.dataSource.transaction(async (manager) => {
      const relationship = await this.writer.lock(manager, id);
      await this.writer.remove(manager, relationship, { actorId: actor.sub, source: MANUAL_SOURCE });
      return toRelationshipView(relationship);
    });
  }

  /** Both directions, with the CI at the other end; outgoing first, then by type and the other CI's name, a page at a time. */
  async of(request: CiRelationshipsRequest, actor: Actor): Promise<CiRelationshipList> {
    requireReader(actor);
    const ciId = request.id;
    if (!(await this.dataSource.getRepository(Ci).existsBy({ id: ciId }))) throw new DomainError(ErrorCode.NOT_FOUND, `CI ${ciId} not found`);
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

  async listRules(query: ListRelationshipRulesRequest, actor: Actor): Promise<RelationshipRuleList> {
    requireReader(actor);
    const builder = this.dataSource.getRepository(RelationshipRule).createQueryBuilder('r').orderBy('r.type').addOrderBy('r.source_class').addOrderBy('r.target_class');
    if (query.type) builder.andWhere('r.type = :type', { type: query.type });
    if (query.sourceClass) builder.andWhere('r.source_class IN (:...sources)', { sources: [query.sourceClass, ANY_CLASS] });
    return { items: (await builder.getMany()).map(toRelationshipRuleView) };
  }

  async createRule(input: RelationshipRuleDto, actor: Actor): Promise<RelationshipRuleView> {
    requireAdmin(actor, 'change relationship rules');
    return this.dataSource.transaction(async (manager) => {
      const named = [input.sourceClass, input.targetClass].filter((name) => name !== ANY_CLASS);
      const known = new Set((await manager.findBy(CiClass, named.map((name) => ({ name })))).map((c) => c.name));
      const errors = (['sourceClass', 'targetClass'] as const)
        .filter((field) => input[field] !== ANY_CLASS && !known.has(input[field]))
        .map((field) => ({ field, message: `there is no CI class ${JSON.stringify(input[field])}` }));
      if (errors.length > 0) throw new DomainError(ErrorCode.VALIDATION, `relationship rule names unknown classes: ${errors.map((e) => e.field).join(', ')}`, { errors });
      if (await manager.existsBy(RelationshipRule, { type: input.type, sourceClass: input.sourceClass, targetClass: input.targetClass })) {
        throw new DomainError(ErrorCode.CONFLICT, `a rule allowing ${input.sourceClass} ${input.type} ${input.targetClass} exists already`);
      }
      const rule = manager.create(RelationshipRule, { id: randomUUID(), type: input.type, sourceClass: input.sourceClass, targetClass: input.targetClass, createdAt: new Date() });
      await manager.insert(RelationshipRule, rule);
      const view = toRelationshipRuleView(rule);
      await audit(manager, { entityId: rule.id, action: 'created', actorId: actor.sub, before: null, after: view });
      return view;
    });
  }

  /** Edges the rule allowed stay; new ones need another rule. */
  async deleteRule(id: string, actor: Actor): Promise<RelationshipRuleView> {
    requireAdmin(actor, 'change relationship rules');
    return this.dataSource.transaction(async (manager) => {
      const rule = await manager.findOne(RelationshipRule, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!rule) throw new DomainError(ErrorCode.NOT_FOUND, `relationship rule ${id} not found`);
      await manager.delete(RelationshipRule, { id });
      const view = toRelationshipRuleView(rule);
      await audit(manager, { entityId: rule.id, action: 'deleted', actorId: actor.sub, before: view, after: null });
      return view;
    });
  }
}

async function audit(manager: EntityManager, record: { entityId: string; action: string; actorId: string; before: object | null; after: object | null }): Promise<void> {
  await manager.insert(AuditEntry, { entityType: 'relationship_rule', ...record, correlationId: WorkContexts.current()?.correlationId ?? null });
}
