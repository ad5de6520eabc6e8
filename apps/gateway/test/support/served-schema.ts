/** Validators of answers by the schemas of the OpenAPI document a gateway serves, as a generated client reads them. */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

interface Operation {
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> } | undefined>;
}

export interface ServedDocument {
  paths: Record<string, Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', Operation>> | undefined>;
  components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> } | undefined> };
}

export class ServedSchema {
  private constructor(
    readonly document: ServedDocument,
    private readonly ajv: Ajv,
  ) {}

  static async load(baseUrl: string): Promise<ServedSchema> {
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as ServedDocument;
    // Not strict: the document carries OpenAPI keywords (example, nullable …) beside JSON Schema.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi.json');
    return new ServedSchema(document, ajv);
  }

  /** The validator of the JSON answer `status` of an operation, e.g. `answer('/v1/cis/{id}/history', 'get')`. */
  answer(path: string, method: 'get' | 'post' | 'put' | 'patch' | 'delete', status = '200'): ValidateFunction {
    const ref = this.document.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema?.$ref;
    if (!ref) throw new Error(`${method.toUpperCase()} ${path} declares no JSON answer ${status} by reference`);
    return this.ajv.compile({ $ref: `openapi.json${ref}` });
  }

  /** What is wrong with `body` as an answer of the operation: `[]` when it is what the document says. */
  errorsOf(body: unknown, path: string, method: 'get' | 'post' | 'put' | 'patch' | 'delete', status = '200'): unknown[] {
    const validate = this.answer(path, method, status);
    return validate(body) ? [] : (validate.errors ?? []);
  }

  private readonly byPointer = new Map<string, ValidateFunction>();

  /** What is wrong with `body` as the `mediaType` answer `status` of an operation, by the schema declared there (inline or by reference). */
  errorsOfContent(body: unknown, path: string, method: string, status: string, mediaType: string): unknown[] {
    const pointer = ['paths', path, method, 'responses', status, 'content', mediaType, 'schema'].map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
    let validate = this.byPointer.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json#/${pointer}` });
      this.byPointer.set(pointer, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []);
  }
}
