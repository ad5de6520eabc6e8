import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsEnum, IsInt, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { RoleSets } from '../actor';
import { defineEvent, defineRpc } from '../message';
import {
  CatalogItemPage,
  CatalogItemView,
  CreateCatalogItemDto,
  GetCatalogItemQuery,
  ListCatalogItemsQuery,
  RetireCatalogItemCommand,
  UpdateCatalogItemCommand,
} from './catalog.dto';
import {
  AddFulfillmentTaskCommand,
  AddRequestCommentCommand,
  ApprovalDecisionCommand,
  CompleteFulfillmentTaskCommand,
  GetServiceRequestQuery,
  ListRequestCommentsQuery,
  ListServiceRequestsQuery,
  RequestCommentPage,
  RequestCommentView,
  RequestTransitionCommand,
  ServiceRequestPage,
  ServiceRequestSnapshot,
  ServiceRequestView,
  SubmitServiceRequestCommand,
} from './request.dto';
import { ApprovalType, RequestState } from './request.enums';

/** Fields every request event carries besides its own. */
class RequestEventBase {
  @ApiProperty({ format: 'uuid', description: 'Id of the request (also the CloudEvents `subject`).' })
  @IsUUID()
  requestId!: string;

  @ApiProperty({ example: 'REQ0001001' })
  @IsString()
  number!: string;

  @ApiProperty({ format: 'uuid', description: 'Id of the catalog item.' })
  @IsUUID()
  itemId!: string;

  @ApiProperty({ example: 'alice' })
  @IsString()
  requesterId!: string;

  @ApiPropertyOptional({ type: [String], example: ['vip'], description: 'Groups of the requester when the request was submitted (their token’s `groups`).' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  requesterGroups?: string[];
}

/** Payload of `itsm.events.incident.request_submitted.v1`: the request as submitted (state `submitted`). */
export class RequestSubmittedV1 extends ServiceRequestSnapshot {}

/** Payload of `itsm.events.incident.request_approval_requested.v1`: one per approver, or one for a group. */
export class RequestApprovalRequestedV1 extends RequestEventBase {
  @ApiProperty({ format: 'uuid', description: 'Id of the approval step.' })
  @IsUUID()
  approvalId!: string;

  @ApiProperty({ enum: ApprovalType, enumName: 'ApprovalType' })
  @IsEnum(ApprovalType)
  approvalType!: ApprovalType;

  @ApiProperty({ nullable: true, type: String, description: 'Subject of the approver asked; null for a group.', example: 'carol' })
  @IsOptional()
  @IsString()
  approverId!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Group asked; null for a person.', example: null })
  @IsOptional()
  @IsString()
  group!: string | null;

  @ApiProperty({ description: 'How many approvals the request needs in all.', example: 2 })
  @IsInt()
  @Min(1)
  required!: number;

  @ApiProperty({ example: 'New laptop' })
  @IsString()
  itemName!: string;
}

/** Payload of `itsm.events.incident.request_approved.v1`. */
export class RequestApprovedV1 extends RequestEventBase {
  @ApiProperty({ enum: ApprovalType, enumName: 'ApprovalType', description: '`none`: approved on submission.' })
  @IsEnum(ApprovalType)
  approvalType!: ApprovalType;

  @ApiProperty({ type: [String], description: 'Who approved; empty when no approval was needed.', example: ['carol', 'dave'] })
  @IsArray()
  @IsString({ each: true })
  approvedBy!: string[];

  @ApiProperty({ description: 'Approvals needed (0 when none).', example: 2 })
  @IsInt()
  @Min(0)
  required!: number;
}

/** Payload of `itsm.events.incident.request_rejected.v1`. */
export class RequestRejectedV1 extends RequestEventBase {
  @ApiProperty({ enum: ApprovalType, enumName: 'ApprovalType' })
  @IsEnum(ApprovalType)
  approvalType!: ApprovalType;

  @ApiProperty({ description: 'The approver whose decision settled it.', example: 'erin' })
  @IsString()
  rejectedBy!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Not in this year’s budget.' })
  @IsOptional()
  @IsString()
  comment!: string | null;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(0)
  approvals!: number;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  rejections!: number;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  required!: number;
}

/** Payload of `itsm.events.incident.request_fulfilled.v1`. */
export class RequestFulfilledV1 extends RequestEventBase {
  @ApiProperty({ example: 'sam' })
  @IsString()
  fulfilledBy!: string;

  @ApiProperty({ description: 'Fulfillment tasks the request had, all completed.', example: 2 })
  @IsInt()
  @Min(0)
  tasksCompleted!: number;
}

/** Payload of `itsm.events.incident.request_state_changed.v1`: every state a request enters, its first included. */
export class RequestStateChangedV1 extends RequestEventBase {
  @ApiProperty({ enum: RequestState, enumName: 'RequestState', nullable: true, description: 'null when the request was just submitted.' })
  @IsOptional()
  @IsEnum(RequestState)
  from!: RequestState | null;

  @ApiProperty({ enum: RequestState, enumName: 'RequestState' })
  @IsEnum(RequestState)
  to!: RequestState;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Who caused the move: the submitter for the moves of a submission, the approver whose decision settled the approvals, ' +
      'otherwise the caller of the transition; null when the service moved it on its own.',
    example: 'sam',
  })
  @IsOptional()
  @IsString()
  changedBy!: string | null;

  @ApiProperty({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  reason!: string | null;

  @ApiProperty({ description: 'Version of the request after the move.', example: 2 })
  @IsInt()
  @Min(1)
  version!: number;
}

export const RequestEvents = {
  submitted: defineEvent({
    domain: 'incident',
    name: 'request_submitted',
    version: 1,
    payload: RequestSubmittedV1,
    summary: 'A service request was submitted for a catalog item.',
  }),
  approvalRequested: defineEvent({
    domain: 'incident',
    name: 'request_approval_requested',
    version: 1,
    payload: RequestApprovalRequestedV1,
    summary: 'A service request waits for the decision of an approver (or of any member of a group).',
  }),
  approved: defineEvent({
    domain: 'incident',
    name: 'request_approved',
    version: 1,
    payload: RequestApprovedV1,
    summary: 'A service request got the approvals it needs (or needed none) and can be fulfilled.',
  }),
  rejected: defineEvent({
    domain: 'incident',
    name: 'request_rejected',
    version: 1,
    payload: RequestRejectedV1,
    summary: 'A service request was rejected by its approvers.',
  }),
  fulfilled: defineEvent({
    domain: 'incident',
    name: 'request_fulfilled',
    version: 1,
    payload: RequestFulfilledV1,
    summary: 'Everything a service request asked for was delivered.',
  }),
  stateChanged: defineEvent({
    domain: 'incident',
    name: 'request_state_changed',
    version: 1,
    payload: RequestStateChangedV1,
    summary: 'A service request entered a state (every move, submission, closing and cancelation included).',
  }),
} as const;

export const RequestRpc = {
  submit: defineRpc({
    domain: 'incident',
    operation: 'request_submit',
    request: SubmitServiceRequestCommand,
    response: ServiceRequestView,
    summary: 'Submit a service request for an active catalog item on behalf of the calling user.',
    roles: RoleSets.requestersAndAgents,
  }),
  get: defineRpc({
    domain: 'incident',
    operation: 'request_get',
    request: GetServiceRequestQuery,
    response: ServiceRequestView,
    summary: 'Read one service request; requesters only see their own, approvers the ones they decide.',
    roles: RoleSets.everyone,
  }),
  list: defineRpc({
    domain: 'incident',
    operation: 'request_list',
    request: ListServiceRequestsQuery,
    response: ServiceRequestPage,
    summary: 'List service requests, newest first; requesters only get their own.',
    roles: RoleSets.everyone,
  }),
  transition: defineRpc({
    domain: 'incident',
    operation: 'request_transition',
    request: RequestTransitionCommand,
    response: ServiceRequestView,
    summary: 'Move a service request to another state (fulfillment, closing, cancelation).',
    roles: RoleSets.everyone,
  }),
  approve: defineRpc({
    domain: 'incident',
    operation: 'request_approve',
    request: ApprovalDecisionCommand,
    response: ServiceRequestView,
    summary: 'Approve a service request as one of its approvers.',
    roles: RoleSets.everyone,
  }),
  reject: defineRpc({
    domain: 'incident',
    operation: 'request_reject',
    request: ApprovalDecisionCommand,
    response: ServiceRequestView,
    summary: 'Reject a service request as one of its approvers.',
    roles: RoleSets.everyone,
  }),
  addTask: defineRpc({
    domain: 'incident',
    operation: 'request_task_add',
    request: AddFulfillmentTaskCommand,
    response: ServiceRequestView,
    summary: 'Add a fulfillment task to a request in fulfillment.',
    roles: RoleSets.agents,
  }),
  completeTask: defineRpc({
    domain: 'incident',
    operation: 'request_task_complete',
    request: CompleteFulfillmentTaskCommand,
    response: ServiceRequestView,
    summary: 'Complete a fulfillment task of a request.',
    roles: RoleSets.agents,
  }),
  addComment: defineRpc({
    domain: 'incident',
    operation: 'request_comment_add',
    request: AddRequestCommentCommand,
    response: RequestCommentView,
    summary: 'Comment on a service request (internal comments are for agents only).',
    roles: RoleSets.everyone,
  }),
  listComments: defineRpc({
    domain: 'incident',
    operation: 'request_comment_list',
    request: ListRequestCommentsQuery,
    response: RequestCommentPage,
    summary: 'Comments of a service request, oldest first; requesters do not get internal ones.',
    roles: RoleSets.everyone,
  }),
} as const;

export const CatalogRpc = {
  create: defineRpc({
    domain: 'incident',
    operation: 'catalog_item_create',
    request: CreateCatalogItemDto,
    response: CatalogItemView,
    summary: 'Add an item to the request catalog (admins).',
    roles: RoleSets.admins,
  }),
  update: defineRpc({
    domain: 'incident',
    operation: 'catalog_item_update',
    request: UpdateCatalogItemCommand,
    response: CatalogItemView,
    summary: 'Change a catalog item (admins); requests already submitted keep the rules they were submitted under.',
    roles: RoleSets.admins,
  }),
  retire: defineRpc({
    domain: 'incident',
    operation: 'catalog_item_retire',
    request: RetireCatalogItemCommand,
    response: CatalogItemView,
    summary: 'Retire a catalog item (admins): no new requests for it; open ones go on.',
    roles: RoleSets.admins,
  }),
  get: defineRpc({
    domain: 'incident',
    operation: 'catalog_item_get',
    request: GetCatalogItemQuery,
    response: CatalogItemView,
    summary: 'Read one catalog item; only admins see retired ones.',
    roles: RoleSets.everyone,
  }),
  list: defineRpc({
    domain: 'incident',
    operation: 'catalog_item_list',
    request: ListCatalogItemsQuery,
    response: CatalogItemPage,
    summary: 'List catalog items by name; active ones for everybody, retired ones for admins.',
    roles: RoleSets.everyone,
  }),
} as const;
