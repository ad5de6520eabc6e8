import { ErrorCode, errorOfCodes, type ErrorKinds } from '../errors';

/** What the request domain refuses (service requests and the request catalog): the `reason` of its error replies and problems. */
export enum RequestErrorCode {
  /** No such request, or one the caller may not see. */
  NotFound = 'REQUEST_NOT_FOUND',
  /** A move of the state machine that does not exist, or that the caller may not make. */
  InvalidTransition = 'REQUEST_INVALID_TRANSITION',
  /** The answers of a submission do not fit the item's form. */
  AnswersInvalid = 'REQUEST_ANSWERS_INVALID',
  /** The item needs the requester's manager to approve, and the requester's token names no manager. */
  ManagerMissing = 'REQUEST_MANAGER_MISSING',
  /** A requester deciding on their own request (segregation of duties). */
  OwnRequestDecision = 'REQUEST_OWN_REQUEST_DECISION',
  /** A decision by someone who is not among the request's approvers. */
  NotApprover = 'REQUEST_NOT_APPROVER',
  /** An approver deciding a second time. */
  AlreadyDecided = 'REQUEST_ALREADY_DECIDED',
  /** A decision on a request that no longer waits for approvals. */
  NotAwaitingApproval = 'REQUEST_NOT_AWAITING_APPROVAL',
  /** Fulfilled asked for while fulfillment tasks are still open. */
  OpenTasksRemain = 'REQUEST_OPEN_TASKS_REMAIN',
  /** Task work on a request that is not in fulfillment. */
  NotInFulfillment = 'REQUEST_NOT_IN_FULFILLMENT',
  /** No such fulfillment task on the request. */
  TaskNotFound = 'REQUEST_TASK_NOT_FOUND',
  /** Completing a fulfillment task that is already completed. */
  TaskAlreadyCompleted = 'REQUEST_TASK_ALREADY_COMPLETED',
  /** An internal comment from someone who does not work requests. */
  InternalCommentAgentsOnly = 'REQUEST_INTERNAL_COMMENT_AGENTS_ONLY',
  /** No such catalog item, or a retired one the caller may not see. */
  CatalogItemNotFound = 'CATALOG_ITEM_NOT_FOUND',
  /** A new request for a retired catalog item. */
  CatalogItemRetired = 'CATALOG_ITEM_RETIRED',
  /** Retired catalog items listed by someone who is not an admin. */
  CatalogRetiredItemsAdminsOnly = 'CATALOG_RETIRED_ITEMS_ADMINS_ONLY',
  /** A catalog form that is not a usable JSON Schema (with every field error, the approval's included). */
  CatalogInvalidFormSchema = 'CATALOG_INVALID_FORM_SCHEMA',
  /** Approval rules whose fields do not fit their type. */
  CatalogInvalidApprovalPolicy = 'CATALOG_INVALID_APPROVAL_POLICY',
  /** An update clearing a field every catalog item has. */
  CatalogRequiredFieldCleared = 'CATALOG_REQUIRED_FIELD_CLEARED',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const REQUEST_ERROR_KINDS: ErrorKinds<RequestErrorCode> = {
  [RequestErrorCode.NotFound]: ErrorCode.NOT_FOUND,
  [RequestErrorCode.InvalidTransition]: ErrorCode.INVALID_TRANSITION,
  [RequestErrorCode.AnswersInvalid]: ErrorCode.VALIDATION,
  [RequestErrorCode.ManagerMissing]: ErrorCode.UNPROCESSABLE,
  [RequestErrorCode.OwnRequestDecision]: ErrorCode.FORBIDDEN,
  [RequestErrorCode.NotApprover]: ErrorCode.FORBIDDEN,
  [RequestErrorCode.AlreadyDecided]: ErrorCode.CONFLICT,
  [RequestErrorCode.NotAwaitingApproval]: ErrorCode.CONFLICT,
  [RequestErrorCode.OpenTasksRemain]: ErrorCode.CONFLICT,
  [RequestErrorCode.NotInFulfillment]: ErrorCode.CONFLICT,
  [RequestErrorCode.TaskNotFound]: ErrorCode.NOT_FOUND,
  [RequestErrorCode.TaskAlreadyCompleted]: ErrorCode.CONFLICT,
  [RequestErrorCode.InternalCommentAgentsOnly]: ErrorCode.FORBIDDEN,
  [RequestErrorCode.CatalogItemNotFound]: ErrorCode.NOT_FOUND,
  [RequestErrorCode.CatalogItemRetired]: ErrorCode.UNPROCESSABLE,
  [RequestErrorCode.CatalogRetiredItemsAdminsOnly]: ErrorCode.FORBIDDEN,
  [RequestErrorCode.CatalogInvalidFormSchema]: ErrorCode.VALIDATION,
  [RequestErrorCode.CatalogInvalidApprovalPolicy]: ErrorCode.VALIDATION,
  [RequestErrorCode.CatalogRequiredFieldCleared]: ErrorCode.VALIDATION,
};

export class RequestError extends errorOfCodes(REQUEST_ERROR_KINDS) {}
