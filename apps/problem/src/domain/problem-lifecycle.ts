import { type FieldError, OPEN_PROBLEM_STATES, ProblemError, ProblemErrorCode, ProblemResolutionCode, ProblemState, type Role, RoleSets, type TransitionProblemDto } from '@itsm/contracts';

const { New, Assess, RootCauseAnalysis, FixInProgress, Resolved, Closed, Canceled } = ProblemState;

/**
 * The problem state machine: new → assess → root_cause_analysis → fix_in_progress → resolved → closed,
 * resolved → fix_in_progress when the fix did not hold, and canceled (by managers) from any open state.
 * Closed and canceled are final.
 */
export const PROBLEM_TRANSITIONS: Readonly<Record<ProblemState, readonly ProblemState[]>> = {
  [New]: [Assess, Canceled],
  [Assess]: [RootCauseAnalysis, Canceled],
  [RootCauseAnalysis]: [FixInProgress, Canceled],
  [FixInProgress]: [Resolved, Canceled],
  [Resolved]: [FixInProgress, Closed],
  [Closed]: [],
  [Canceled]: [],
};

export const FINAL_PROBLEM_STATES: readonly ProblemState[] = [Closed, Canceled];

/** Who may cancel a problem: managers and admins. */
export const CANCEL_ROLES: readonly Role[] = RoleSets.managers;

/** The states a problem may move to from `state`, whoever asks. */
export function allowedFrom(state: ProblemState): readonly ProblemState[] {
  return PROBLEM_TRANSITIONS[state];
}

export const isOpenProblemState = (state: ProblemState): boolean => OPEN_PROBLEM_STATES.includes(state);

/** What a move reads of the problem. */
export interface ProblemLifecycleSnapshot {
  state: ProblemState;
  rootCause: string | null;
  causeCategory: string | null;
}

/** A request to move a problem (the transition body). `reason` is kept as the cancel reason on a cancellation, and goes with the state change event on any move. */
export type ProblemTransitionRequest = Pick<TransitionProblemDto, 'to' | 'reason' | 'resolutionCode' | 'resolution'>;

/** The columns a move sets; a column left out keeps its value. */
export interface ProblemLifecycleChanges {
  state: ProblemState;
  resolutionCode?: ProblemResolutionCode | null;
  resolution?: string | null;
  resolvedAt?: Date | null;
  closedAt?: Date | null;
  canceledAt?: Date | null;
  cancelReason?: string | null;
}

/**
 * Why a move is refused; {@link transitionRefusalError} turns it into the error to answer with:
 * - `not_allowed`: the state machine has no such move → 409 `PROBLEM_INVALID_TRANSITION`, details `{ from, to, allowed }`;
 * - `forbidden`: a cancellation by someone who is not a manager or an admin → 403 `PROBLEM_CANCEL_FORBIDDEN`;
 * - `missing_fields`: a field the target state needs is missing or blank → 422 naming it: `PROBLEM_ROOT_CAUSE_REQUIRED`
 *   for fix_in_progress (the problem's own `rootCause` and `causeCategory`, set by update), `PROBLEM_RESOLUTION_REQUIRED`
 *   for resolved, `PROBLEM_TRANSITION_FIELDS_INVALID` for the reason of a cancellation;
 * - `foreign_fields`: resolution fields on a move that is not a resolution → 422 `PROBLEM_TRANSITION_FIELDS_INVALID`.
 */
export type TransitionRefusal =
  | { kind: 'not_allowed'; from: ProblemState; to: ProblemState; allowed: readonly ProblemState[] }
  | { kind: 'forbidden'; from: ProblemState; to: ProblemState; roles: readonly Role[] }
  | { kind: 'missing_fields'; from: ProblemState; to: ProblemState; errors: FieldError[] }
  | { kind: 'foreign_fields'; from: ProblemState; to: ProblemState; errors: FieldError[] };

export type TransitionCheck = { ok: true; changes: ProblemLifecycleChanges; reopened: boolean } | { ok: false; refusal: TransitionRefusal };

const RESOLUTION_FIELDS = ['resolutionCode', 'resolution'] as const;

const hasText = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Checks a move and says what it changes. The move itself is checked first (so a refused move is never reported
 * as a missing field), then who makes it, then its fields. `reopened` is true for resolved → fix_in_progress, which
 * clears the resolution.
 */
export function checkTransition(problem: ProblemLifecycleSnapshot, request: ProblemTransitionRequest, roles: readonly Role[], now: Date): TransitionCheck {
  const { state: from } = problem;
  const { to } = request;
  const allowed = allowedFrom(from);
  if (!allowed.includes(to)) return refuse({ kind: 'not_allowed', from, to, allowed });
  if (to === Canceled && !roles.some((role) => CANCEL_ROLES.includes(role))) return refuse({ kind: 'forbidden', from, to, roles: CANCEL_ROLES });

  const foreign = to === Resolved ? [] : RESOLUTION_FIELDS.filter((field) => request[field] !== undefined);
  if (foreign.length > 0) return refuse({ kind: 'foreign_fields', from, to, errors: foreign.map((field) => ({ field, message: `does not apply to a move to ${to}` })) });

  const missing = missingFields(problem, request);
  if (missing.length > 0) return refuse({ kind: 'missing_fields', from, to, errors: missing });

  switch (to) {
    case FixInProgress:
      return from === Resolved
        ? { ok: true, changes: { state: FixInProgress, resolutionCode: null, resolution: null, resolvedAt: null }, reopened: true }
        : { ok: true, changes: { state: FixInProgress }, reopened: false };
    case Resolved:
      return { ok: true, changes: { state: Resolved, resolutionCode: request.resolutionCode ?? null, resolution: request.resolution ?? null, resolvedAt: now }, reopened: false };
    case Closed:
      return { ok: true, changes: { state: Closed, closedAt: now }, reopened: false };
    case Canceled:
      return { ok: true, changes: { state: Canceled, canceledAt: now, cancelReason: request.reason ?? null }, reopened: false };
    default:
      return { ok: true, changes: { state: to }, reopened: false };
  }
}

function missingFields(problem: ProblemLifecycleSnapshot, request: ProblemTransitionRequest): FieldError[] {
  const { to } = request;
  const absent = (field: string, present: boolean, message: string): FieldError[] => (present ? [] : [{ field, message }]);
  const onProblem = 'must be recorded on the problem before a fix is in progress';
  const inRequest = `is required to move to ${to}`;
  switch (to) {
    case FixInProgress:
      return [...absent('rootCause', hasText(problem.rootCause), onProblem), ...absent('causeCategory', hasText(problem.causeCategory), onProblem)];
    case Resolved:
      return [...absent('resolutionCode', request.resolutionCode !== undefined, inRequest), ...absent('resolution', hasText(request.resolution), inRequest)];
    case Canceled:
      return absent('reason', hasText(request.reason), inRequest);
    default:
      return [];
  }
}

function refuse(refusal: TransitionRefusal): TransitionCheck {
  return { ok: false, refusal };
}

/** The error a refused move is answered with (see {@link TransitionRefusal}). Details name the first field in `field` and every one in `errors`. */
export function transitionRefusalError(refusal: TransitionRefusal): ProblemError {
  const { from, to } = refusal;
  switch (refusal.kind) {
    case 'not_allowed': {
      const list = refusal.allowed.length > 0 ? refusal.allowed.join(', ') : 'none (the state is final)';
      return new ProblemError(ProblemErrorCode.InvalidTransition, `a problem cannot move from ${from} to ${to}; allowed: ${list}`, { from, to, allowed: refusal.allowed });
    }
    case 'forbidden':
      return new ProblemError(ProblemErrorCode.CancelForbidden, `only ${refusal.roles.join(' or ')} may cancel a problem`, { from, to, roles: refusal.roles });
    case 'missing_fields': {
      const code = to === FixInProgress ? ProblemErrorCode.RootCauseRequired : to === Resolved ? ProblemErrorCode.ResolutionRequired : ProblemErrorCode.TransitionFieldsInvalid;
      const fields = refusal.errors.map((error) => error.field);
      return new ProblemError(code, `the move to ${to} needs ${fields.join(' and ')}`, { from, to, field: fields[0], errors: refusal.errors });
    }
    case 'foreign_fields': {
      const fields = refusal.errors.map((error) => error.field);
      return new ProblemError(ProblemErrorCode.TransitionFieldsInvalid, `the move to ${to} does not take ${fields.join(' or ')}`, { from, to, field: fields[0], errors: refusal.errors });
    }
  }
}

/** Closed and canceled problems are history: no field, link or known error changes them any more. */
export function assertOpenForChanges(problem: { number: string; state: ProblemState }): void {
  if (FINAL_PROBLEM_STATES.includes(problem.state)) {
    throw new ProblemError(ProblemErrorCode.FinalState, `problem ${problem.number} is ${problem.state}; a final problem cannot be changed`, { state: problem.state });
  }
}

/**
 * Whether setting the root cause to `next` identifies it for the first time: the service then stamps
 * `rootCauseIdentifiedAt` and emits root_cause_identified. The first identification is kept (time to root cause
 * measures it); a root cause edited or cleared later does not move it.
 */
export function identifiesRootCause(problem: { rootCauseIdentifiedAt: Date | null }, next: string | null | undefined): boolean {
  return problem.rootCauseIdentifiedAt === null && hasText(next);
}

export type KnownErrorField = 'rootCause' | 'workaround';

/** Whether a known error may be published from the problem; if not, the fields it still lacks (see {@link knownErrorIncompleteError}). */
export function knownErrorPublishable(problem: { rootCause: string | null; workaround: string | null }): { publishable: true } | { publishable: false; missing: KnownErrorField[] } {
  const missing = (['rootCause', 'workaround'] as const).filter((field) => !hasText(problem[field]));
  return missing.length === 0 ? { publishable: true } : { publishable: false, missing };
}

/** 422 `PROBLEM_KNOWN_ERROR_INCOMPLETE` naming the fields the problem lacks (the first in `field`, all in `errors`). */
export function knownErrorIncompleteError(missing: readonly KnownErrorField[]): ProblemError {
  const errors = missing.map((field) => ({ field, message: 'must be recorded on the problem before a known error is published' }));
  return new ProblemError(ProblemErrorCode.KnownErrorIncomplete, `a known error needs the problem's ${missing.join(' and ')}`, { field: missing[0], errors });
}

/**
 * Whether the problem, as it is after a move, retires its published known error (if it has one): it was closed
 * after a permanent fix (retire reason 'permanent fix').
 */
export function retiresKnownError(problem: { state: ProblemState; resolutionCode: ProblemResolutionCode | null }): boolean {
  return problem.state === Closed && problem.resolutionCode === ProblemResolutionCode.PermanentFix;
}

/** The retire reason of a known error retired by {@link retiresKnownError}. */
export const PERMANENT_FIX_RETIRE_REASON = 'permanent fix';
