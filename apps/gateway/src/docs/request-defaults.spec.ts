import type { OpenAPIObject } from '@nestjs/swagger';
import { declareRequestDefaults } from './request-defaults';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function documentWith(schemas: Record<string, object>): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 'test', version: '1' },
    paths: {
      '/things': {
        post: {
          requestBody: { content: { 'application/json': { schema: ref('CreateThing') } } },
          responses: { '201': { description: 'created', content: { 'application/json': { schema: ref('ThingView') } } } },
        },
      },
    },
    components: { schemas },
  } as OpenAPIObject;
}

describe('declareRequestDefaults', () => {
  it('states the default of an optional request field inside allOf, in the body schema and in the schemas it reaches', () => {
    const document = declareRequestDefaults(
      documentWith({
        Channel: { type: 'string', enum: ['api', 'email'] },
        CreateThing: {
          type: 'object',
          required: ['title'],
          properties: {
            title: { type: 'string' },
            channel: { default: 'api', allOf: [ref('Channel')] },
            target: ref('Target'),
            tags: { type: 'array', items: { type: 'string' }, default: [] },
          },
        },
        Target: { type: 'object', properties: { timeoutMs: { type: 'integer', default: 10000 } } },
        ThingView: { type: 'object', required: ['title'], properties: { title: { type: 'string' }, enabled: { type: 'boolean', default: true } } },
      }),
    );
    const schemas = document.components?.schemas ?? {};
    expect(schemas['CreateThing']).toEqual({
      type: 'object',
      required: ['title'],
      properties: {
        title: { type: 'string' },
        channel: { allOf: [ref('Channel'), { default: 'api' }] },
        target: ref('Target'),
        tags: { type: 'array', items: { type: 'string' }, allOf: [{ default: [] }] },
      },
    });
    expect(schemas['Target']).toEqual({ type: 'object', properties: { timeoutMs: { type: 'integer', allOf: [{ default: 10000 }] } } });
  });

  it('leaves the defaults of schemas that only answers use, where the field is always filled in', () => {
    const view = { type: 'object', required: ['title'], properties: { title: { type: 'string' }, enabled: { type: 'boolean', default: true } } };
    const document = declareRequestDefaults(documentWith({ CreateThing: { type: 'object', properties: {} }, ThingView: structuredClone(view) }));
    expect(document.components?.schemas?.['ThingView']).toEqual(view);
  });
});
