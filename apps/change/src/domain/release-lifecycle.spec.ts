import { ChangeErrorCode, ErrorCode, ReleaseState } from '@itsm/contracts';
import { allowedReleaseMoves, checkReleaseTransition, FINAL_RELEASE_STATES, isFinalReleaseState, RELEASE_TRANSITIONS, releaseTransitionRefusalError } from './release-lifecycle';

const S = ReleaseState;
const STATES = Object.values(ReleaseState);
const OPEN = [S.Planning, S.Build, S.Test, S.Deploy];

describe('release lifecycle', () => {
  it('moves a release forward one stage at a time: planning → build → test → deploy → closed', () => {
    const path = [S.Planning, S.Build, S.Test, S.Deploy, S.Closed];
    for (const [index, from] of path.slice(0, -1).entries()) {
      const to = path[index + 1] as ReleaseState;
      expect(checkReleaseTransition(from, { to })).toEqual({ ok: true, changes: { state: to } });
    }
  });

  it('refuses skipping a stage, going back, or staying put, with the moves the state has', () => {
    expect(checkReleaseTransition(S.Planning, { to: S.Test })).toEqual({ ok: false, refusal: { kind: 'not_allowed', from: S.Planning, to: S.Test, allowed: [S.Build, S.Canceled] } });
    expect(checkReleaseTransition(S.Deploy, { to: S.Build })).toMatchObject({ ok: false, refusal: { kind: 'not_allowed', allowed: [S.Closed, S.Canceled] } });
    expect(checkReleaseTransition(S.Build, { to: S.Build })).toMatchObject({ ok: false, refusal: { kind: 'not_allowed' } });
  });

  it('cancels from every open state with the reason kept, trimmed', () => {
    for (const from of OPEN) {
      expect(checkReleaseTransition(from, { to: S.Canceled, reason: '  Postponed to December.  ' })).toEqual({ ok: true, changes: { state: S.Canceled, cancelReason: 'Postponed to December.' } });
    }
  });

  it('refuses a cancellation without a reason, or with a blank one, after checking the move', () => {
    expect(checkReleaseTransition(S.Test, { to: S.Canceled })).toEqual({ ok: false, refusal: { kind: 'reason_required', from: S.Test, to: S.Canceled } });
    expect(checkReleaseTransition(S.Test, { to: S.Canceled, reason: '   ' })).toMatchObject({ ok: false, refusal: { kind: 'reason_required' } });
    expect(checkReleaseTransition(S.Closed, { to: S.Canceled })).toMatchObject({ ok: false, refusal: { kind: 'not_allowed', allowed: [] } });
  });

  it('has no move out of closed or canceled, and only those are final', () => {
    expect(FINAL_RELEASE_STATES).toEqual([S.Closed, S.Canceled]);
    for (const state of STATES) {
      expect(isFinalReleaseState(state)).toBe(allowedReleaseMoves(state).length === 0);
      for (const to of STATES) expect(checkReleaseTransition(state, { to, reason: 'why not' }).ok).toBe(RELEASE_TRANSITIONS[state].includes(to));
    }
  });

  it('answers a refused move with 409 CHANGE_RELEASE_INVALID_TRANSITION listing the allowed moves, and a missing reason with 422 naming it', () => {
    const invalid = releaseTransitionRefusalError({ kind: 'not_allowed', from: S.Closed, to: S.Build, allowed: [] });
    expect(invalid).toMatchObject({ code: ErrorCode.INVALID_TRANSITION, reason: ChangeErrorCode.ReleaseInvalidTransition, details: { from: S.Closed, to: S.Build, allowed: [] } });
    expect(invalid.message).toContain('none (the state is final)');
    const missing = releaseTransitionRefusalError({ kind: 'reason_required', from: S.Build, to: S.Canceled });
    expect(missing).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.ReasonRequired, details: { field: 'reason', errors: [{ field: 'reason', message: 'is required to move to canceled' }] } });
  });
});
