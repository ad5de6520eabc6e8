import { DomainError, ErrorCode, type ErrorDetails, type ErrorKinds } from '../errors';

/** What the request domain refuses (service requests and the request catalog): the `reason` of its error replies and problems. */
export enum RequestErrorCode {
  NotFound = 'REQUEST_NOT_FOUND',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const REQUEST_ERROR_KINDS: ErrorKinds<RequestErrorCode> = {
  [RequestErrorCode.NotFound]: ErrorCode.NOT_FOUND,
};

export class RequestError extends DomainError {
  constructor(reason: RequestErrorCode, message: string, details?: ErrorDetails) {
    super(REQUEST_ERROR_KINDS[reason], message, details, reason);
    this.name = 'RequestError';
  }
}
