import { CommonError, CommonErrorCode } from '@itsm/contracts';

/**
 * Optimistic concurrency: a command that names the version it was based on (HTTP `If-Match`) is refused when
 * the record has moved on since, instead of silently overwriting someone else's change.
 */
export function assertVersion(what: string, actual: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== actual) {
    throw new CommonError(CommonErrorCode.VersionMismatch, `${what} has changed: it is at version ${actual}, the request was based on version ${expected}`, {
      currentVersion: actual,
      expectedVersion: expected,
    });
  }
}
