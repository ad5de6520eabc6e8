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
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
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
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.TOO_MANY_REQUESTS]: 429,
  [ErrorCode.UNAVAILABLE]: 503,
  [ErrorCode.TIMEOUT]: 504,
  [ErrorCode.INTERNAL]: 500,
};

/** One problem with one input field. */
export interface FieldError {
  field: string;
  message: string;
}

export type ErrorDetails = { errors?: FieldError[]; errorId?: string; [key: string]: unknown };

export interface ErrorBody {
  /** The kind of failure, which decides the HTTP status. */
  code: ErrorCode;
  /**
   * What exactly went wrong, as a code of the domain that refused (`INCIDENT_REOPEN_WINDOW_PASSED`,
   * `VERSION_MISMATCH`): two refusals of one kind are told apart by it, not by their text.
   */
  reason?: string;
  message: string;
  details?: ErrorDetails;
}

export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/**
 * A failure with a kind from {@link ErrorCode} and, thrown by a domain, the domain's own code as `reason`; thrown
 * by use cases, turned into an RPC error reply by the service and into problem+json by the gateway. Domains
 * subclass it with their code enum (`IncidentError` + `IncidentErrorCode`); the kind of each code is declared
 * once beside the enum.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      ...(this.reason ? { reason: this.reason } : {}),
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** The kind (and so the HTTP status) of each code of a domain's error enum. */
export type ErrorKinds<C extends string> = Readonly<Record<C, ErrorCode>>;

/**
 * The base of a domain's error class, thrown with a code of its enum and answered with that code's kind:
 * `export class IncidentError extends errorOfCodes(INCIDENT_ERROR_KINDS) {}`.
 */
export function errorOfCodes<C extends string>(kinds: ErrorKinds<C>) {
  return class extends DomainError {
    constructor(reason: C, message: string, details?: ErrorDetails) {
      super(kinds[reason], message, details, reason);
      this.name = new.target.name;
    }
  };
}

/** Refusals the shared plumbing makes on behalf of every domain. */
export enum CommonErrorCode {
  /** A request that does not match its declared shape (a field missing, malformed or unknown). */
  InvalidRequest = 'INVALID_REQUEST',
  /** A body of a media type the route does not take. */
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  /** A command without an authenticated caller. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** The caller holds none of the roles the operation is declared for. */
  RoleRequired = 'ROLE_REQUIRED',
  /** `If-Match` named a version the record has moved on from. */
  VersionMismatch = 'VERSION_MISMATCH',
  /** A `cursor` that is not a `nextCursor` of the same list. */
  InvalidCursor = 'INVALID_CURSOR',
  /** An `Idempotency-Key` used before with another request. */
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  /** The caller already holds as many live event streams as one user may. */
  TooManyStreams = 'TOO_MANY_STREAMS',
  /** The caller has used up its quota of requests of this class in the current window. */
  RateLimited = 'RATE_LIMITED',
  /** The gateway replica holds as many requests in progress as it takes; another replica, or a later try, may serve it. */
  Overloaded = 'OVERLOADED',
  /** The request was not answered within its deadline (`REQUEST_TIMEOUT_MS`). */
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
}

export const COMMON_ERROR_KINDS: ErrorKinds<CommonErrorCode> = {
  [CommonErrorCode.InvalidRequest]: ErrorCode.VALIDATION,
  [CommonErrorCode.UnsupportedMediaType]: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  [CommonErrorCode.Unauthenticated]: ErrorCode.UNAUTHENTICATED,
  [CommonErrorCode.RoleRequired]: ErrorCode.FORBIDDEN,
  [CommonErrorCode.VersionMismatch]: ErrorCode.PRECONDITION_FAILED,
  [CommonErrorCode.InvalidCursor]: ErrorCode.VALIDATION,
  [CommonErrorCode.IdempotencyKeyReused]: ErrorCode.UNPROCESSABLE,
  [CommonErrorCode.TooManyStreams]: ErrorCode.TOO_MANY_REQUESTS,
  [CommonErrorCode.RateLimited]: ErrorCode.TOO_MANY_REQUESTS,
  [CommonErrorCode.Overloaded]: ErrorCode.UNAVAILABLE,
  [CommonErrorCode.DeadlineExceeded]: ErrorCode.TIMEOUT,
};

export class CommonError extends errorOfCodes(COMMON_ERROR_KINDS) {}
