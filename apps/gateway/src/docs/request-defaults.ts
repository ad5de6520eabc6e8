import type { OpenAPIObject } from '@nestjs/swagger';

type Schema = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];
type Reference = Extract<Schema, { $ref: string }>;

const isReference = (schema: Schema): schema is Reference => '$ref' in schema;
const SCHEMA_REF = '#/components/schemas/';

/**
 * A `default` on a property of a request body is what the gateway assumes when the field is left out, so the field is
 * optional. Generators read a `default` beside a property as "always present" (true of answers, where the server filled
 * it in: openapi-typescript makes such a field required unless told otherwise), and a schema in `components` may be
 * read as either. In every schema a request body reaches, the default is therefore stated inside `allOf`, where JSON
 * Schema still applies it to the field and no generator takes it for a required one.
 */
export function declareRequestDefaults(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas ?? {};
  const reached = new Set<string>();
  const reach = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith(SCHEMA_REF)) {
      const name = ref.slice(SCHEMA_REF.length);
      if (!reached.has(name)) {
        reached.add(name);
        reach(schemas[name]);
      }
    }
    for (const nested of Object.values(value)) reach(nested);
  };
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path)) {
      if (operation && typeof operation === 'object' && 'requestBody' in operation) reach(operation.requestBody);
    }
  }
  for (const name of [...reached].sort()) {
    const schema = schemas[name];
    if (schema) moveDefaults(schema);
  }
  return document;
}

function moveDefaults(schema: Schema): void {
  if (isReference(schema)) return;
  const properties = schema.properties ?? {};
  for (const [name, property] of Object.entries(properties)) {
    if (!isReference(property) && property.default !== undefined && !schema.required?.includes(name)) {
      const { default: value, ...rest } = property;
      properties[name] = { ...rest, allOf: [...(rest.allOf ?? []), { default: value }] };
    }
    const moved = properties[name];
    if (moved) moveDefaults(moved);
  }
  if (schema.items) moveDefaults(schema.items);
}
