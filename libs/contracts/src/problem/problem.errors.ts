import { ErrorCode, errorOfCodes, type ErrorKinds } from '../errors';

/** What the problem domain refuses (problems, known errors and detection rules): the `reason` of its error replies and problems. */
export enum ProblemErrorCode {
  /** No such problem (requesters never reach the problem service, so they cannot learn one exists). */
  NotFound = 'PROBLEM_NOT_FOUND',
  /** CIs the CMDB does not know; `details.ciIds` lists them. */
  UnknownCis = 'PROBLEM_UNKNOWN_CIS',
  /** Incidents to link that do not exist (or the caller may not see); `details.incidentIds` lists them. */
  UnknownIncidents = 'PROBLEM_UNKNOWN_INCIDENTS',
  /** The incident is already linked to another open problem; `details.problemId` and `details.problemNumber` name it. */
  IncidentAlreadyLinked = 'PROBLEM_INCIDENT_ALREADY_LINKED',
  /** The incident to unlink is not linked to this problem. */
  IncidentNotLinked = 'PROBLEM_INCIDENT_NOT_LINKED',
  /** A cause category outside the configured list; `details.allowed` lists the list. */
  UnknownCauseCategory = 'PROBLEM_UNKNOWN_CAUSE_CATEGORY',
  /** A move to `fix_in_progress` without a root cause or cause category; `details.field` names the missing one. */
  RootCauseRequired = 'PROBLEM_ROOT_CAUSE_REQUIRED',
  /** A move to `resolved` without `resolutionCode` or `resolution`; `details.field` names the missing one. */
  ResolutionRequired = 'PROBLEM_RESOLUTION_REQUIRED',
  /** Publishing a known error from a problem without a root cause or workaround; `details.field` names the missing one. */
  KnownErrorIncomplete = 'PROBLEM_KNOWN_ERROR_INCOMPLETE',
  /** The problem already has a published known error. */
  KnownErrorExists = 'PROBLEM_KNOWN_ERROR_EXISTS',
  /** No such known error. */
  KnownErrorNotFound = 'KNOWN_ERROR_NOT_FOUND',
  /** The known error is already retired. */
  KnownErrorRetired = 'KNOWN_ERROR_RETIRED',
  /** No such detection rule. */
  DetectionRuleNotFound = 'DETECTION_RULE_NOT_FOUND',
  /** Another detection rule has this name. */
  DetectionRuleNameTaken = 'DETECTION_RULE_NAME_TAKEN',
  /** The state machine has no move from the problem's state to the one asked for; `details.allowed` lists the states it has. */
  InvalidTransition = 'PROBLEM_INVALID_TRANSITION',
  /** A move to `canceled` by someone who is not a manager or an admin (the transition RPC is open to agents). */
  CancelForbidden = 'PROBLEM_CANCEL_FORBIDDEN',
  /**
   * A move without a field its target needs that has no reason of its own (`reason` to cancel), or with one it does
   * not take (`resolutionCode` or `resolution` on a move other than to `resolved`); `details.field` names it.
   */
  TransitionFieldsInvalid = 'PROBLEM_TRANSITION_FIELDS_INVALID',
  /** The problem is closed or canceled: a final problem cannot be changed, nor incidents linked to it. */
  FinalState = 'PROBLEM_FINAL_STATE',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const PROBLEM_ERROR_KINDS: ErrorKinds<ProblemErrorCode> = {
  [ProblemErrorCode.NotFound]: ErrorCode.NOT_FOUND,
  [ProblemErrorCode.UnknownCis]: ErrorCode.UNPROCESSABLE,
  [ProblemErrorCode.UnknownIncidents]: ErrorCode.UNPROCESSABLE,
  [ProblemErrorCode.IncidentAlreadyLinked]: ErrorCode.CONFLICT,
  [ProblemErrorCode.IncidentNotLinked]: ErrorCode.NOT_FOUND,
  [ProblemErrorCode.UnknownCauseCategory]: ErrorCode.UNPROCESSABLE,
  [ProblemErrorCode.RootCauseRequired]: ErrorCode.UNPROCESSABLE,
  [ProblemErrorCode.ResolutionRequired]: ErrorCode.UNPROCESSABLE,
  [ProblemErrorCode.KnownErrorIncomplete]: ErrorCode.UNPROCESSABLE,
  [ProblemErrorCode.KnownErrorExists]: ErrorCode.CONFLICT,
  [ProblemErrorCode.KnownErrorNotFound]: ErrorCode.NOT_FOUND,
  [ProblemErrorCode.KnownErrorRetired]: ErrorCode.CONFLICT,
  [ProblemErrorCode.DetectionRuleNotFound]: ErrorCode.NOT_FOUND,
  [ProblemErrorCode.DetectionRuleNameTaken]: ErrorCode.CONFLICT,
  [ProblemErrorCode.InvalidTransition]: ErrorCode.INVALID_TRANSITION,
  [ProblemErrorCode.CancelForbidden]: ErrorCode.FORBIDDEN,
  [ProblemErrorCode.TransitionFieldsInvalid]: ErrorCode.UNPROCESSABLE,
  [ProblemErrorCode.FinalState]: ErrorCode.CONFLICT,
};

export class ProblemError extends errorOfCodes(PROBLEM_ERROR_KINDS) {}
