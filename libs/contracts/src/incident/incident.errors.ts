import { DomainError, ErrorCode, type ErrorDetails, type ErrorKinds } from '../errors';

/** What the incident domain refuses (incidents and their routing rules): the `reason` of its error replies and problems. */
export enum IncidentErrorCode {
  NotFound = 'INCIDENT_NOT_FOUND',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const INCIDENT_ERROR_KINDS: ErrorKinds<IncidentErrorCode> = {
  [IncidentErrorCode.NotFound]: ErrorCode.NOT_FOUND,
};

export class IncidentError extends DomainError {
  constructor(reason: IncidentErrorCode, message: string, details?: ErrorDetails) {
    super(INCIDENT_ERROR_KINDS[reason], message, details, reason);
    this.name = 'IncidentError';
  }
}
