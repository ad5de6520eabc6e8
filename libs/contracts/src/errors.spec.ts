import { CommonError, CommonErrorCode, DomainError, ErrorCode } from './errors';
import { IncidentError, IncidentErrorCode } from './incident/incident.errors';

describe('domain errors', () => {
  it('answer with the kind declared for their code and carry the code as reason', () => {
    const error = new IncidentError(IncidentErrorCode.ReopenWindowPassed, 'the reopen window has passed', { resolvedAt: '2026-01-01T00:00:00.000Z' });
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('IncidentError');
    expect(error.toBody()).toEqual({
      code: ErrorCode.INVALID_TRANSITION,
      reason: 'INCIDENT_REOPEN_WINDOW_PASSED',
      message: 'the reopen window has passed',
      details: { resolvedAt: '2026-01-01T00:00:00.000Z' },
    });
  });

  it('tell two refusals of one kind apart by their reason', () => {
    const stale = new CommonError(CommonErrorCode.VersionMismatch, 'stale');
    const notFound = new IncidentError(IncidentErrorCode.NotFound, 'gone');
    expect([stale.code, stale.reason, stale.name]).toEqual([ErrorCode.PRECONDITION_FAILED, 'VERSION_MISMATCH', 'CommonError']);
    expect([notFound.code, notFound.reason]).toEqual([ErrorCode.NOT_FOUND, 'INCIDENT_NOT_FOUND']);
  });
});
