import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import {
  type Actor,
  CmdbError,
  CmdbErrorCode,
  type CreateReconciliationRuleRequest,
  type ListReconciliationRulesRequest,
  type ReconciliationRuleList,
  type ReconciliationRuleView,
  type UpdateReconciliationRuleRequest,
} from '@itsm/contracts';
import { ClassRegistry, unknownClass } from '../classes/class-registry';
import { ReconciliationRule, toReconciliationRuleView } from './reconciliation-rule.entity';
import { ReconciliationRuleWriter, reconciliationRuleNotFound } from './reconciliation-rule.writer';

/** Source precedence, kept by admins; every change is audited. Imports read the rules when a run starts. */
@Injectable()
export class ReconciliationRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly classes: ClassRegistry,
    private readonly writer: ReconciliationRuleWriter,
  ) {}

  async list(request: ListReconciliationRulesRequest): Promise<ReconciliationRuleList> {
    const className = request.className;
    const rules = await this.dataSource.getRepository(ReconciliationRule).find({
      where: className ? [{ className }, { className: IsNull() }] : {},
      order: { position: 'ASC', id: 'ASC' },
    });
    return { items: rules.map(toReconciliationRuleView) };
  }

  async get(id: string): Promise<ReconciliationRuleView> {
    const rule = await this.dataSource.getRepository(ReconciliationRule).findOneBy({ id });
    if (!rule) throw reconciliationRuleNotFound(id);
    return toReconciliationRuleView(rule);
  }

  async create(request: CreateReconciliationRuleRequest, actor: Actor): Promise<ReconciliationRuleView> {
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
      return this.writer.insert(manager, rule, { actorId: actor.sub });
    });
  }

  async update(request: UpdateReconciliationRuleRequest, actor: Actor): Promise<ReconciliationRuleView> {
    return this.dataSource.transaction(async (manager) => {
      const rule = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      await this.checkClass(manager, request.className ?? null);
      const before = toReconciliationRuleView(rule);
      Object.assign(rule, { position: request.position, className: request.className ?? null, fields: request.fields ?? null, sources: request.sources });
      return this.writer.save(manager, rule, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  async delete(id: string, actor: Actor): Promise<ReconciliationRuleView> {
    return this.dataSource.transaction(async (manager) => this.writer.remove(manager, await this.writer.lock(manager, id), { actorId: actor.sub }));
  }

  private async checkClass(manager: EntityManager, className: string | null): Promise<void> {
    if (className !== null && !(await this.classes.get(className, manager))) {
      throw new CmdbError(CmdbErrorCode.UnknownClass, `there is no CI class ${className}`, { errors: [unknownClass(className)] });
    }
  }
}
