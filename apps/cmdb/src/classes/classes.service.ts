import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  type Actor,
  type CiClassList,
  type CiClassView,
  type CiIdentifierKey,
  type CreateCiClassDto,
  DomainError,
  ErrorCode,
  type FieldError,
  type ListCiClassesRequest,
  type UpdateCiClassRequest,
} from '@itsm/contracts';
import { assertVersion, AuditEntry, nameUuid } from '@itsm/persistence';
import { WorkContexts } from '@itsm/observability';
import { requireAdmin, requireReader } from '../cis/cmdb-access';
import { sameJson } from '../domain/ci-changes';
import { checkIdentificationRules } from '../domain/ci-class-rules';
import { CiClass } from './ci-class.entity';
import { ClassRegistry } from './class-registry';

export function toCiClassView(ciClass: CiClass): CiClassView {
  return {
    name: ciClass.name,
    label: ciClass.label,
    description: ciClass.description,
    attributeSchema: ciClass.attributeSchema,
    identificationRules: ciClass.identificationRules,
    builtIn: ciClass.builtIn,
    createdAt: ciClass.createdAt.toISOString(),
    updatedAt: ciClass.updatedAt.toISOString(),
    version: ciClass.version,
  };
}

/** The audit log keys rows by UUID and a class by its name: a name-based UUID gives each class one stable audit key. */
export function classAuditId(name: string): string {
  return nameUuid(`itsm:cmdb:ci_class:${name}`);
}

function notFound(name: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `CI class ${name} not found`);
}

/** CI classes: everybody who reads the CMDB sees them; admins add and change them. */
@Injectable()
export class ClassesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: ClassRegistry,
  ) {}

  async list(query: ListCiClassesRequest, actor: Actor): Promise<CiClassList> {
    requireReader(actor);
    const classes = await this.dataSource.getRepository(CiClass).find({ where: query.builtIn === undefined ? {} : { builtIn: query.builtIn }, order: { name: 'ASC' } });
    return { items: classes.map(toCiClassView) };
  }

  async get(name: string, actor: Actor): Promise<CiClassView> {
    requireReader(actor);
    const ciClass = await this.registry.get(name);
    if (!ciClass) throw notFound(name);
    return toCiClassView(ciClass);
  }

  async create(input: CreateCiClassDto, actor: Actor): Promise<CiClassView> {
    requireAdmin(actor, 'add CI classes');
    this.checkDefinition(input);
    return this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(CiClass, { name: input.name })) {
        throw new DomainError(ErrorCode.CONFLICT, `there is already a CI class ${input.name}`, { errors: [{ field: 'name', message: 'is taken' }] });
      }
      const now = new Date();
      const ciClass = manager.create(CiClass, {
        name: input.name,
        label: input.label,
        description: input.description ?? null,
        attributeSchema: input.attributeSchema,
        identificationRules: input.identificationRules,
        builtIn: false,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      // A jsonb Record<string, unknown> does not fit TypeORM's deep-partial type; it is plain JSON.
      await manager.insert(CiClass, ciClass as QueryDeepPartialEntity<CiClass>);
      const view = toCiClassView(ciClass);
      await audit(manager, { entityId: classAuditId(ciClass.name), action: 'created', actorId: actor.sub, before: null, after: view });
      return view;
    });
  }

  /**
   * Replaces the definition. CIs stored under the old schema are not re-checked: each is checked against the new
   * one the next time its attributes change.
   */
  async update(request: UpdateCiClassRequest, actor: Actor): Promise<CiClassView> {
    requireAdmin(actor, 'change CI classes');
    this.checkDefinition(request);
    return this.dataSource.transaction(async (manager) => {
      const ciClass = await manager.findOne(CiClass, { where: { name: request.name }, lock: { mode: 'pessimistic_write' } });
      if (!ciClass) throw notFound(request.name);
      assertVersion(`CI class ${ciClass.name}`, ciClass.version, request.expectedVersion);
      const before = toCiClassView(ciClass);
      const next = { label: request.label, description: request.description ?? null, attributeSchema: request.attributeSchema, identificationRules: request.identificationRules };
      if (sameJson(next, { label: before.label, description: before.description, attributeSchema: before.attributeSchema, identificationRules: before.identificationRules })) return before;
      Object.assign(ciClass, next, { version: ciClass.version + 1, updatedAt: new Date() });
      await manager.update(CiClass, { name: ciClass.name }, { ...next, version: ciClass.version, updatedAt: ciClass.updatedAt } as QueryDeepPartialEntity<CiClass>);
      const after = toCiClassView(ciClass);
      await audit(manager, { entityId: classAuditId(ciClass.name), action: 'updated', actorId: actor.sub, before, after });
      return after;
    });
  }

  private checkDefinition(definition: { attributeSchema: Record<string, unknown>; identificationRules: CiIdentifierKey[][] }): void {
    const errors: FieldError[] = [...this.registry.schemas.checkSchema(definition.attributeSchema), ...checkIdentificationRules(definition.identificationRules)];
    if (errors.length > 0) {
      const fields = [...new Set(errors.map((error) => error.field))];
      throw new DomainError(ErrorCode.VALIDATION, `CI class has invalid fields: ${fields.join(', ')}`, { errors });
    }
  }
}

async function audit(manager: EntityManager, record: { entityId: string; action: string; actorId: string; before: object | null; after: object | null }): Promise<void> {
  await manager.insert(AuditEntry, { entityType: 'ci_class', ...record, correlationId: WorkContexts.current()?.correlationId ?? null });
}
