import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { FieldError } from '@itsm/contracts';
import { AttributeSchemas } from './attribute-schemas';
import { CiClass } from './ci-class.entity';

/**
 * The CI classes as the writers need them: a class read by name (from the database, so a class an admin changed
 * on another replica is seen at once) and attributes checked against its schema, compiled once per class version.
 */
@Injectable()
export class ClassRegistry {
  readonly schemas = new AttributeSchemas();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The class, or null when there is none of that name; `manager` reads inside the caller's transaction. */
  get(className: string, manager?: EntityManager): Promise<CiClass | null> {
    return (manager ?? this.dataSource.manager).findOneBy(CiClass, { name: className });
  }

  /** What is wrong with `attributes` for a CI of the class: fields `attributes.<path>`, or `className` for an unknown class. */
  async validateAttributes(className: string, attributes: Record<string, unknown>, manager?: EntityManager): Promise<FieldError[]> {
    const ciClass = await this.get(className, manager);
    if (!ciClass) return [unknownClass(className)];
    return this.check(ciClass, attributes);
  }

  /** The same check for a class already at hand. */
  check(ciClass: CiClass, attributes: Record<string, unknown>): FieldError[] {
    return this.schemas.validate(ciClass, attributes);
  }
}

export function unknownClass(className: string): FieldError {
  return { field: 'className', message: `there is no CI class ${JSON.stringify(className)}` };
}
