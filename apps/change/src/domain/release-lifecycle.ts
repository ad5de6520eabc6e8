import { ChangeError, ChangeErrorCode, ReleaseState } from '@itsm/contracts';

const { Planning, Build, Test, Deploy, Closed, Canceled } = ReleaseState;

/** The release state machine: planning → build → test → deploy → closed, and canceled from any open state. Closed and canceled are final. */
export const RELEASE_TRANSITIONS: Readonly<Record<ReleaseState, readonly ReleaseState[]>> = {
  [Planning]: [Build, Canceled],
  [Build]: [Test, Canceled],
  [Test]: [Deploy, Canceled],
  [Deploy]: [Closed, Canceled],
  [Closed]: [],
  [Canceled]: [],
};

export const FINAL_RELEASE_STATES: readonly ReleaseState[] = [Closed, Canceled];

export const isFinalReleaseState = (state: ReleaseState): boolean => FINAL_RELEASE_STATES.includes(state);

export function allowedReleaseMoves(state: ReleaseState): readonly ReleaseState[] {
  return RELEASE_TRANSITIONS[state];
}

/** The columns a move sets. */
export interface ReleaseLifecycleChanges {
  state: ReleaseState;
  cancelReason?: string;
}

/**
 * Why a move is refused; {@link releaseTransitionRefusalError} turns it into the error to answer with:
 * - `not_allowed`: no such move → 409 `CHANGE_RELEASE_INVALID_TRANSITION`, details `{ from, to, allowed }`;
 * - `reason_required`: a cancellation without a reason → 422 `CHANGE_REASON_REQUIRED` naming `reason`.
 */
export type ReleaseTransitionRefusal =
  | { kind: 'not_allowed'; from: ReleaseState; to: ReleaseState; allowed: readonly ReleaseState[] }
  | { kind: 'reason_required'; from: ReleaseState; to: ReleaseState };

export type ReleaseTransitionCheck = { ok: true; changes: ReleaseLifecycleChanges } | { ok: false; refusal: ReleaseTransitionRefusal };

const hasText = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** Checks a move of a release in `from` and says what it changes; the move first, then its reason. */
export function checkReleaseTransition(from: ReleaseState, request: { to: ReleaseState; reason?: string | undefined }): ReleaseTransitionCheck {
  const { to } = request;
  const allowed = allowedReleaseMoves(from);
  if (!allowed.includes(to)) return { ok: false, refusal: { kind: 'not_allowed', from, to, allowed } };
  if (to !== Canceled) return { ok: true, changes: { state: to } };
  if (!hasText(request.reason)) return { ok: false, refusal: { kind: 'reason_required', from, to } };
  return { ok: true, changes: { state: to, cancelReason: request.reason.trim() } };
}

/** The error a refused move is answered with (see {@link ReleaseTransitionRefusal}); details always carry `from` and `to`. */
export function releaseTransitionRefusalError(refusal: ReleaseTransitionRefusal): ChangeError {
  const { from, to } = refusal;
  if (refusal.kind === 'reason_required') {
    return new ChangeError(ChangeErrorCode.ReasonRequired, `the move to ${to} needs reason`, { from, to, field: 'reason', errors: [{ field: 'reason', message: `is required to move to ${to}` }] });
  }
  const list = refusal.allowed.length > 0 ? refusal.allowed.join(', ') : 'none (the state is final)';
  return new ChangeError(ChangeErrorCode.ReleaseInvalidTransition, `a release cannot move from ${from} to ${to}; allowed: ${list}`, { from, to, allowed: refusal.allowed });
}
