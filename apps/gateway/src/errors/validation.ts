import { type ArgumentMetadata, type Paramtype, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import type { FastifyInstance } from 'fastify';
import { CommonError, CommonErrorCode, type FieldError, flattenValidationErrors, inputProblems, missingRequiredFields } from '@itsm/contracts';

/** What a field the DTO does not declare is not, by where it was sent. */
const UNKNOWN_FIELD_IS: Readonly<Record<Paramtype, string>> = {
  body: 'a field of this body',
  custom: 'a field of this body',
  query: 'a parameter of this route',
  param: 'a parameter of this route',
};

/**
 * Turns class-validator's tree into one INVALID_REQUEST error naming each field by its dotted path, with one
 * message per field (the rules of `flattenValidationErrors`, the same the services apply).
 */
export function validationExceptionFactory(errors: ValidationError[], where: Paramtype = 'body'): CommonError {
  const fields = flattenValidationErrors(errors, { unknownFieldIs: UNKNOWN_FIELD_IS[where] });
  const named = [...new Set(fields.map((error) => error.field).filter((field) => field.length > 0))];
  const detail = named.length > 0 ? `request has invalid fields: ${named.join(', ')}` : 'request is not valid';
  return new CommonError(CommonErrorCode.InvalidRequest, detail, { errors: fields.length > 0 ? fields : [{ field: '', message: 'request is not valid' }] });
}

/** The body of a JSON route that is not a JSON object (absent, an array, null, a bare string or number). */
export function notAJsonObject(): CommonError {
  return new CommonError(CommonErrorCode.InvalidRequest, 'request body must be a JSON object', { errors: [{ field: '', message: 'body must be a JSON object' }] });
}

/** Input that breaks a rule of every value (see `inputProblems`): a string with NUL, objects nested too deep. */
export function invalidInput(errors: FieldError[]): CommonError {
  const named = [...new Set(errors.map((error) => error.field).filter((field) => field.length > 0))];
  const detail = named.length > 0 ? `request has invalid fields: ${named.join(', ')}` : 'request is not valid';
  return new CommonError(CommonErrorCode.InvalidRequest, detail, { errors });
}

/**
 * Fastify's JSON parser (prototype poisoning refused), then the rules of every value on the whole body: no string
 * with NUL or an unpaired surrogate, no nesting deeper than the limit. Checked once per body, before any class
 * transformer or validator walks it.
 */
export function parseJsonBodiesWithinRules(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, typeof body === 'string' ? body : body.toString('utf8'), (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      const problems = inputProblems(value, '', 'body');
      return problems.length > 0 ? done(invalidInput(problems), undefined) : done(null, value);
    });
  });
}

/** What a whole value is called in a message, by where it was sent. */
const WHOLE_VALUE_IS: Readonly<Record<Paramtype, string>> = { body: 'body', custom: 'body', query: 'query', param: 'path' };

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Carries class-validator's errors out of Nest's pipe to {@link GatewayValidationPipe}, which knows where they were. */
class InvalidFields extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('invalid fields');
  }
}

/**
 * The ValidationPipe, refusing first a body that is not a JSON object, and naming an unknown field as a parameter
 * of the route or a field of the body.
 */
class GatewayValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Every body, query and path parameter, whatever its type and whether or not a class describes it; a custom
    // parameter (the actor, say) only where this pipe is asked to validate it.
    if (metadata.type !== 'custom' || this.validateCustomDecorators) {
      const problems = inputProblems(value, metadata.data ?? '', WHOLE_VALUE_IS[metadata.type]);
      if (problems.length > 0) throw invalidInput(problems);
    }
    if (metadata.type === 'body' && this.toValidate(metadata) && !isJsonObject(value)) throw notAJsonObject();
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof InvalidFields) throw validationExceptionFactory(error.errors, metadata.type);
      throw error;
    }
  }

  /** class-validator's rules, and a declared property that is not optional is required (the rule of `validatePayload`). */
  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, validatorOptions);
    return [...errors, ...missingRequiredFields(object)];
  }
}

/**
 * Bodies, parameters and queries: unknown fields and malformed values are refused with 400. `target` and `value`
 * stay in class-validator's errors (nothing of them reaches the answer): the unknown-field hint reads the DTO from
 * the target, the "is required" message the value.
 */
export function createValidationPipe(options: Pick<ValidationPipeOptions, 'validateCustomDecorators'> = {}): ValidationPipe {
  return new GatewayValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: true, value: true },
    exceptionFactory: (errors) => new InvalidFields(errors),
    ...options,
  });
}
