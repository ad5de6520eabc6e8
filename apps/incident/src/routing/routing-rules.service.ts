import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type CreateRoutingRuleRequest, DomainError, type ListRoutingRulesRequest, ErrorCode, type RoutingRuleList, type RoutingRuleView, type UpdateRoutingRuleRequest } from '@itsm/contracts';
import { AuditEntry, assertVersion } from '@itsm/persistence';
import { WorkContexts } from '@itsm/observability';
import { forbidden, isAgent, isManager } from '../incidents/incident-access';
import { RoutingRule, toRoutingRuleView } from './routing-rule.entity';

/** Managers keep the routing rules; agents may read them. Every change is audited. */
@Injectable()
export class RoutingRulesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(request: ListRoutingRulesRequest, actor: Actor): Promise<RoutingRuleList> {
    if (!isAgent(actor)) throw forbidden('only agents may read routing rules');
    const rules = await this.dataSource.getRepository(RoutingRule).find({
      where: request.enabled === undefined ? {} : { enabled: request.enabled },
      order: { position: 'ASC', id: 'ASC' },
    });
    return { items: rules.map(toRoutingRuleView) };
  }

  async create(request: CreateRoutingRuleRequest, actor: Actor): Promise<RoutingRuleView> {
    this.assertManager(actor);
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const rule = manager.create(RoutingRule, { ...request, id: randomUUID(), enabled: request.enabled ?? true, createdAt: now, updatedAt: now, version: 1 });
      await manager.insert(RoutingRule, rule);
      const view = toRoutingRuleView(rule);
      await this.audit(manager, rule.id, 'created', actor, null, view);
      return view;
    });
  }

  async update(request: UpdateRoutingRuleRequest, actor: Actor): Promise<RoutingRuleView> {
    this.assertManager(actor);
    const { id, expectedVersion, ...fields } = request;
    return this.dataSource.transaction(async (manager) => {
      const rule = await this.lock(manager, id);
      assertVersion(`routing rule ${id}`, rule.version, expectedVersion);
      const before = toRoutingRuleView(rule);
      Object.assign(rule, fields, { enabled: fields.enabled ?? true, version: rule.version + 1, updatedAt: new Date() });
      const { id: _id, createdAt: _createdAt, ...columns } = rule;
      await manager.update(RoutingRule, { id }, columns);
      const view = toRoutingRuleView(rule);
      await this.audit(manager, id, 'updated', actor, before, view);
      return view;
    });
  }

  async delete(id: string, actor: Actor): Promise<RoutingRuleView> {
    this.assertManager(actor);
    return this.dataSource.transaction(async (manager) => {
      const rule = await this.lock(manager, id);
      await manager.delete(RoutingRule, { id });
      const view = toRoutingRuleView(rule);
      await this.audit(manager, id, 'deleted', actor, view, null);
      return view;
    });
  }

  private assertManager(actor: Actor): void {
    if (!isManager(actor)) throw forbidden('only managers may change routing rules');
  }

  private async lock(manager: EntityManager, id: string): Promise<RoutingRule> {
    const rule = await manager.findOne(RoutingRule, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!rule) throw new DomainError(ErrorCode.NOT_FOUND, `routing rule ${id} not found`);
    return rule;
  }

  private async audit(manager: EntityManager, id: string, action: string, actor: Actor, before: object | null, after: object | null): Promise<void> {
    await manager.insert(AuditEntry, { entityType: 'routing_rule', entityId: id, action, actorId: actor.sub, before, after, correlationId: WorkContexts.current()?.correlationId ?? null });
  }
}
