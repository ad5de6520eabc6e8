import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FieldError } from '@itsm/contracts';

/** The one JSON Schema dialect of the suite's admin-defined schemas (CI attributes, catalog forms). */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const OPTIONS = {
  allErrors: true,
  // Strict mode refuses unknown keywords, `required` names that are not properties and the like: an admin's
  // typo is caught when the schema is saved, not when the first value cannot be stored.
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

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.field}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface JsonSchemaWording {
  /** Field name under which value errors are reported, e.g. `attributes` → `attributes.port`. */
  valueRoot: string;
  /** Message for a property the schema does not allow, e.g. `is not an attribute of this class`. */
  unknownProperty: string;
  /** What the values are, for the rule that a schema must describe an object, e.g. `the attributes of a CI`. */
  valueNoun: string;
}

/**
 * Schemas that admins write (JSON Schema 2020-12, ajv in strict mode): checked when saved, then used to check
 * values, with every error named as a field. Each schema is compiled once per key (e.g. `<id>@<version>`) and
 * kept in a bounded LRU cache; each compilation gets its own Ajv instance, so `$id`s of different schemas never
 * collide and a dropped schema leaves nothing behind.
 */
export class JsonSchemas {
  private readonly metaChecker = newAjv(true);
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    private readonly wording: JsonSchemaWording,
    private readonly cacheSize = 500,
  ) {}

  /** What is wrong with a schema, named as fields under `field` (empty when it is usable). */
  checkSchema(schema: Record<string, unknown>, field: string): FieldError[] {
    const declared = schema['$schema'];
    if (declared !== undefined && declared !== JSON_SCHEMA_DIALECT && declared !== `${JSON_SCHEMA_DIALECT}#`) {
      return [{ field: `${field}.$schema`, message: `must be ${JSON_SCHEMA_DIALECT} (JSON Schema 2020-12) or left out` }];
    }
    if (!this.metaChecker.validateSchema(schema)) {
      return dedupe((this.metaChecker.errors ?? []).map((error) => ({ field: [field, ...pointerSegments(error.instancePath)].join('.'), message: error.message ?? 'is not valid' })));
    }
    if (schema['type'] !== 'object') return [{ field: `${field}.type`, message: `must be "object": ${this.wording.valueNoun} are an object` }];
    try {
      this.compile(schema);
    } catch (error) {
      return [{ field, message: (error as Error).message }];
    }
    return [];
  }

  /** Errors of `value` against the schema cached under `key`, named `<valueRoot>.<path>`. */
  validate(key: string, schema: object, value: unknown): FieldError[] {
    let validate = this.compiled.get(key);
    if (validate) {
      // Refresh its place in the LRU order.
      this.compiled.delete(key);
    } else {
      validate = this.compile(schema);
    }
    this.compiled.set(key, validate);
    while (this.compiled.size > this.cacheSize) {
      const oldest = this.compiled.keys().next().value;
      if (oldest === undefined) break;
      this.compiled.delete(oldest);
    }
    if (validate(value)) return [];
    return dedupe((validate.errors ?? []).map((error) => ({ field: fieldOf(this.wording.valueRoot, error), message: this.messageOf(error) })));
  }

  /** Schemas compiled and still cached. */
  get cached(): number {
    return this.compiled.size;
  }

  private messageOf(error: ErrorObject): string {
    if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') return this.wording.unknownProperty;
    if (error.keyword === 'required' || error.keyword === 'dependentRequired') return 'is required';
    if (error.keyword === 'enum') return `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    return error.message ?? 'is not valid';
  }

  private compile(schema: object): ValidateFunction {
    // The schema was checked against the meta-schema when it was saved.
    return newAjv(false).compile(schema);
  }
}
