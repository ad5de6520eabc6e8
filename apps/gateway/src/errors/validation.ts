import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { DomainError, ErrorCode, flattenValidationErrors } from '@itsm/contracts';

/** Turns class-validator's tree into one VALIDATION error naming each field by its dotted path. */
export function validationExceptionFactory(errors: ValidationError[]): DomainError {
  const fields = flattenValidationErrors(errors);
  const named = [...new Set(fields.map((error) => error.field).filter((field) => field.length > 0))];
  const detail = named.length > 0 ? `request has invalid fields: ${named.join(', ')}` : 'request is not valid';
  return new DomainError(ErrorCode.VALIDATION, detail, { errors: fields.length > 0 ? fields : [{ field: '', message: 'request is not valid' }] });
}

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The ValidationPipe, refusing first a body that is not a JSON object (absent, text, array, null). */
class GatewayValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && this.toValidate(metadata) && !isJsonObject(value)) {
      throw new DomainError(ErrorCode.VALIDATION, 'request body must be a JSON object', { errors: [{ field: '', message: 'body must be a JSON object' }] });
    }
    return super.transform(value, metadata);
  }
}

/** Bodies, parameters and queries: unknown fields and malformed values are refused with 400. */
export function createValidationPipe(): ValidationPipe {
  return new GatewayValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: validationExceptionFactory,
  });
}
