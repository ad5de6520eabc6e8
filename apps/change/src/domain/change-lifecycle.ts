import { ChangeApprovalState, ChangeError, ChangeErrorCode, ChangeOutcome, ChangeState, ChangeType, type Role, RoleSets } from '@itsm/contracts';

const { New, Assess, Authorize, Scheduled, Implement, Review, Closed, Canceled, Rejected } = ChangeState;

/**
 * The change state machine for normal and emergency changes: new → assess → authorize → scheduled → implement →
 * review → closed; canceled from new, assess, authorize and scheduled; rejected (by managers) from new, assess and
 * authorize. Closed, canceled and rejected are final. The return of a change whose approval was rejected (authorize →
 * new) is made by the approval itself ({@link moveOnApprovalDecision}), never requested.
 */
export const CHANGE_TRANSITIONS: Readonly<Record<ChangeState, readonly ChangeState[]>> = {
  [New]: [Assess, Canceled, Rejected],
  [Assess]: [Authorize, Canceled, Rejected],
  [Authorize]: [Scheduled, Canceled, Rejected],
  [Scheduled]: [Implement, Canceled],
  [Implement]: [Review],
  [Review]: [Closed],
  [Closed]: [],
  [Canceled]: [],
  [Rejected]: [],
};

/** A standard change is pre-approved by its template: it goes from new straight to scheduled. */
export const STANDARD_CHANGE_TRANSITIONS: Readonly<Record<ChangeState, readonly ChangeState[]>> = {
  ...CHANGE_TRANSITIONS,
  [New]: [Scheduled, Canceled, Rejected],
  [Assess]: [],
  [Authorize]: [],
};

export const FINAL_CHANGE_STATES: readonly ChangeState[] = [Closed, Canceled, Rejected];

/** Who may reject a change or schedule it despite conflicts: managers and admins. */
export const MANAGER_ROLES: readonly Role[] = RoleSets.managers;

/** The states a change of `type` may be moved to from `state`, whoever asks. */
export function allowedFrom(state: ChangeState, type: ChangeType): readonly ChangeState[] {
  return (type === ChangeType.Standard ? STANDARD_CHANGE_TRANSITIONS : CHANGE_TRANSITIONS)[state];
}

export const isFinalChangeState = (state: ChangeState): boolean => FINAL_CHANGE_STATES.includes(state);

/** What a move reads of the change. */
export interface ChangeLifecycleSnapshot {
  type: ChangeType;
  state: ChangeState;
  plannedStart: Date;
  plannedEnd: Date;
  /** The state of its approval; null when none was requested. */
  approvalState: ChangeApprovalState | null;
}

/** A request to move a change (the transition body). */
export interface ChangeTransitionRequest {
  to: ChangeState;
  /** Why the change is canceled or rejected: required for those moves. */
  reason?: string;
  /** How the implementation went: required to move to review. */
  outcome?: ChangeOutcome;
  /** Whether the backout plan was carried out: required to move to review with a failed outcome. */
  backoutPerformed?: boolean;
  /** Kept on a move to closed. */
  reviewNotes?: string;
  /** A manager's decision to schedule despite conflicts (the service applies it when the schedule check finds any). */
  override?: { reason: string };
}

/** The columns a move sets; a column left out keeps its value. */
export interface ChangeLifecycleChanges {
  state: ChangeState;
  implementationStartedAt?: Date;
  implementedAt?: Date;
  outcome?: ChangeOutcome;
  backoutPerformed?: boolean;
  reviewNotes?: string;
  closedAt?: Date;
  /** Why the change was stopped: the reason of a cancellation or of a rejection (the change has one such column). */
  cancelReason?: string;
}

/**
 * Why a move is refused; {@link changeTransitionRefusalError} turns it into the error to answer with:
 * - `not_allowed`: the state machine for the change's type has no such move → 409 `CHANGE_INVALID_TRANSITION`, details `{ from, to, allowed }`;
 * - `not_approved`: authorize → scheduled before the approval is approved → 409 `CHANGE_INVALID_TRANSITION` with `approvalState`
 *   and, in `allowed`, the moves open meanwhile;
 * - `forbidden`: a rejection by someone who is not a manager or an admin → 403 `CHANGE_REJECT_FORBIDDEN`;
 * - `foreign_fields`: a field the move does not take (`outcome` and `backoutPerformed` belong to the move to review,
 *   `reviewNotes` to closed, `override` to scheduled) → 422 `CHANGE_TRANSITION_FIELDS_INVALID` naming them;
 * - `override_forbidden`: a schedule override by someone who is not a manager or an admin → 403 `CHANGE_OVERRIDE_FORBIDDEN`;
 * - `reason_required`: a cancellation, rejection or override without a reason (`field` names it) → 422 `CHANGE_REASON_REQUIRED`;
 * - `outcome_required`: a move to review without `outcome`, or with a failed one and no `backoutPerformed` → 422 `CHANGE_OUTCOME_REQUIRED`;
 * - `outside_window`: scheduled → implement outside the planned window, for a change that is not an emergency → 409 `CHANGE_OUTSIDE_WINDOW`.
 */
export type ChangeTransitionRefusal =
  | { kind: 'not_allowed'; from: ChangeState; to: ChangeState; allowed: readonly ChangeState[] }
  | { kind: 'not_approved'; from: ChangeState; to: ChangeState; allowed: readonly ChangeState[]; approvalState: ChangeApprovalState | null }
  | { kind: 'forbidden'; from: ChangeState; to: ChangeState; roles: readonly Role[] }
  | { kind: 'foreign_fields'; from: ChangeState; to: ChangeState; fields: readonly TransitionField[] }
  | { kind: 'override_forbidden'; from: ChangeState; to: ChangeState; roles: readonly Role[] }
  | { kind: 'reason_required'; from: ChangeState; to: ChangeState; field: 'reason' | 'override.reason' }
  | { kind: 'outcome_required'; from: ChangeState; to: ChangeState; field: 'outcome' | 'backoutPerformed' }
  | { kind: 'outside_window'; from: ChangeState; to: ChangeState; plannedStart: Date; plannedEnd: Date; at: Date };

/** The fields of a move that only some targets take, and the target each belongs to. */
export const TRANSITION_FIELD_TARGETS = { outcome: Review, backoutPerformed: Review, reviewNotes: Closed, override: Scheduled } as const satisfies Record<string, ChangeState>;
export type TransitionField = keyof typeof TRANSITION_FIELD_TARGETS;

export type ChangeTransitionCheck = { ok: true; changes: ChangeLifecycleChanges } | { ok: false; refusal: ChangeTransitionRefusal };

const hasText = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

const isManager = (roles: readonly Role[]): boolean => roles.some((role) => MANAGER_ROLES.includes(role));

/** Whether `at` lies within the change's planned window: from its start (included) to its end (excluded). */
export function insideWindow(change: Pick<ChangeLifecycleSnapshot, 'plannedStart' | 'plannedEnd'>, at: Date): boolean {
  return change.plannedStart.getTime() <= at.getTime() && at.getTime() < change.plannedEnd.getTime();
}

/**
 * Checks a move and says what it changes. The move itself is checked first, then who makes it, then its fields,
 * then the approval and the window. `reason` goes with any move (kept on a cancellation or a rejection). The
 * schedule check (conflicts, which an override lets a manager pass) needs other changes and windows, so the service
 * runs it after this and records the override as `conflictOverride`.
 */
export function checkTransition(change: ChangeLifecycleSnapshot, request: ChangeTransitionRequest, roles: readonly Role[], now: Date): ChangeTransitionCheck {
  const { state: from } = change;
  const { to } = request;
  const refuse = (refusal: ChangeTransitionRefusal): ChangeTransitionCheck => ({ ok: false, refusal });
  const allowed = allowedFrom(from, change.type);
  if (!allowed.includes(to)) return refuse({ kind: 'not_allowed', from, to, allowed });
  if (to === Rejected && !isManager(roles)) return refuse({ kind: 'forbidden', from, to, roles: MANAGER_ROLES });
  const foreign = (Object.keys(TRANSITION_FIELD_TARGETS) as TransitionField[]).filter((field) => request[field] !== undefined && TRANSITION_FIELD_TARGETS[field] !== to);
  if (foreign.length > 0) return refuse({ kind: 'foreign_fields', from, to, fields: foreign });
  if (to === Scheduled && request.override !== undefined) {
    if (!isManager(roles)) return refuse({ kind: 'override_forbidden', from, to, roles: MANAGER_ROLES });
    if (!hasText(request.override.reason)) return refuse({ kind: 'reason_required', from, to, field: 'override.reason' });
  }

  switch (to) {
    case Canceled:
    case Rejected:
      if (!hasText(request.reason)) return refuse({ kind: 'reason_required', from, to, field: 'reason' });
      return { ok: true, changes: { state: to, cancelReason: request.reason.trim() } };
    case Scheduled:
      if (from === Authorize && change.approvalState !== ChangeApprovalState.Approved) {
        return refuse({ kind: 'not_approved', from, to, allowed: allowed.filter((state) => state !== Scheduled), approvalState: change.approvalState });
      }
      return { ok: true, changes: { state: to } };
    case Implement:
      if (change.type !== ChangeType.Emergency && !insideWindow(change, now)) {
        return refuse({ kind: 'outside_window', from, to, plannedStart: change.plannedStart, plannedEnd: change.plannedEnd, at: now });
      }
      return { ok: true, changes: { state: to, implementationStartedAt: now } };
    case Review: {
      const { outcome } = request;
      if (outcome === undefined) return refuse({ kind: 'outcome_required', from, to, field: 'outcome' });
      if (outcome === ChangeOutcome.Failed && request.backoutPerformed === undefined) return refuse({ kind: 'outcome_required', from, to, field: 'backoutPerformed' });
      return { ok: true, changes: { state: to, outcome, backoutPerformed: request.backoutPerformed ?? false, implementedAt: now } };
    }
    case Closed:
      return { ok: true, changes: { state: to, closedAt: now, ...(request.reviewNotes === undefined ? {} : { reviewNotes: request.reviewNotes }) } };
    default:
      return { ok: true, changes: { state: to } };
  }
}

/**
 * Where a change in authorize goes when its approval is decided: back to new when rejected; to scheduled when approved
 * and the schedule check found no conflict; nowhere (null: it stays in authorize, approved, until an agent fixes the
 * window or a manager overrides) when approved with conflicts, or while pending.
 */
export function moveOnApprovalDecision(approvalState: ChangeApprovalState, hasConflicts: boolean): ChangeState | null {
  if (approvalState === ChangeApprovalState.Rejected) return New;
  if (approvalState === ChangeApprovalState.Approved && !hasConflicts) return Scheduled;
  return null;
}

/** The error a refused move is answered with (see {@link ChangeTransitionRefusal}); details always carry `from` and `to`. */
export function changeTransitionRefusalError(refusal: ChangeTransitionRefusal): ChangeError {
  const { from, to } = refusal;
  switch (refusal.kind) {
    case 'not_allowed': {
      const list = refusal.allowed.length > 0 ? refusal.allowed.join(', ') : 'none (the state is final)';
      return new ChangeError(ChangeErrorCode.InvalidTransition, `a change cannot move from ${from} to ${to}; allowed: ${list}`, { from, to, allowed: refusal.allowed });
    }
    case 'not_approved':
      return new ChangeError(ChangeErrorCode.InvalidTransition, `a change moves from authorize to scheduled once approved; its approval is ${refusal.approvalState ?? 'not requested'}`, {
        from,
        to,
        allowed: refusal.allowed,
        approvalState: refusal.approvalState,
      });
    case 'forbidden':
      return new ChangeError(ChangeErrorCode.RejectForbidden, `only ${refusal.roles.join(' or ')} may reject a change`, { from, to, roles: refusal.roles });
    case 'override_forbidden':
      return new ChangeError(ChangeErrorCode.OverrideForbidden, `only ${refusal.roles.join(' or ')} may schedule a change despite conflicts`, { from, to, roles: refusal.roles });
    case 'foreign_fields': {
      const errors = refusal.fields.map((field) => ({ field, message: `is taken only on a move to ${TRANSITION_FIELD_TARGETS[field]}` }));
      return new ChangeError(ChangeErrorCode.TransitionFieldsInvalid, `the move to ${to} does not take ${refusal.fields.join(' or ')}`, { from, to, field: refusal.fields[0], errors });
    }
    case 'reason_required':
      return new ChangeError(ChangeErrorCode.ReasonRequired, `the move to ${to} needs ${refusal.field}`, { from, to, field: refusal.field, errors: [{ field: refusal.field, message: `is required to move to ${to}` }] });
    case 'outcome_required': {
      const message = refusal.field === 'outcome' ? 'is required to move to review' : 'is required with outcome failed';
      return new ChangeError(ChangeErrorCode.OutcomeRequired, `the move to ${to} needs ${refusal.field}`, { from, to, field: refusal.field, errors: [{ field: refusal.field, message }] });
    }
    case 'outside_window': {
      const [plannedStart, plannedEnd] = [refusal.plannedStart.toISOString(), refusal.plannedEnd.toISOString()];
      return new ChangeError(ChangeErrorCode.OutsideWindow, `implementation may start only inside the planned window ${plannedStart} – ${plannedEnd}`, { from, to, plannedStart, plannedEnd });
    }
  }
}
