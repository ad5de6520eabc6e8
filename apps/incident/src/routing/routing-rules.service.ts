import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, CreateRoutingRuleRequest, ListRoutingRulesRequest, RoutingRuleList, RoutingRuleView, UpdateRoutingRuleRequest } from '@itsm/contracts';
import { formatHumanNumber, quoteIdent } from '@itsm/persistence';
import type { RoutingRuleLike } from '../domain/routing';
import { RoutingRule, toRoutingRuleView } from './routing-rule.entity';
import { RoutingRuleWriter, routingRuleNotFound } from './routing-rule.writer';

/** The routing rules managers keep (and agents read), and the routing of new incidents by them. */
@Injectable()
export class RoutingRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: RoutingRuleWriter,
  ) {}

  async list(request: ListRoutingRulesRequest): Promise<RoutingRuleList> {
    const rules = await this.dataSource.getRepository(RoutingRule).find({
      where: request.enabled === undefined ? {} : { enabled: request.enabled },
      order: { position: 'ASC', id: 'ASC' },
    });
    return { items: rules.map(toRoutingRuleView) };
  }

  async get(id: string): Promise<RoutingRuleView> {
    const rule = await this.dataSource.getRepository(RoutingRule).findOneBy({ id });
    if (!rule) throw routingRuleNotFound(id);
    return toRoutingRuleView(rule);
  }

  create(request: CreateRoutingRuleRequest, actor: Actor): Promise<RoutingRuleView> {
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const rule = manager.create(RoutingRule, { ...request, id: randomUUID(), enabled: request.enabled ?? true, createdAt: now, updatedAt: now, version: 1 });
      return this.writer.insert(manager, rule, { actorId: actor.sub });
    });
  }

  update(request: UpdateRoutingRuleRequest, actor: Actor): Promise<RoutingRuleView> {
    const { id, expectedVersion, ...fields } = request;
    return this.dataSource.transaction(async (manager) => {
      const rule = await this.writer.lock(manager, id, { expectedVersion });
      const before = this.writer.toView(rule);
      Object.assign(rule, fields, { enabled: fields.enabled ?? true });
      return this.writer.save(manager, rule, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  delete(id: string, actor: Actor): Promise<RoutingRuleView> {
    return this.dataSource.transaction(async (manager) => {
      const rule = await this.writer.lock(manager, id);
      return this.writer.remove(manager, rule, { actorId: actor.sub });
    });
  }

  /**
   * The next incident number and, when `withRules`, the enabled routing rules (as routing reads them), by one
   * statement in the incident's transaction.
   */
  async numberAndRules(manager: EntityManager, withRules: boolean): Promise<{ number: string; rules: RoutingRuleLike[] }> {
    const rules = withRules
      ? `(SELECT coalesce(json_agg(json_build_object('id', id, 'position', position, 'enabled', enabled, 'conditions', conditions, 'assignmentGroup', assignment_group)), '[]'::json)
            FROM ${manager.connection.getMetadata(RoutingRule).tablePath} WHERE enabled)`
      : `'[]'::json`;
    const rows: Array<{ value: string; rules: RoutingRuleLike[] }> = await manager.query(
      `SELECT nextval('${quoteIdent('incident')}.${quoteIdent('incident_number_seq')}') AS value, ${rules} AS rules`,
    );
    const row = rows[0];
    if (!row) throw new Error('sequence incident.incident_number_seq returned no value');
    return { number: formatHumanNumber('INC', row.value), rules: row.rules };
  }
}
