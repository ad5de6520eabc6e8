import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FieldError } from '@itsm/contracts';

/** The JSON Schema dialect of attribute schemas. */
export const ATTRIBUTE_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const OPTIONS = {
  allErrors: true,
  // Strict mode refuses unknown keywords and `required` names that are not properties: an admin's typo is
  // caught when the class is saved, not when the first CI of the class cannot be stored.
  strict: true,
  allowUnionTypes: true,
  logger: false as const,
};

function newAjv(validateSchema: boolean): Ajv2020 {
  const ajv = new Ajv2020({ ...OPTIONS, validateSchema });
  addFormats(ajv);
  return ajv;
}

/** `/a/0/b~1c` → `['a', '0', 'b/c']` */
function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Where an error is: the instance path, plus the property a `required` or `additionalProperties` error is about. */
function fieldOf(root: string, error: ErrorObject): string {
  const segments = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const named = params['missingProperty'] ?? params['additionalProperty'] ?? params['unevaluatedProperty'];
  if (typeof named === 'string') segments.push(named);
  return [root, ...segments].join('.');
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') return 'is not an attribute of this class';
  if (error.keyword === 'required' || error.keyword === 'dependentRequired') return 'is required';
  if (error.keyword === 'enum') return `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
  return error.message ?? 'is not valid';
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.field}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Checks attribute schemas when a class is saved and attributes against them when a CI is written. A schema is
 * compiled once per class version (kept in a bounded cache); each compilation gets its own Ajv instance, so the
 * `$id`s of different classes never collide.
 */
export class AttributeSchemas {
  private readonly metaChecker = newAjv(true);
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly cacheSize = 500) {}

  /** What is wrong with an attribute schema, named as fields under `field` (empty when it is usable). */
  checkSchema(schema: Record<string, unknown>, field = 'attributeSchema'): FieldError[] {
    const declared = schema['$schema'];
    if (declared !== undefined && declared !== ATTRIBUTE_SCHEMA_DIALECT && declared !== `${ATTRIBUTE_SCHEMA_DIALECT}#`) {
      return [{ field: `${field}.$schema`, message: `must be ${ATTRIBUTE_SCHEMA_DIALECT} (JSON Schema 2020-12) or left out` }];
    }
    if (!this.metaChecker.validateSchema(schema)) {
      return dedupe((this.metaChecker.errors ?? []).map((error) => ({ field: [field, ...pointerSegments(error.instancePath)].join('.'), message: error.message ?? 'is not valid' })));
    }
    if (schema['type'] !== 'object') return [{ field: `${field}.type`, message: 'must be "object": the attributes of a CI are an object' }];
    try {
      this.compile(schema);
    } catch (error) {
      return [{ field, message: (error as Error).message }];
    }
    return [];
  }

  /** Errors of `attributes` against the schema of one class version, named `attributes.<path>`. */
  validate(ciClass: { name: string; version: number; attributeSchema: object }, attributes: unknown): FieldError[] {
    const key = `${ciClass.name}@${ciClass.version}`;
    let validate = this.compiled.get(key);
    if (validate) {
      // Refresh its place in the LRU order.
      this.compiled.delete(key);
    } else {
      validate = this.compile(ciClass.attributeSchema);
    }
    this.compiled.set(key, validate);
    while (this.compiled.size > this.cacheSize) {
      const oldest = this.compiled.keys().next().value;
      if (oldest === undefined) break;
      this.compiled.delete(oldest);
    }
    if (validate(attributes)) return [];
    return dedupe((validate.errors ?? []).map((error) => ({ field: fieldOf('attributes', error), message: messageOf(error) })));
  }

  /** Schemas compiled so far and still cached (for tests). */
  get cachedSchemas(): number {
    return this.compiled.size;
  }

  private compile(schema: object): ValidateFunction {
    // The schema was checked against the meta-schema when the class was saved.
    return newAjv(false).compile(schema);
  }
}
