import type { FieldError } from '@itsm/contracts';
import { JSON_SCHEMA_DIALECT, JsonSchemas } from '@itsm/json-schema';

/** The JSON Schema dialect of catalog forms. */
export const FORM_SCHEMA_DIALECT = JSON_SCHEMA_DIALECT;

/** Checks catalog form schemas when an item is saved, and answers against them (per item version) when a request is submitted. */
export class FormSchemas {
  private readonly schemas: JsonSchemas;

  constructor(cacheSize = 500) {
    this.schemas = new JsonSchemas({ valueRoot: 'answers', unknownProperty: 'is not a field of this form', valueNoun: 'the answers of a form' }, cacheSize);
  }

  /** What is wrong with a form schema, named as fields under `field` (empty when it is usable). */
  checkSchema(schema: Record<string, unknown>, field = 'formSchema'): FieldError[] {
    return this.schemas.checkSchema(schema, field);
  }

  /** Errors of the answers against the form of one item version, named `answers.<path>`. */
  validateAnswers(form: { id: string; version: number; formSchema: object }, answers: unknown): FieldError[] {
    return this.schemas.validate(`${form.id}@${form.version}`, form.formSchema, answers);
  }

  /** Forms compiled so far and still cached (for tests). */
  get cachedForms(): number {
    return this.schemas.cached;
  }
}
