import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { problemResponse } from '../errors/api-problem-responses.decorator';
import { ProblemDto } from '../errors/problem.dto';

export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'openapi.json';

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('ITSM suite API')
    .setDescription(
      'REST API of the IT Service Management suite. Errors are RFC 9457 `application/problem+json`; ' +
        'every response carries `x-correlation-id` (taken from the request when sent).',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 token with claims sub, name, roles, groups.' })
    .build();
  return declareUnsupportedMediaType(SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] }));
}

const BODY_METHODS = ['post', 'put', 'patch'] as const;

/**
 * Every route a body may be sent to answers 415 for a media type it does not take (see `refuseUnsupportedBodies`):
 * said here once for all of them, so that no route can leave it out.
 */
export function declareUnsupportedMediaType(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of BODY_METHODS) {
      const operation = path[method];
      if (operation && !operation.responses['415']) operation.responses['415'] = problemResponse(415);
    }
  }
  return document;
}

/** Swagger UI at `/docs` and the document at `/openapi.json`, outside the `/v1` prefix and without a token. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'ITSM suite API',
  });
}
