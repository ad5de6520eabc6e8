import type { FieldError } from '@itsm/contracts';
import { JSON_SCHEMA_DIALECT, JsonSchemas } from '@itsm/json-schema';

/** The JSON Schema dialect of attribute schemas. */
export const ATTRIBUTE_SCHEMA_DIALECT = JSON_SCHEMA_DIALECT;

/** Checks attribute schemas when a class is saved, and attributes against them (per class version) when a CI is written. */
export class AttributeSchemas {
  private readonly schemas: JsonSchemas;

  constructor(cacheSize = 500) {
    this.schemas = new JsonSchemas({ valueRoot: 'attributes', unknownProperty: 'is not an attribute of this class', valueNoun: 'the attributes of a CI' }, cacheSize);
  }

  /** What is wrong with an attribute schema, named as fields under `field` (empty when it is usable). */
  checkSchema(schema: Record<string, unknown>, field = 'attributeSchema'): FieldError[] {
    return this.schemas.checkSchema(schema, field);
  }

  /** Errors of `attributes` against the schema of one class version, named `attributes.<path>`. */
  validate(ciClass: { name: string; version: number; attributeSchema: object }, attributes: unknown): FieldError[] {
    return this.schemas.validate(`${ciClass.name}@${ciClass.version}`, ciClass.attributeSchema, attributes);
  }

  /** Schemas compiled so far and still cached (for tests). */
  get cachedSchemas(): number {
    return this.schemas.cached;
  }
}
