import { LAPTOP_FORM_SCHEMA_EXAMPLE } from '@itsm/contracts';
import { FORM_SCHEMA_DIALECT, FormSchemas } from './form-schema';

const laptop = { id: 'laptop', version: 1, formSchema: LAPTOP_FORM_SCHEMA_EXAMPLE };

describe('catalog form schemas', () => {
  const forms = new FormSchemas();

  it('accepts a JSON Schema 2020-12 object form, with or without $schema', () => {
    expect(forms.checkSchema(LAPTOP_FORM_SCHEMA_EXAMPLE)).toEqual([]);
    expect(forms.checkSchema({ ...LAPTOP_FORM_SCHEMA_EXAMPLE, $schema: FORM_SCHEMA_DIALECT })).toEqual([]);
  });

  it.each([
    ['a form that is not an object', { type: 'string' }, 'formSchema.type'],
    ['an unknown type', { type: 'object', properties: { a: { type: 'text' } } }, 'formSchema.properties.a.type'],
    ['an unknown keyword', { type: 'object', properties: { a: { type: 'string', colour: 'red' } } }, 'formSchema'],
    ['a required field that is not a property', { type: 'object', properties: {}, required: ['laptopModle'] }, 'formSchema'],
    ['another dialect', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }, 'formSchema.$schema'],
    ['a reference that cannot be resolved', { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } }, 'formSchema'],
  ])('refuses %s, naming where', (_label, schema, field) => {
    const errors = forms.checkSchema(schema);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((error) => error.field)).toContain(field);
  });

  it('accepts answers that fit the form', () => {
    expect(forms.validateAnswers(laptop, { laptopModel: 'developer-16', neededBy: '2027-01-15' })).toEqual([]);
  });

  it('names each wrong answer as answers.<field>', () => {
    const errors = forms.validateAnswers(laptop, { laptopModel: 'gaming-17', keyboardLayout: 'x', neededBy: 'tomorrow', colour: 'red' });
    expect(errors.map((error) => error.field).sort()).toEqual(['answers.colour', 'answers.keyboardLayout', 'answers.laptopModel', 'answers.neededBy']);
    expect(errors).toContainEqual({ field: 'answers.colour', message: 'is not a field of this form' });
  });

  it('names a missing answer and a nested one by their path', () => {
    const nested = { id: 'nested', version: 1, formSchema: { type: 'object', properties: { desk: { type: 'object', properties: { floor: { type: 'integer' } }, required: ['floor'] } }, required: ['desk'] } };
    expect(forms.validateAnswers(laptop, {})).toEqual([{ field: 'answers.laptopModel', message: 'is required' }]);
    expect(forms.validateAnswers(nested, { desk: {} })).toEqual([{ field: 'answers.desk.floor', message: 'is required' }]);
    expect(forms.validateAnswers(nested, { desk: { floor: 'third' } })).toEqual([{ field: 'answers.desk.floor', message: 'must be integer' }]);
  });

  it('compiles a form once per item version and keeps a bounded number', () => {
    const small = new FormSchemas(2);
    small.validateAnswers({ ...laptop, id: 'a' }, {});
    small.validateAnswers({ ...laptop, id: 'a' }, {});
    expect(small.cachedForms).toBe(1);
    small.validateAnswers({ ...laptop, id: 'a', version: 2 }, {});
    small.validateAnswers({ ...laptop, id: 'b' }, {});
    expect(small.cachedForms).toBe(2);
  });

  it('keeps forms that use the same $id apart', () => {
    const first = { id: 'x', version: 1, formSchema: { $id: 'https://forms.example.com/form.json', type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } };
    const second = { id: 'y', version: 1, formSchema: { $id: 'https://forms.example.com/form.json', type: 'object', properties: { b: { type: 'integer' } }, required: ['b'] } };
    expect(forms.validateAnswers(first, { a: 'ok' })).toEqual([]);
    expect(forms.validateAnswers(second, { b: 1 })).toEqual([]);
  });
});
