import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, CmdbError, CmdbErrorCode, type CreateRelationshipDto, MANUAL_SOURCE, type RelationshipRuleDto, type RelationshipRuleView, type RelationshipView } from '@itsm/contracts';
import { CiClass } from '../classes/ci-class.entity';
import { ANY_CLASS } from '../domain/relationship-rules';
import { RelationshipRule } from './relationship-rule.entity';
import { RelationshipRuleWriter } from './relationship-rule.writer';
import { CiRelationship, toRelationshipView } from './relationship.entity';
import { relationshipNotFound, RelationshipWriter } from './relationship.writer';

/** Relationships added and removed by hand, and the rules that say which edges may exist. */
@Injectable()
export class RelationshipsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: RelationshipWriter,
    private readonly rules: RelationshipRuleWriter,
  ) {}

  async get(id: string): Promise<RelationshipView> {
    const relationship = await this.dataSource.getRepository(CiRelationship).findOneBy({ id });
    if (!relationship) throw relationshipNotFound(id);
    return toRelationshipView(relationship);
  }

  /** Adds an edge; unlike an import, a person asking for an edge that exists is told so (CONFLICT). */
  async add(request: CreateRelationshipDto, actor: Actor): Promise<RelationshipView> {
    return this.dataSource.transaction(async (manager) => {
      const { relationship, created } = await this.writer.add(manager, request, { actorId: actor.sub, source: MANUAL_SOURCE });
      if (!created) {
        throw new CmdbError(CmdbErrorCode.RelationshipExists, `the relationship ${request.type} from ${request.sourceId} to ${request.targetId} exists already`, { relationshipId: relationship.id });
      }
      return toRelationshipView(relationship);
    });
  }

  async remove(id: string, actor: Actor): Promise<RelationshipView> {
    return this.dataSource.transaction(async (manager) => {
      const relationship = await this.writer.lock(manager, id);
      return this.writer.remove(manager, relationship, { actorId: actor.sub, source: MANUAL_SOURCE });
    });
  }

  async createRule(input: RelationshipRuleDto, actor: Actor): Promise<RelationshipRuleView> {
    return this.dataSource.transaction(async (manager) => {
      const named = [input.sourceClass, input.targetClass].filter((name) => name !== ANY_CLASS);
      const known = new Set((await manager.findBy(CiClass, named.map((name) => ({ name })))).map((c) => c.name));
      const errors = (['sourceClass', 'targetClass'] as const)
        .filter((field) => input[field] !== ANY_CLASS && !known.has(input[field]))
        .map((field) => ({ field, message: `there is no CI class ${JSON.stringify(input[field])}` }));
      if (errors.length > 0) throw new CmdbError(CmdbErrorCode.UnknownClass, `relationship rule names unknown classes: ${errors.map((e) => e.field).join(', ')}`, { errors });
      if (await manager.existsBy(RelationshipRule, { type: input.type, sourceClass: input.sourceClass, targetClass: input.targetClass })) {
        throw new CmdbError(CmdbErrorCode.RelationshipRuleExists, `a rule allowing ${input.sourceClass} ${input.type} ${input.targetClass} exists already`);
      }
      const rule = manager.create(RelationshipRule, { id: randomUUID(), type: input.type, sourceClass: input.sourceClass, targetClass: input.targetClass, createdAt: new Date() });
      return this.rules.insert(manager, rule, actor.sub);
    });
  }

  /** Edges the rule allowed stay; new ones need another rule. */
  async deleteRule(id: string, actor: Actor): Promise<RelationshipRuleView> {
    return this.dataSource.transaction(async (manager) => this.rules.remove(manager, await this.rules.lock(manager, id), actor.sub));
  }
}
