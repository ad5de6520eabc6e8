import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  ChangeError,
  ChangeErrorCode,
  type ChangeTemplateDto,
  type ChangeTemplateList,
  type ChangeTemplateView,
  type CreateChangeTemplateRequest,
  type ListChangeTemplatesRequest,
  type UpdateChangeTemplateRequest,
} from '@itsm/contracts';
import { PgErrorCode, pgErrorCode } from '@itsm/persistence';
import { ChangeTemplate, toChangeTemplateView } from './change-template.entity';
import { ChangeTemplateWriter, templateNotFound } from './change-template.writer';

const NAME_KEY = 'change_templates_name_key';

function nameTaken(name: string): ChangeError {
  return new ChangeError(ChangeErrorCode.TemplateNameTaken, `there is already a change template named ${name}`, { errors: [{ field: 'name', message: 'is taken' }] });
}

/** The fields a template is made of, as given (a template is replaced whole: what is left out is cleared or defaulted). */
function fieldsOf(request: ChangeTemplateDto): Pick<ChangeTemplate, 'name' | 'description' | 'implementationPlan' | 'backoutPlan' | 'testPlan' | 'allowedCiClasses' | 'maxDurationMinutes' | 'enabled'> {
  return {
    name: request.name,
    description: request.description ?? '',
    implementationPlan: request.implementationPlan,
    backoutPlan: request.backoutPlan,
    testPlan: request.testPlan ?? '',
    allowedCiClasses: [...new Set(request.allowedCiClasses)],
    maxDurationMinutes: request.maxDurationMinutes,
    enabled: request.enabled ?? true,
  };
}

/** The standard change templates managers keep and agents read. */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ChangeTemplateWriter,
  ) {}

  async list(request: ListChangeTemplatesRequest): Promise<ChangeTemplateList> {
    const templates = await this.dataSource.getRepository(ChangeTemplate).find({
      where: request.enabled === undefined ? {} : { enabled: request.enabled },
      order: { name: 'ASC', id: 'ASC' },
    });
    return { items: templates.map(toChangeTemplateView) };
  }

  async get(id: string): Promise<ChangeTemplateView> {
    const template = await this.dataSource.getRepository(ChangeTemplate).findOneBy({ id });
    if (!template) throw templateNotFound(id);
    return toChangeTemplateView(template);
  }

  create(request: CreateChangeTemplateRequest, actor: Actor): Promise<ChangeTemplateView> {
    return this.named(request.name, (manager) => {
      const now = new Date();
      const template = manager.create(ChangeTemplate, { ...fieldsOf(request), id: randomUUID(), createdAt: now, updatedAt: now, version: 1 });
      return this.writer.insert(manager, template, { actorId: actor.sub });
    });
  }

  /** Replaces a template whole; its changes keep what they took from it when they were raised. */
  update(request: UpdateChangeTemplateRequest, actor: Actor): Promise<ChangeTemplateView> {
    const { id, expectedVersion } = request;
    return this.named(request.name, async (manager) => {
      const template = await this.writer.lock(manager, id, { expectedVersion });
      const before = this.writer.toView(template);
      Object.assign(template, fieldsOf(request));
      return this.writer.save(manager, template, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  /** Removes a template; the changes raised from it keep naming it. */
  delete(id: string, actor: Actor): Promise<ChangeTemplateView> {
    return this.dataSource.transaction(async (manager) => {
      const template = await this.writer.lock(manager, id);
      return this.writer.remove(manager, template, { actorId: actor.sub });
    });
  }

  /** Runs a write that gives a template `name`: the unique constraint refuses a name another template has, even when two writers race for it. */
  private async named(name: string, write: (manager: EntityManager) => Promise<ChangeTemplateView>): Promise<ChangeTemplateView> {
    try {
      return await this.dataSource.transaction(write);
    } catch (error) {
      const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
      if (pgErrorCode(error) === PgErrorCode.uniqueViolation && constraint === NAME_KEY) throw nameTaken(name);
      throw error;
    }
  }
}
