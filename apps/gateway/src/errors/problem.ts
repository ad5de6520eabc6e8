/** RFC 9457 problem details: the one shape of every error the gateway answers. */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { DomainError, ErrorCode, type FieldError, HTTP_STATUS_BY_CODE } from '@itsm/contracts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  /** The refusing domain's own code (`INCIDENT_REOPEN_WINDOW_PASSED`), where it gave one. */
  reason?: string;
  errors?: FieldError[];
  errorId?: string;
  /** Extension members from the error's details, e.g. `allowed` of a refused transition, `currentVersion` of a 412. */
  [extension: string]: unknown;
}

/** Members a detail may not overwrite: the standard ones, and those the gateway itself controls. */
const RESERVED_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'reason', 'errors', 'errorId']);

/** A problem, and whether (and why) it must be logged: every 500 is logged under its errorId. */
export interface ProblemOutcome {
  problem: Problem;
  log?: { errorId: string; cause: unknown };
}

const TITLES: Readonly<Record<ErrorCode, string>> = {
  [ErrorCode.VALIDATION]: 'Invalid request',
  [ErrorCode.UNAUTHENTICATED]: 'Authentication required',
  [ErrorCode.FORBIDDEN]: 'Forbidden',
  [ErrorCode.NOT_FOUND]: 'Not found',
  [ErrorCode.CONFLICT]: 'Conflict',
  [ErrorCode.INVALID_TRANSITION]: 'Invalid state transition',
  [ErrorCode.PRECONDITION_FAILED]: 'Precondition failed',
  [ErrorCode.UNPROCESSABLE]: 'Unprocessable request',
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 'Unsupported media type',
  [ErrorCode.TOO_MANY_REQUESTS]: 'Too many requests',
  [ErrorCode.UNAVAILABLE]: 'Service unavailable',
  [ErrorCode.TIMEOUT]: 'Service timed out',
  [ErrorCode.INTERNAL]: 'Internal error',
};

const INTERNAL_DETAIL = 'An unexpected error occurred. Quote the errorId when reporting it.';

/** Problem type URI of an error code, e.g. `urn:itsm:problem:invalid-transition`. */
export function problemType(code: ErrorCode): string {
  return `urn:itsm:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(HTTP_STATUS_BY_CODE, value);
}

/** The code of an HTTP status that did not come with one (Nest and Fastify errors). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return ErrorCode.UNAUTHENTICATED;
    case 403:
      return ErrorCode.FORBIDDEN;
    case 404:
    case 405:
      return ErrorCode.NOT_FOUND;
    case 409:
      return ErrorCode.CONFLICT;
    case 412:
      return ErrorCode.PRECONDITION_FAILED;
    case 415:
      return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case 422:
      return ErrorCode.UNPROCESSABLE;
    case 429:
      return ErrorCode.TOO_MANY_REQUESTS;
    case 502:
    case 503:
      return ErrorCode.UNAVAILABLE;
    case 504:
      return ErrorCode.TIMEOUT;
    default:
      return status >= 500 ? ErrorCode.INTERNAL : ErrorCode.VALIDATION;
  }
}

function internal(instance: string, cause: unknown, errorId: string): ProblemOutcome {
  return {
    problem: {
      type: problemType(ErrorCode.INTERNAL),
      title: TITLES[ErrorCode.INTERNAL],
      status: 500,
      detail: INTERNAL_DETAIL,
      instance,
      code: ErrorCode.INTERNAL,
      errorId,
    },
    log: { errorId, cause },
  };
}

function fieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const errors = value.filter(
    (item): item is FieldError => typeof item === 'object' && item !== null && typeof item.field === 'string' && typeof item.message === 'string',
  );
  return errors.length > 0 ? errors.map(({ field, message }) => ({ field, message })) : undefined;
}

function fromDomainError(error: DomainError, instance: string, newErrorId: () => string): ProblemOutcome {
  if (!isErrorCode(error.code) || error.code === ErrorCode.INTERNAL) {
    // A service's errorId names the log line that holds the cause; keep it so both logs meet.
    const remoteId = error.details?.errorId;
    return internal(instance, error, typeof remoteId === 'string' && remoteId.length > 0 ? remoteId : newErrorId());
  }
  const problem: Problem = {
    type: problemType(error.code),
    title: TITLES[error.code],
    status: HTTP_STATUS_BY_CODE[error.code],
    detail: error.message,
    instance,
    code: error.code,
    ...(error.reason ? { reason: error.reason } : {}),
  };
  for (const [member, value] of Object.entries(error.details ?? {})) {
    if (!RESERVED_MEMBERS.has(member) && /^[a-zA-Z][a-zA-Z0-9]*$/.test(member) && value !== undefined) problem[member] = value;
  }
  const errors = fieldErrors(error.details?.errors);
  if (errors) problem.errors = errors;
  return { problem };
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function fromHttpException(exception: HttpException, instance: string, newErrorId: () => string): ProblemOutcome {
  const status = exception.getStatus();
  const code = codeForStatus(status);
  if (code === ErrorCode.INTERNAL) return internal(instance, exception, newErrorId());
  // Statuses that are not the one of their code carry no meaning beyond the status: `about:blank` (RFC 9457 §4.2.1).
  const own = HTTP_STATUS_BY_CODE[code] === status;
  return {
    problem: {
      type: own ? problemType(code) : 'about:blank',
      title: own ? TITLES[code] : (STATUS_CODES[status] ?? 'Error'),
      status,
      detail: messageOf(exception),
      instance,
      code,
    },
  };
}

/**
 * Maps anything thrown while serving a request to problem details. Domain and RPC errors keep the status of
 * their code; Nest and Fastify HTTP errors keep theirs; anything else is a 500 with a fresh errorId and no
 * internals in the body.
 */
export function toProblem(error: unknown, instance: string, newErrorId: () => string = randomUUID): ProblemOutcome {
  if (error instanceof DomainError) return fromDomainError(error, instance, newErrorId);
  if (error instanceof HttpException) return fromHttpException(error, instance, newErrorId);
  return internal(instance, error, newErrorId());
}
