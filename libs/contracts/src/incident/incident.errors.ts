import { ErrorCode, errorOfCodes, type ErrorKinds } from '../errors';

/** What the incident domain refuses (incidents and their routing rules): the `reason` of its error replies and problems. */
export enum IncidentErrorCode {
  /** No such incident, or one the caller may not see (another requester's incident looks exactly the same). */
  NotFound = 'INCIDENT_NOT_FOUND',
  /** Incidents named as children to link do not exist. */
  ChildNotFound = 'INCIDENT_CHILD_NOT_FOUND',
  /** The state machine has no move from the incident's state to the one asked for. */
  InvalidTransition = 'INCIDENT_INVALID_TRANSITION',
  /** A resolved incident can no longer be reopened: its reopen window has passed. */
  ReopenWindowPassed = 'INCIDENT_REOPEN_WINDOW_PASSED',
  /** A move that agents may make but the requester of the incident may not. */
  RequesterTransitionForbidden = 'INCIDENT_REQUESTER_TRANSITION_FORBIDDEN',
  /** A move without a field its target state needs (hold reason, resolution, reason, merge target), or with one it does not take. */
  TransitionFieldsInvalid = 'INCIDENT_TRANSITION_FIELDS_INVALID',
  /** The incident is closed, canceled or merged: a final incident cannot be changed. */
  FinalState = 'INCIDENT_FINAL_STATE',
  /** A major-incident declaration for an incident that is already major. */
  AlreadyMajor = 'INCIDENT_ALREADY_MAJOR',
  /** Withdrawing a major-incident declaration from an incident that is not major. */
  NotMajor = 'INCIDENT_NOT_MAJOR',
  /** The parent incident named does not exist. */
  ParentNotFound = 'INCIDENT_PARENT_NOT_FOUND',
  /** The parent incident named is no longer open: only open incidents take children. */
  ParentNotOpen = 'INCIDENT_PARENT_NOT_OPEN',
  /** The parent named is a descendant of the incident: the link would make a cycle of parents. */
  ParentCycle = 'INCIDENT_PARENT_CYCLE',
  /** The parent named is the incident itself. */
  OwnParent = 'INCIDENT_OWN_PARENT',
  /** The incident to merge a duplicate into does not exist (or the caller may not see it). */
  MergeTargetNotFound = 'INCIDENT_MERGE_TARGET_NOT_FOUND',
  /** The incident to merge a duplicate into is no longer open. */
  MergeTargetNotOpen = 'INCIDENT_MERGE_TARGET_NOT_OPEN',
  /** An incident cannot be merged into itself. */
  MergeIntoItself = 'INCIDENT_MERGE_INTO_ITSELF',
  /** `callerGroups` given for oneself: one's own groups come from the token. */
  CallerGroupsOnlyForOthers = 'INCIDENT_CALLER_GROUPS_ONLY_FOR_OTHERS',
  /** A manual priority without `priorityReason`. */
  PriorityReasonRequired = 'INCIDENT_PRIORITY_REASON_REQUIRED',
  /** `priorityReason` without a manual priority. */
  PriorityReasonOnlyWithPriority = 'INCIDENT_PRIORITY_REASON_ONLY_WITH_PRIORITY',
  /** A requester opening an incident set fields only agents may set (assignment, caller, parent). */
  AgentOnlyFields = 'INCIDENT_AGENT_ONLY_FIELDS',
  /** A work note (internal comment) from someone who is not an agent. */
  WorkNotesAgentsOnly = 'INCIDENT_WORK_NOTES_AGENTS_ONLY',
  /** No such routing rule. */
  RoutingRuleNotFound = 'INCIDENT_ROUTING_RULE_NOT_FOUND',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const INCIDENT_ERROR_KINDS: ErrorKinds<IncidentErrorCode> = {
  [IncidentErrorCode.NotFound]: ErrorCode.NOT_FOUND,
  [IncidentErrorCode.ChildNotFound]: ErrorCode.NOT_FOUND,
  [IncidentErrorCode.InvalidTransition]: ErrorCode.INVALID_TRANSITION,
  [IncidentErrorCode.ReopenWindowPassed]: ErrorCode.INVALID_TRANSITION,
  [IncidentErrorCode.RequesterTransitionForbidden]: ErrorCode.FORBIDDEN,
  [IncidentErrorCode.TransitionFieldsInvalid]: ErrorCode.VALIDATION,
  [IncidentErrorCode.FinalState]: ErrorCode.CONFLICT,
  [IncidentErrorCode.AlreadyMajor]: ErrorCode.CONFLICT,
  [IncidentErrorCode.NotMajor]: ErrorCode.CONFLICT,
  [IncidentErrorCode.ParentNotFound]: ErrorCode.UNPROCESSABLE,
  [IncidentErrorCode.ParentNotOpen]: ErrorCode.CONFLICT,
  [IncidentErrorCode.ParentCycle]: ErrorCode.CONFLICT,
  [IncidentErrorCode.OwnParent]: ErrorCode.CONFLICT,
  [IncidentErrorCode.MergeTargetNotFound]: ErrorCode.UNPROCESSABLE,
  [IncidentErrorCode.MergeTargetNotOpen]: ErrorCode.CONFLICT,
  [IncidentErrorCode.MergeIntoItself]: ErrorCode.CONFLICT,
  [IncidentErrorCode.CallerGroupsOnlyForOthers]: ErrorCode.VALIDATION,
  [IncidentErrorCode.PriorityReasonRequired]: ErrorCode.VALIDATION,
  [IncidentErrorCode.PriorityReasonOnlyWithPriority]: ErrorCode.VALIDATION,
  [IncidentErrorCode.AgentOnlyFields]: ErrorCode.FORBIDDEN,
  [IncidentErrorCode.WorkNotesAgentsOnly]: ErrorCode.FORBIDDEN,
  [IncidentErrorCode.RoutingRuleNotFound]: ErrorCode.NOT_FOUND,
};

export class IncidentError extends errorOfCodes(INCIDENT_ERROR_KINDS) {}
