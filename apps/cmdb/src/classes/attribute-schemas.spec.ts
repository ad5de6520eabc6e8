import { AttributeSchemas } from './attribute-schemas';

const database = {
  name: 'database',
  version: 1,
  attributeSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['engine'],
    properties: { engine: { enum: ['postgresql', 'mysql'] }, port: { type: 'integer', minimum: 1, maximum: 65535 }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
  },
};

describe('attribute schemas', () => {
  const schemas = new AttributeSchemas();

  it('accepts a JSON Schema 2020-12 object schema, with or without $schema', () => {
    expect(schemas.checkSchema(database.attributeSchema)).toEqual([]);
    expect(schemas.checkSchema({ type: 'object', properties: { a: { type: 'string' } } })).toEqual([]);
  });

  it.each([
    ['a schema that is not an object', { type: 'string' }, 'attributeSchema.type'],
    ['an unknown type', { type: 'object', properties: { a: { type: 'text' } } }, 'attributeSchema.properties.a.type'],
    ['an unknown keyword', { type: 'object', properties: { a: { type: 'string', colour: 'red' } } }, 'attributeSchema'],
    ['another dialect', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }, 'attributeSchema.$schema'],
  ])('refuses %s, naming where', (_label, schema, field) => {
    expect(schemas.checkSchema(schema).map((error) => error.field)).toContain(field);
  });

  it('names wrong attributes attributes.<path>, missing ones and nested ones included', () => {
    expect(schemas.validate(database, { engine: 'postgresql', port: 5432 })).toEqual([]);
    expect(schemas.validate(database, { port: 'five', labels: { app: 1 } }).map((error) => error.field).sort()).toEqual(['attributes.engine', 'attributes.labels.app', 'attributes.port']);
    expect(schemas.validate(database, { engine: 'db2' })).toEqual([{ field: 'attributes.engine', message: 'must be one of "postgresql", "mysql"' }]);
  });

  it('compiles a schema once per class version and keeps a bounded number', () => {
    const small = new AttributeSchemas(2);
    small.validate(database, {});
    small.validate(database, {});
    expect(small.cachedSchemas).toBe(1);
    small.validate({ ...database, version: 2 }, {});
    small.validate({ ...database, name: 'other' }, {});
    expect(small.cachedSchemas).toBe(2);
  });
});
