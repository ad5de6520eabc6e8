import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { ProblemDto } from './problem.dto';

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'The request is malformed or a field is not valid (each is named in `errors`).',
  401: 'No bearer token or API key, or one that is invalid, expired or revoked.',
  403: 'The caller has none of the roles the operation needs.',
  404: 'No such record, or one the caller may not see.',
  409: 'The record changed meanwhile, or the transition is not allowed.',
  412: 'The `If-Match` version is not the current one.',
  413: 'The body is larger than the gateway accepts.',
  415: 'The body is not of a media type the route takes (`application/json`, unless the route says otherwise).',
  422: 'The request is understood but cannot be carried out: a definition that cannot be used as given (overlapping business hours, a policy that matches nothing), an Idempotency-Key reused with another body, a referenced record that does not exist. `errors` names the fields.',
  429: 'Too many at once: the caller holds as many of these as one user may (`reason` says which); `Retry-After` says when to try again.',
  500: 'Unexpected error; the body carries an `errorId`.',
  503: 'The service behind the gateway is not answering.',
  504: 'The service behind the gateway did not answer in time.',
};

/** The OpenAPI response of a problem+json answer with this status. */
export function problemResponse(status: number): { description: string; content: Record<string, { schema: { $ref: string } }> } {
  return { description: DESCRIPTIONS[status] ?? 'Error', content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } } };
}

/** Documents problem+json answers for these statuses. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiExtraModels(ProblemDto), ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })));
}
