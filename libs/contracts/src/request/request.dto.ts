import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { type Page, PageOf, PageRequest } from '../paging';
import { ApprovalPolicyDto } from './catalog.dto';
import { ApprovalDecision, FulfillmentTaskState, RequestCommentVisibility, RequestState } from './request.enums';
import { OptionalNotNull } from '../transforms';
import { IsInstant } from '../field-rules';

/** Body of `POST /v1/requests`. */
export class SubmitServiceRequestDto {
  @ApiProperty({ format: 'uuid', description: 'The catalog item asked for; it must be active.', example: '6a1f3c52-0d7e-4b8a-9c61-2f4e8d9b7a10' })
  @IsUUID()
  itemId!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Answers to the item’s form, checked against its `formSchema`; errors name the field as `answers.<path>`.',
    example: { laptopModel: 'developer-16', keyboardLayout: 'de-CH' },
  })
  @IsObject()
  answers!: Record<string, unknown>;
}

/** The `itsm.rpc.incident.request_submit` request: the body plus the client's `Idempotency-Key`. */
export class SubmitServiceRequestCommand extends SubmitServiceRequestDto {
  @ApiPropertyOptional({ maxLength: 255, description: 'The `Idempotency-Key` header: a retry with the same key returns the first request’s result.' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 255)
  idempotencyKey?: string;
}

export class GetServiceRequestQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** `GET /v1/requests?state=&requester=&item=&limit=&cursor=`; requesters only get their own. */
export class ListServiceRequestsQuery extends PageRequest {
  @ApiPropertyOptional({ enum: RequestState, enumName: 'RequestState' })
  @OptionalNotNull()
  @IsEnum(RequestState)
  state?: RequestState;

  @ApiPropertyOptional({ maxLength: 200, description: 'Subject (`sub`) of the requester.', example: 'alice' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  requester?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Id of the catalog item.' })
  @OptionalNotNull()
  @IsUUID()
  item?: string;
}

/** Body of `POST /v1/requests/{id}/transitions`. */
export class RequestTransitionDto {
  @ApiProperty({
    enum: RequestState,
    enumName: 'RequestState',
    description:
      'Target state. Agents: `approved → in_fulfillment`, `in_fulfillment → fulfilled` (no open task), `fulfilled → closed`, ' +
      'and `canceled` before `fulfilled`. The requester: `canceled` while submitted, awaiting approval or approved.',
    example: RequestState.InFulfillment,
  })
  @IsEnum(RequestState)
  to!: RequestState;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Why (kept in the audit log and the state_changed event).', example: 'Not needed any more' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class RequestTransitionCommand extends RequestTransitionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Version the change is based on (`If-Match`); a stale one is refused.' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/** Body of `POST /v1/requests/{id}/approve` and `/reject`. */
export class ApprovalDecisionDto {
  @ApiPropertyOptional({ maxLength: 2000, example: 'Budget is available.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class ApprovalDecisionCommand extends ApprovalDecisionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Version the decision is based on (`If-Match`).' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/** Body of `POST /v1/requests/{id}/tasks`. */
export class AddFulfillmentTaskDto {
  @ApiProperty({ minLength: 3, maxLength: 200, example: 'Install the developer image' })
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiProperty({ minLength: 1, maxLength: 120, example: 'desktop-support' })
  @IsString()
  @Length(1, 120)
  assignmentGroup!: string;
}

export class AddFulfillmentTaskCommand extends AddFulfillmentTaskDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Version of the request the change is based on (`If-Match`).' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class CompleteFulfillmentTaskCommand {
  @ApiProperty({ format: 'uuid', description: 'Id of the request.' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  taskId!: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Version of the request the change is based on (`If-Match`).' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/** Body of `POST /v1/requests/{id}/comments`. */
export class AddRequestCommentDto {
  @ApiProperty({ minLength: 1, maxLength: 20000, example: 'Could you make it the 16-inch model?' })
  @IsString()
  @Length(1, 20000)
  body!: string;

  @ApiPropertyOptional({
    enum: RequestCommentVisibility,
    enumName: 'RequestCommentVisibility',
    default: RequestCommentVisibility.Public,
    description: '`internal` comments are for agents only; requesters can neither write nor read them.',
  })
  @OptionalNotNull()
  @IsEnum(RequestCommentVisibility)
  visibility?: RequestCommentVisibility;
}

export class AddRequestCommentCommand extends AddRequestCommentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListRequestCommentsQuery extends PageRequest {
  @ApiProperty({ format: 'uuid', description: 'Id of the request.' })
  @IsUUID()
  id!: string;
}

/** One approval step of a request: one per named approver, or one for the manager or the group. */
export class RequestApprovalView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ nullable: true, type: String, description: 'Subject of the approver (manager and n_of_m steps).', example: 'carol' })
  @IsOptional()
  @IsString()
  approverId!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Group whose members may decide (group steps).', example: null })
  @IsOptional()
  @IsString()
  group!: string | null;

  @ApiProperty({ enum: ApprovalDecision, enumName: 'ApprovalDecision' })
  @IsEnum(ApprovalDecision)
  decision!: ApprovalDecision;

  @ApiProperty({ nullable: true, type: String, description: 'Who decided (for a group: the member who did).', example: 'dana' })
  @IsOptional()
  @IsString()
  decidedBy!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-03-10T14:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  decidedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Approved within the team budget.' })
  @IsOptional()
  @IsString()
  comment!: string | null;
}

export class FulfillmentTaskView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'Deliver "New laptop"' })
  @IsString()
  title!: string;

  @ApiProperty({ example: 'it-hardware' })
  @IsString()
  assignmentGroup!: string;

  @ApiProperty({ enum: FulfillmentTaskState, enumName: 'FulfillmentTaskState' })
  @IsEnum(FulfillmentTaskState)
  state!: FulfillmentTaskState;

  @ApiProperty({ description: 'Who added it (the agent who started fulfillment, for the first task).', example: 'alice' })
  @IsString()
  createdBy!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ nullable: true, type: String, example: 'sam' })
  @IsOptional()
  @IsString()
  completedBy!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-03-06T15:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  completedAt!: string | null;
}

/** A service request without its approval steps and tasks: the payload of `request_submitted`. */
export class ServiceRequestSnapshot {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'REQ0001001' })
  @IsString()
  @Matches(/^REQ\d{7,}$/)
  number!: string;

  @ApiProperty({ format: 'uuid', example: '59a814aa-020a-4b32-8467-4a5887a35022' })
  @IsUUID()
  itemId!: string;

  @ApiProperty({ example: 'New laptop' })
  @IsString()
  itemName!: string;

  @ApiProperty({ description: 'Version of the catalog item whose form and approval rules apply.', example: 1 })
  @IsInt()
  @Min(1)
  itemVersion!: number;

  @ApiProperty({ description: 'Subject (`sub`) of the user who submitted it.', example: 'alice' })
  @IsString()
  requesterId!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Alice Smith' })
  @IsOptional()
  @IsString()
  requesterName!: string | null;

  @ApiPropertyOptional({ type: [String], example: ['vip'], description: 'Groups of the requester when the request was submitted (their token’s `groups`).' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  requesterGroups?: string[];

  @ApiProperty({ nullable: true, type: String, description: 'The requester’s manager when submitted (token claim `manager`).', example: 'mallory' })
  @IsOptional()
  @IsString()
  managerId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { laptopModel: 'developer-16' } })
  @IsObject()
  answers!: Record<string, unknown>;

  @ApiProperty({ type: () => ApprovalPolicyDto, description: 'The item’s approval rules when submitted.' })
  @IsObject()
  @ValidateNested()
  @Type(() => ApprovalPolicyDto)
  approval!: ApprovalPolicyDto;

  @ApiProperty({ enum: RequestState, enumName: 'RequestState' })
  @IsEnum(RequestState)
  state!: RequestState;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:05:00.000Z' })
  @IsInstant()
  updatedAt!: string;

  @ApiProperty({ description: 'Optimistic-concurrency version; also the ETag.', example: 1 })
  @IsInt()
  @Min(1)
  version!: number;
}

/** A service request as the API shows it. */
export class ServiceRequestView extends ServiceRequestSnapshot {
  @ApiProperty({ type: () => [RequestApprovalView] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RequestApprovalView)
  approvals!: RequestApprovalView[];

  @ApiProperty({ type: () => [FulfillmentTaskView] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FulfillmentTaskView)
  tasks!: FulfillmentTaskView[];
}

export const ServiceRequestPage = PageOf(() => ServiceRequestView, 'ServiceRequestPage');
export type ServiceRequestPage = Page<ServiceRequestView>;

export class RequestCommentView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'uuid', example: '510ff634-fce4-47ee-a176-3854519fd3ce' })
  @IsUUID()
  requestId!: string;

  @ApiProperty({ example: 'alice' })
  @IsString()
  authorId!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Alice Smith' })
  @IsOptional()
  @IsString()
  authorName!: string | null;

  @ApiProperty({ example: 'Could you make it the 16-inch model?' })
  @IsString()
  body!: string;

  @ApiProperty({ enum: RequestCommentVisibility, enumName: 'RequestCommentVisibility' })
  @IsEnum(RequestCommentVisibility)
  visibility!: RequestCommentVisibility;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;
}

export const RequestCommentPage = PageOf(() => RequestCommentView, 'RequestCommentPage');
export type RequestCommentPage = Page<RequestCommentView>;
