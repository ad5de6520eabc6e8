import { DomainError, ErrorCode, type ErrorDetails, type ErrorKinds } from '../errors';

/** What the sla domain refuses (calendars, policies, clocks and reports): the `reason` of its error replies and problems. */
export enum SlaErrorCode {
  NotFound = 'SLA_NOT_FOUND',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const SLA_ERROR_KINDS: ErrorKinds<SlaErrorCode> = {
  [SlaErrorCode.NotFound]: ErrorCode.NOT_FOUND,
};

export class SlaError extends DomainError {
  constructor(reason: SlaErrorCode, message: string, details?: ErrorDetails) {
    super(SLA_ERROR_KINDS[reason], message, details, reason);
    this.name = 'SlaError';
  }
}
