import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CmdbError, CmdbErrorCode, type RelationshipRuleView } from '@itsm/contracts';
import { OutboxWriter } from '@itsm/messaging';
import { RelationshipRule, toRelationshipRuleView } from './relationship-rule.entity';

/**
 * Writing relationship rules: each insert and removal with its audit row (rules announce no event). Not a
 * RecordWriter: a rule is never changed, only added and removed, so it has no version.
 */
@Injectable()
export class RelationshipRuleWriter {
  private readonly entityType = 'relationship_rule';

  constructor(private readonly outbox: OutboxWriter) {}

  /** The rule, locked until the transaction ends; NOT_FOUND when there is none. */
  async lock(manager: EntityManager, id: string): Promise<RelationshipRule> {
    const rule = await manager.findOne(RelationshipRule, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!rule) throw new CmdbError(CmdbErrorCode.RelationshipRuleNotFound, `relationship rule ${id} not found`);
    return rule;
  }

  async insert(manager: EntityManager, rule: RelationshipRule, actorId: string): Promise<RelationshipRuleView> {
    await manager.insert(RelationshipRule, rule);
    const view = toRelationshipRuleView(rule);
    await this.outbox.record(manager, { subject: rule.id, audit: { entityType: this.entityType, entityId: rule.id, action: 'created', actorId, before: null, after: view }, events: [] });
    return view;
  }

  /** Deletes a rule the caller has locked; the audit row keeps it as it was. */
  async remove(manager: EntityManager, rule: RelationshipRule, actorId: string): Promise<RelationshipRuleView> {
    await manager.delete(RelationshipRule, { id: rule.id });
    const view = toRelationshipRuleView(rule);
    await this.outbox.record(manager, { subject: rule.id, audit: { entityType: this.entityType, entityId: rule.id, action: 'deleted', actorId, before: view, after: null }, events: [] });
    return view;
  }
}
