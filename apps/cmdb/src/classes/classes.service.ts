import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type Actor,
  type CiClassList,
  type CiClassView,
  type CiIdentifierKey,
  CmdbError,
  CmdbErrorCode,
  type CreateCiClassDto,
  type FieldError,
  type ListCiClassesRequest,
  type UpdateCiClassRequest,
} from '@itsm/contracts';
import { sameJson } from '../domain/ci-changes';
import { checkIdentificationRules } from '../domain/ci-class-rules';
import { CiClass, toCiClassView } from './ci-class.entity';
import { CiClassWriter } from './ci-class.writer';
import { ClassRegistry } from './class-registry';

/** CI classes: everybody who reads the CMDB sees them; admins add and change them. */
@Injectable()
export class ClassesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: ClassRegistry,
    private readonly writer: CiClassWriter,
  ) {}

  async list(query: ListCiClassesRequest): Promise<CiClassList> {
    const classes = await this.dataSource.getRepository(CiClass).find({ where: query.builtIn === undefined ? {} : { builtIn: query.builtIn }, order: { name: 'ASC' } });
    return { items: classes.map(toCiClassView) };
  }

  async get(name: string): Promise<CiClassView> {
    const ciClass = await this.registry.get(name);
    if (!ciClass) throw this.writer.notFound(name);
    return toCiClassView(ciClass);
  }

  async create(input: CreateCiClassDto, actor: Actor): Promise<CiClassView> {
    this.checkDefinition(input);
    return this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(CiClass, { name: input.name })) {
        throw new CmdbError(CmdbErrorCode.ClassExists, `there is already a CI class ${input.name}`, { errors: [{ field: 'name', message: 'is taken' }] });
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
      return this.writer.insert(manager, ciClass, actor.sub);
    });
  }

  /**
   * Replaces the definition. CIs stored under the old schema are not re-checked: each is checked against the new
   * one the next time its attributes change.
   */
  async update(request: UpdateCiClassRequest, actor: Actor): Promise<CiClassView> {
    this.checkDefinition(request);
    return this.dataSource.transaction(async (manager) => {
      const ciClass = await this.writer.lock(manager, request.name, { expectedVersion: request.expectedVersion });
      const next = { label: request.label, description: request.description ?? null, attributeSchema: request.attributeSchema, identificationRules: request.identificationRules };
      const current = { label: ciClass.label, description: ciClass.description, attributeSchema: ciClass.attributeSchema, identificationRules: ciClass.identificationRules };
      if (sameJson(next, current)) return toCiClassView(ciClass);
      return this.writer.save(manager, ciClass, next, actor.sub);
    });
  }

  private checkDefinition(definition: { attributeSchema: Record<string, unknown>; identificationRules: CiIdentifierKey[][] }): void {
    const errors: FieldError[] = [...this.registry.schemas.checkSchema(definition.attributeSchema), ...checkIdentificationRules(definition.identificationRules)];
    if (errors.length > 0) {
      const fields = [...new Set(errors.map((error) => error.field))];
      throw new CmdbError(CmdbErrorCode.ClassInvalid, `CI class has invalid fields: ${fields.join(', ')}`, { errors });
    }
  }
}
