/** Values the JSON Schemas of an OpenAPI document allow, as fast-check arbitraries (the subset of JSON Schema the document uses). */
import fc from 'fast-check';

export type Schema = Record<string, unknown>;

/** The part of an OpenAPI document the generator reads: its named schemas. */
export interface SchemaDocument {
  components?: { schemas?: Record<string, unknown> };
}

/** A fast-check arbitrary of the values a schema of the document allows (the JSON Schema subset the document uses). */
export function arbitraryOf(document: SchemaDocument, input: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = flatten(document, input);
  const nullable = schema['nullable'] === true;
  const value = nonNullArbitrary(document, schema, depth);
  return nullable ? fc.oneof(value, fc.constant(null)) : value;
}

/** `$ref` resolved and `allOf` merged into one schema; patterns of several parts are all kept. */
export function flatten(document: SchemaDocument, input: Schema): Schema {
  const ref = input['$ref'];
  if (typeof ref === 'string') return flatten(document, (document.components?.schemas?.[ref.split('/').pop() ?? ''] ?? {}) as Schema);
  const { allOf, ...rest } = input;
  if (!Array.isArray(allOf)) return rest;
  let merged: Schema = { ...rest };
  const patterns = typeof rest['pattern'] === 'string' ? [rest['pattern']] : [];
  for (const part of allOf as Schema[]) {
    const flat = flatten(document, part);
    if (typeof flat['pattern'] === 'string') patterns.push(flat['pattern']);
    merged = { ...flat, ...merged };
  }
  return patterns.length > 0 ? { ...merged, pattern: patterns[0], patterns } : merged;
}

function nonNullArbitrary(document: SchemaDocument, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const branches = (schema['oneOf'] ?? schema['anyOf']) as Schema[] | undefined;
  if (Array.isArray(branches)) return fc.oneof(...branches.map((branch) => arbitraryOf(document, branch, depth)));
  if (Array.isArray(schema['enum'])) {
    const values = (schema['enum'] as unknown[]).filter((value) => value !== null);
    return values.length > 0 ? fc.constantFrom(...values) : fc.constant(null);
  }
  switch (schema['type']) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return fc.integer({ min: numberOr(schema['minimum'], -1_000_000), max: numberOr(schema['maximum'], 1_000_000) });
    case 'number':
      return fc.double({ min: numberOr(schema['minimum'], -1_000_000), max: numberOr(schema['maximum'], 1_000_000), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return arrayArbitrary(document, schema, depth);
    case 'object':
      return objectArbitrary(document, schema, depth);
    default:
      return schema['properties'] ? objectArbitrary(document, schema, depth) : fc.constantFrom('any', 1, true);
  }
}

function numberOr(value: unknown, otherwise: number): number {
  return typeof value === 'number' ? value : otherwise;
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const minLength = numberOr(schema['minLength'], 0);
  const maxLength = numberOr(schema['maxLength'], 40);
  const fits = (text: string): boolean => [...text].length >= minLength && [...text].length <= maxLength;
  const patterns = ((schema['patterns'] as string[] | undefined) ?? (typeof schema['pattern'] === 'string' ? [schema['pattern']] : [])).map((source) => new RegExp(source, 'u'));
  const matchesAll = (text: string): boolean => patterns.every((pattern) => pattern.test(text));
  let base: fc.Arbitrary<string>;
  if (schema['format'] === 'uuid') base = fc.uuid({ version: 4 });
  else if (schema['format'] === 'date-time') base = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString());
  else if (schema['format'] === 'date') base = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
  else if (schema['format'] === 'email') base = fc.emailAddress();
  else if (schema['format'] === 'uri') base = fc.webUrl({ validSchemes: ['https'] });
  // fast-check builds strings from a pattern without lookarounds; the filter below applies the whole pattern.
  else if (patterns[0]) base = fc.stringMatching(new RegExp(patterns[0].source.replace(/\(\?<?[=!][^()]*\)/g, ''), 'u'), { size: 'small' });
  else base = fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 20) });
  return base.filter((text) => fits(text) && matchesAll(text));
}

function arrayArbitrary(document: SchemaDocument, schema: Schema, depth: number): fc.Arbitrary<unknown[]> {
  const items = arbitraryOf(document, (schema['items'] ?? {}) as Schema, depth + 1);
  const minLength = numberOr(schema['minItems'], 0);
  const maxLength = Math.min(numberOr(schema['maxItems'], 3), minLength + 3);
  return schema['uniqueItems'] === true ? fc.uniqueArray(items, { minLength, maxLength, selector: (item) => JSON.stringify(item) }) : fc.array(items, { minLength, maxLength });
}

function objectArbitrary(document: SchemaDocument, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  const required = (schema['required'] as string[] | undefined) ?? [];
  if (Object.keys(properties).length === 0) return fc.constant({});
  // Deep optional members are left out so that samples stay small; required ones are always built.
  const names = Object.keys(properties).filter((name) => required.includes(name) || depth < 3);
  const arbitraries = Object.fromEntries(names.map((name) => [name, arbitraryOf(document, properties[name] ?? {}, depth + 1)]));
  return fc.record(arbitraries, { requiredKeys: names.filter((name) => required.includes(name)) });
}
