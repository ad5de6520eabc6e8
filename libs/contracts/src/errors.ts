/** Error codes every service uses in RPC replies; the gateway maps each to one HTTP status. */
export enum ErrorCode {
  VALIDATION = 'VALIDATION',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  PRECONDITION_FAILED = 'PRECONDITION_FAILED',
  UNPROCESSABLE = 'UNPROCESSABLE',
  UNAVAILABLE = 'UNAVAILABLE',
  TIMEOUT = 'TIMEOUT',
  INTERNAL = 'INTERNAL',
}

export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.VALIDATION]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.INVALID_TRANSITION]: 409,
  [ErrorCode.PRECONDITION_FAILED]: 412,
  [ErrorCode.UNPROCESSABLE]: 422,
  [ErrorCode.UNAVAILABLE]: 503,
  [ErrorCode.TIMEOUT]: 504,
  [ErrorCode.INTERNAL]: 500,
};

/** One problem with one input field. */
export interface FieldError {
  field: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: { errors?: FieldError[]; errorId?: string; [key: string]: unknown };
}

export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/**
 * A failure with a code from {@link ErrorCode}; thrown by use cases, turned into an RPC error reply by the
 * service and into problem+json by the gateway.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}
