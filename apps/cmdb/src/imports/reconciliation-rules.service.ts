import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import { type Actor, type CreateReconciliationRuleRequest, DomainError, ErrorCode, type ListReconciliationRulesRequest, type ReconciliationRuleList, type ReconciliationRuleView, type UpdateReconciliationRuleRequest } from '@itsm/contracts';
import { AuditEntry, assertVersion } from '@itsm/persistence';
import { WorkContexts } from '@itsm/observability';
import { ClassRegistry, unknownClass } from '../classes/class-registry';
import { requireAdmin } from './import-engine';
import { ReconciliationRule } from './reconciliation-rule.entity';

export function toReconciliationRuleView(rule: ReconciliationRule): ReconciliationRuleView {
  return {
    id: rule.id,
    position: rule.position,
    className: rule.className,
    fields: rule.fields,
    sources: rule.sources,
    version: rule.version,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}

/** Source precedence, kept by admins; every change is audited. Imports read the rules when a run starts. */
@Injectable()
export class ReconciliationRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly classes: ClassRegistry,
  ) {}

  async list(request: ListReconciliationRulesRequest, actor: Actor): Promise<ReconciliationRuleList> {
    requireAdmin(actor);
    const className = request.className;
    const rules = await this.dataSource.getRepository(ReconciliationRule).find({
      where: className ? [{ className }, { className: IsNull() }] : {},
      order: { position: 'ASC', id: 'ASC' },
    });
    return { items: rules.map(toReconciliationRuleView) };
  }

  async create(request: CreateReconciliationRuleRequest, actor: Actor): Promise<ReconciliationRuleView> {
    requireAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      await this.checkClass(manager, request.className ?? null);
      const now = new Date();
      const rule = manager.create(ReconciliationRule, {
        id: randomUUID(),
        position: request.position,
        className: request.className ?? null,
        fields: request.fields ?? null,
        sources: request.sources,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await manager.insert(ReconciliationRule, rule);
      const view = toReconciliationRuleView(rule);
      await this.audit(manager, rule.id, 'created', actor, null, view);
      return view;
    });
  }

  async update(request: UpdateReconciliationRuleRequest, actor: Actor): Promise<ReconciliationRuleView> {
    requireAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      const rule = await this.lock(manager, request.id);
      assertVersion(`reconciliation rule ${rule.id}`, rule.version, request.expectedVersion);
      await this.checkClass(manager, request.className ?? null);
      const before = toReconciliationRuleView(rule);
      Object.assign(rule, { position: request.position, className: request.className ?? null, fields: request.fields ?? null, sources: request.sources, version: rule.version + 1, updatedAt: new Date() });
      await manager.update(ReconciliationRule, { id: rule.id }, { position: rule.position, className: rule.className, fields: rule.fields, sources: rule.sources, version: rule.version, updatedAt: rule.updatedAt });
      const view = toReconciliationRuleView(rule);
      await this.audit(manager, rule.id, 'updated', actor, before, view);
      return view;
    });
  }

  async delete(id: string, actor: Actor): Promise<ReconciliationRuleView> {
    requireAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      const rule = await this.lock(manager, id);
      await manager.delete(ReconciliationRule, { id });
      const view = toReconciliationRuleView(rule);
      await this.audit(manager, id, 'deleted', actor, view, null);
      return view;
    });
  }

  private async checkClass(manager: EntityManager, className: string | null): Promise<void> {
    if (className !== null && !(await this.classes.get(className, manager))) {
      throw new DomainError(ErrorCode.VALIDATION, `there is no CI class ${className}`, { errors: [unknownClass(className)] });
    }
  }

  private async lock(manager: EntityManager, id: string): Promise<ReconciliationRule> {
    const rule = await manager.findOne(ReconciliationRule, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!rule) throw new DomainError(ErrorCode.NOT_FOUND, `reconciliation rule ${id} not found`);
    return rule;
  }

  private async audit(manager: EntityManager, id: string, action: string, actor: Actor, before: object | null, after: object | null): Promise<void> {
    await manager.insert(AuditEntry, { entityType: 'reconciliation_rule', entityId: id, action, actorId: actor.sub, before, after, correlationId: WorkContexts.current()?.correlationId ?? null });
  }
}
