import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  type CreateDetectionRuleRequest,
  type DetectionRuleDto,
  type DetectionRuleList,
  type DetectionRuleView,
  type ListDetectionRulesRequest,
  ProblemError,
  ProblemErrorCode,
  type UpdateDetectionRuleRequest,
} from '@itsm/contracts';
import { PgErrorCode, pgErrorCode } from '@itsm/persistence';
import { DetectionRule, toDetectionRuleView } from './detection-rule.entity';
import { DetectionRuleWriter, detectionRuleNotFound } from './detection-rule.writer';

const NAME_KEY = 'detection_rules_name_key';

function nameTaken(name: string): ProblemError {
  return new ProblemError(ProblemErrorCode.DetectionRuleNameTaken, `there is already a detection rule named ${name}`, { errors: [{ field: 'name', message: 'is taken' }] });
}

/** The fields a rule is made of, as given (a rule is replaced whole: what is left out is cleared or defaulted). */
function fieldsOf(request: DetectionRuleDto): Pick<DetectionRule, 'name' | 'scope' | 'serviceId' | 'category' | 'threshold' | 'windowHours' | 'enabled'> {
  return {
    name: request.name,
    scope: request.scope,
    serviceId: request.serviceId ?? null,
    category: request.category ?? null,
    threshold: request.threshold,
    windowHours: request.windowHours,
    enabled: request.enabled ?? true,
  };
}

/** The detection rules managers keep and agents read. */
@Injectable()
export class DetectionRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: DetectionRuleWriter,
  ) {}

  async list(request: ListDetectionRulesRequest): Promise<DetectionRuleList> {
    const rules = await this.dataSource.getRepository(DetectionRule).find({
      where: request.enabled === undefined ? {} : { enabled: request.enabled },
      order: { name: 'ASC', id: 'ASC' },
    });
    return { items: rules.map(toDetectionRuleView) };
  }

  async get(id: string): Promise<DetectionRuleView> {
    const rule = await this.dataSource.getRepository(DetectionRule).findOneBy({ id });
    if (!rule) throw detectionRuleNotFound(id);
    return toDetectionRuleView(rule);
  }

  create(request: CreateDetectionRuleRequest, actor: Actor): Promise<DetectionRuleView> {
    return this.named(request.name, (manager) => {
      const now = new Date();
      const rule = manager.create(DetectionRule, { ...fieldsOf(request), id: randomUUID(), createdAt: now, updatedAt: now, version: 1 });
      return this.writer.insert(manager, rule, { actorId: actor.sub });
    });
  }

  update(request: UpdateDetectionRuleRequest, actor: Actor): Promise<DetectionRuleView> {
    const { id, expectedVersion } = request;
    return this.named(request.name, async (manager) => {
      const rule = await this.writer.lock(manager, id, { expectedVersion });
      const before = this.writer.toView(rule);
      Object.assign(rule, fieldsOf(request));
      return this.writer.save(manager, rule, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  delete(id: string, actor: Actor): Promise<DetectionRuleView> {
    return this.dataSource.transaction(async (manager) => {
      const rule = await this.writer.lock(manager, id);
      return this.writer.remove(manager, rule, { actorId: actor.sub });
    });
  }

  /** Runs a write that gives a rule `name`: the unique constraint refuses a name another rule has, even when two writers race for it. */
  private async named(name: string, write: (manager: EntityManager) => Promise<DetectionRuleView>): Promise<DetectionRuleView> {
    try {
      return await this.dataSource.transaction(write);
    } catch (error) {
      const constraint = (error as { constraint?: string; driverError?: { constraint?: string } }).driverError?.constraint;
      if (pgErrorCode(error) === PgErrorCode.uniqueViolation && constraint === NAME_KEY) throw nameTaken(name);
      throw error;
    }
  }
}
