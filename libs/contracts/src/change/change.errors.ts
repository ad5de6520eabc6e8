import { ErrorCode, errorOfCodes, type ErrorKinds } from '../errors';

/** What the change domain refuses (changes, approvals, templates, windows, releases): the `reason` of its error replies and problems. */
export enum ChangeErrorCode {
  /** No such change (requesters never reach the change service, so they cannot learn one exists). */
  NotFound = 'CHANGE_NOT_FOUND',
  /** CIs the CMDB does not know; `details.ciIds` lists them. */
  UnknownCis = 'CHANGE_UNKNOWN_CIS',
  /** Changes a release names that do not exist; `details.changeIds` lists them. */
  UnknownChanges = 'CHANGE_UNKNOWN_CHANGES',
  /** The state machine has no move from the change's state to the one asked for; `details.allowed` lists the states it has. */
  InvalidTransition = 'CHANGE_INVALID_TRANSITION',
  /** The change (closed, canceled, rejected) or release (closed, canceled) is final and cannot be changed. */
  FinalState = 'CHANGE_FINAL_STATE',
  /** The schedule check found conflicts; `details.conflicts` lists them (ChangeConflict). A manager may override with a reason. */
  ScheduleConflict = 'CHANGE_SCHEDULE_CONFLICT',
  /** A vote or delegation by someone who holds neither the approval policy's role nor a delegation to vote; `details.role` names the role. */
  ApproverRoleRequired = 'CHANGE_APPROVER_ROLE_REQUIRED',
  /** The approver (or the role holder a delegate stands for) already voted on this approval. */
  AlreadyVoted = 'CHANGE_ALREADY_VOTED',
  /** A vote or delegation on a change that is not in `authorize` with a pending approval. */
  NotAwaitingApproval = 'CHANGE_NOT_AWAITING_APPROVAL',
  /** No such change template (also when a standard change names one). */
  TemplateNotFound = 'CHANGE_TEMPLATE_NOT_FOUND',
  /** Another template has this name. */
  TemplateNameTaken = 'CHANGE_TEMPLATE_NAME_TAKEN',
  /** A standard change names a disabled template. */
  TemplateDisabled = 'CHANGE_TEMPLATE_DISABLED',
  /** CIs of a standard change whose class its template does not allow; `details.ciIds` lists them, `details.allowed` the classes. */
  CiClassNotAllowed = 'CHANGE_CI_CLASS_NOT_ALLOWED',
  /** A standard change's window is longer than its template allows; `details.maxDurationMinutes` says how long it may be. */
  WindowTooLong = 'CHANGE_WINDOW_TOO_LONG',
  /** A move to `review` without `outcome`, or with outcome `failed` without `backoutPerformed`; `details.field` names the missing one. */
  OutcomeRequired = 'CHANGE_OUTCOME_REQUIRED',
  /** A cancel or reject (of a change or release) without `reason`. */
  ReasonRequired = 'CHANGE_REASON_REQUIRED',
  /** A move with a field its target does not take (`outcome`, `backoutPerformed`, `reviewNotes`, `override`); `details.field` names it. */
  TransitionFieldsInvalid = 'CHANGE_TRANSITION_FIELDS_INVALID',
  /** A move to `rejected` by someone who is not a manager or an admin (the transition RPC is open to agents). */
  RejectForbidden = 'CHANGE_REJECT_FORBIDDEN',
  /** A conflict override by someone who is not a manager or an admin. */
  OverrideForbidden = 'CHANGE_OVERRIDE_FORBIDDEN',
  /** A move to `implement` outside the planned window (emergency changes excepted); `details.plannedStart` and `details.plannedEnd` give it. */
  OutsideWindow = 'CHANGE_OUTSIDE_WINDOW',
  /** No such blackout window. */
  BlackoutNotFound = 'CHANGE_BLACKOUT_NOT_FOUND',
  /** No such maintenance window. */
  MaintenanceWindowNotFound = 'CHANGE_MAINTENANCE_WINDOW_NOT_FOUND',
  /** Another blackout window (or another maintenance window) has this name; `details.errors` names `name`. */
  WindowNameTaken = 'CHANGE_WINDOW_NAME_TAKEN',
  /** No such release. */
  ReleaseNotFound = 'CHANGE_RELEASE_NOT_FOUND',
  /** The release state machine has no such move; `details.allowed` lists the states it has. */
  ReleaseInvalidTransition = 'CHANGE_RELEASE_INVALID_TRANSITION',
  /** A recurrence rule ical.js cannot read or that yields no occurrence; `details.field` is `rrule`. */
  InvalidRrule = 'CHANGE_INVALID_RRULE',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const CHANGE_ERROR_KINDS: ErrorKinds<ChangeErrorCode> = {
  [ChangeErrorCode.NotFound]: ErrorCode.NOT_FOUND,
  [ChangeErrorCode.UnknownCis]: ErrorCode.UNPROCESSABLE,
  [ChangeErrorCode.UnknownChanges]: ErrorCode.UNPROCESSABLE,
  [ChangeErrorCode.InvalidTransition]: ErrorCode.INVALID_TRANSITION,
  [ChangeErrorCode.FinalState]: ErrorCode.CONFLICT,
  [ChangeErrorCode.ScheduleConflict]: ErrorCode.CONFLICT,
  [ChangeErrorCode.ApproverRoleRequired]: ErrorCode.FORBIDDEN,
  [ChangeErrorCode.AlreadyVoted]: ErrorCode.CONFLICT,
  [ChangeErrorCode.NotAwaitingApproval]: ErrorCode.CONFLICT,
  [ChangeErrorCode.TemplateNotFound]: ErrorCode.NOT_FOUND,
  [ChangeErrorCode.TemplateNameTaken]: ErrorCode.CONFLICT,
  [ChangeErrorCode.TemplateDisabled]: ErrorCode.UNPROCESSABLE,
  [ChangeErrorCode.CiClassNotAllowed]: ErrorCode.UNPROCESSABLE,
  [ChangeErrorCode.WindowTooLong]: ErrorCode.UNPROCESSABLE,
  [ChangeErrorCode.OutcomeRequired]: ErrorCode.UNPROCESSABLE,
  [ChangeErrorCode.ReasonRequired]: ErrorCode.UNPROCESSABLE,
  [ChangeErrorCode.TransitionFieldsInvalid]: ErrorCode.UNPROCESSABLE,
  [ChangeErrorCode.RejectForbidden]: ErrorCode.FORBIDDEN,
  [ChangeErrorCode.OverrideForbidden]: ErrorCode.FORBIDDEN,
  [ChangeErrorCode.OutsideWindow]: ErrorCode.CONFLICT,
  [ChangeErrorCode.BlackoutNotFound]: ErrorCode.NOT_FOUND,
  [ChangeErrorCode.MaintenanceWindowNotFound]: ErrorCode.NOT_FOUND,
  [ChangeErrorCode.WindowNameTaken]: ErrorCode.CONFLICT,
  [ChangeErrorCode.ReleaseNotFound]: ErrorCode.NOT_FOUND,
  [ChangeErrorCode.ReleaseInvalidTransition]: ErrorCode.INVALID_TRANSITION,
  [ChangeErrorCode.InvalidRrule]: ErrorCode.UNPROCESSABLE,
};

export class ChangeError extends errorOfCodes(CHANGE_ERROR_KINDS) {}
