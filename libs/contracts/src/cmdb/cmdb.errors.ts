import { DomainError, ErrorCode, type ErrorDetails, type ErrorKinds } from '../errors';

/** What the cmdb domain refuses (CI classes, CIs, relationships, impact analysis and imports): the `reason` of its error replies and problems. */
export enum CmdbErrorCode {
  NotFound = 'CMDB_NOT_FOUND',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const CMDB_ERROR_KINDS: ErrorKinds<CmdbErrorCode> = {
  [CmdbErrorCode.NotFound]: ErrorCode.NOT_FOUND,
};

export class CmdbError extends DomainError {
  constructor(reason: CmdbErrorCode, message: string, details?: ErrorDetails) {
    super(CMDB_ERROR_KINDS[reason], message, details, reason);
    this.name = 'CmdbError';
  }
}
