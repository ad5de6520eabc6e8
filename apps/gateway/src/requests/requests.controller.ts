import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { FastifyReply } from 'fastify';
import {
  AddFulfillmentTaskDto,
  AddRequestCommentDto,
  ApprovalDecisionDto,
  GetServiceRequestQuery,
  ListServiceRequestsQuery,
  PageRequest,
  RequestCommentPage,
  RequestCommentView,
  RequestCommentVisibility,
  RequestRpc,
  RequestState,
  RequestTransitionDto,
  ServiceRequestPage,
  ServiceRequestView,
  SubmitServiceRequestDto,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IDEMPOTENCY_KEY_HEADER, IdempotencyKey, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };

class TaskParams {
  @ApiProperty({ format: 'uuid', description: 'Id of the request.' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'Id of the task.' })
  @IsUUID()
  taskId!: string;
}


/**
 * Service requests: each route maps the HTTP request to one RPC of the incident service, which checks who may
 * see and do what (a requester only reaches their own requests, approvers the ones they decide).
 */
@ApiTags('requests')
@ApiBearerAuth()
@Controller('requests')
export class RequestsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RolesOf(RequestRpc.submit)
  @ApiOperation({
    summary: 'Submit a request for an active catalog item.',
    description:
      'The answers are checked against the item’s form (400 naming `answers.<field>`). The request is `submitted`, then at once ' +
      '`awaiting_approval` (each approver, or the group, is asked) or, when the item needs no approval, `approved`. An item ' +
      'approved by the manager needs the token claim `manager` (422 without it). A retired item answers 422, an unknown one 404.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({
    type: SubmitServiceRequestDto,
    examples: { laptop: { summary: 'A developer laptop', value: { itemId: '6a1f3c52-0d7e-4b8a-9c61-2f4e8d9b7a10', answers: { laptopModel: 'developer-16', keyboardLayout: 'de-CH' } } } },
  })
  @ApiCreatedResponse({
    description: 'The request as submitted, with its approval steps.',
    type: ServiceRequestView,
    headers: { Location: { description: 'Path of the new request.', schema: { type: 'string', example: '/v1/requests/0c7d2c1e-5b7a-4f7e-9a0e-3d2b1c4f5a6b' } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 404, 413, 422, 500, 503, 504)
  async submit(
    @Body() body: SubmitServiceRequestDto,
    @IdempotencyKey() key: { idempotencyKey?: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceRequestView> {
    return created(reply, await this.rpc.call(RequestRpc.submit, { ...body, ...key }), 'requests');
  }

  @Get()
  @RolesOf(RequestRpc.list)
  @ApiOperation({ summary: 'List requests, newest first, a page at a time.', description: 'Requesters only get their own, whatever the filters say.' })
  @ApiOkResponse({ type: ServiceRequestPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListServiceRequestsQuery): Promise<ServiceRequestPage> {
    return this.rpc.call(RequestRpc.list, query);
  }

  @Get(':id')
  @RolesOf(RequestRpc.get)
  @ApiOperation({ summary: 'Read one request with its approval steps and tasks.', description: 'Requesters see their own, approvers the ones they are asked to decide; 404 otherwise.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ServiceRequestView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: GetServiceRequestQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<ServiceRequestView> {
    return withEtag(reply, await this.rpc.call(RequestRpc.get, { id: params.id }));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @RolesOf(RequestRpc.transition)
  @ApiOperation({
    summary: 'Move a request to another state.',
    description:
      'Agents: `approved → in_fulfillment` (creates a task for the item’s fulfillment group), `in_fulfillment → fulfilled` ' +
      '(409 naming the open tasks while any is open), `fulfilled → closed`, and `canceled` before `fulfilled`. The requester: ' +
      '`canceled` while awaiting approval or approved. Approval outcomes come from `/approve` and `/reject`. A refused move ' +
      'answers 409 `INVALID_TRANSITION` listing the states allowed to the caller.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: RequestTransitionDto,
    examples: {
      fulfil: { summary: 'Start fulfillment', value: { to: RequestState.InFulfillment } },
      cancel: { summary: 'Cancel', value: { to: RequestState.Canceled, reason: 'Not needed any more' } },
    },
  })
  @ApiOkResponse({ description: 'The request in its new state.', type: ServiceRequestView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async transition(
    @Param() params: GetServiceRequestQuery,
    @Body() body: RequestTransitionDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceRequestView> {
    return withEtag(reply, await this.rpc.call(RequestRpc.transition, { ...body, id: params.id, ...precondition }));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @RolesOf(RequestRpc.approve)
  @ApiOperation({
    summary: 'Approve a request as one of its approvers.',
    description:
      'The manager named when it was submitted, any member of the approving group, or one of the n-of-m approvers. Each approver ' +
      'decides once (409 on a second decision); someone who is not an approver gets 403; a request no longer awaiting approval 409.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: ApprovalDecisionDto, examples: { approve: { summary: 'With a comment', value: { comment: 'Budget is available.' } } } })
  @ApiOkResponse({ description: 'The request after the decision (approved once enough approvals are in).', type: ServiceRequestView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async approve(
    @Param() params: GetServiceRequestQuery,
    @Body() body: ApprovalDecisionDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceRequestView> {
    return withEtag(reply, await this.rpc.call(RequestRpc.approve, { ...body, id: params.id, ...precondition }));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @RolesOf(RequestRpc.reject)
  @ApiOperation({
    summary: 'Reject a request as one of its approvers.',
    description: 'A manager’s or a group’s rejection settles it; with n of m the request is rejected as soon as the approvers left can no longer reach the approvals needed.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: ApprovalDecisionDto, examples: { reject: { summary: 'With a reason', value: { comment: 'Not in this year’s budget.' } } } })
  @ApiOkResponse({ description: 'The request after the decision.', type: ServiceRequestView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async reject(
    @Param() params: GetServiceRequestQuery,
    @Body() body: ApprovalDecisionDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceRequestView> {
    return withEtag(reply, await this.rpc.call(RequestRpc.reject, { ...body, id: params.id, ...precondition }));
  }

  @Post(':id/tasks')
  @HttpCode(200)
  @RolesOf(RequestRpc.addTask)
  @ApiOperation({
    summary: 'Add a fulfillment task to a request in fulfillment (agents).',
    description: 'Adds a task, with its title and the group that carries it out, to a request in fulfillment and answers the request. Send the current version as `If-Match`; a stale one answers 412, and a request in another state answers 409.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: AddFulfillmentTaskDto, examples: { image: { summary: 'Imaging', value: { title: 'Install the developer image', assignmentGroup: 'desktop-support' } } } })
  @ApiOkResponse({ description: 'The request with its new task.', type: ServiceRequestView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async addTask(
    @Param() params: GetServiceRequestQuery,
    @Body() body: AddFulfillmentTaskDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceRequestView> {
    return withEtag(reply, await this.rpc.call(RequestRpc.addTask, { ...body, id: params.id, ...precondition }));
  }

  @Post(':id/tasks/:taskId/complete')
  @HttpCode(200)
  @RolesOf(RequestRpc.completeTask)
  @ApiOperation({
    summary: 'Complete a fulfillment task (agents); 409 when it is already completed.',
    description: 'Marks the task completed and answers the request; the request can be moved to `fulfilled` once no task is open. Send the current version as `If-Match`; a stale one answers 412.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'taskId', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ description: 'The request with the task completed.', type: ServiceRequestView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async completeTask(
    @Param() params: TaskParams,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceRequestView> {
    return withEtag(reply, await this.rpc.call(RequestRpc.completeTask, { id: params.id, taskId: params.taskId, ...precondition }));
  }

  @Get(':id/comments')
  @RolesOf(RequestRpc.listComments)
  @ApiOperation({
    summary: 'Comments of a request, oldest first; requesters and approvers do not get internal ones.',
    description: 'Answers the comments of the request in the order they were written, a page at a time: pass `nextCursor` of one page as `cursor` to read the next. A request the caller may not see answers 404.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: RequestCommentPage })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  comments(@Param() params: GetServiceRequestQuery, @Query() page: PageRequest): Promise<RequestCommentPage> {
    return this.rpc.call(RequestRpc.listComments, { ...page, id: params.id });
  }

  @Post(':id/comments')
  @HttpCode(201)
  @RolesOf(RequestRpc.addComment)
  @ApiOperation({
    summary: 'Comment on a request; `internal` comments are for agents (403 for others).',
    description: 'Adds a comment to the request and answers it. Requesters and approvers write public comments only; agents may write `internal` notes, which only agents read.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({
    type: AddRequestCommentDto,
    examples: {
      question: { summary: 'The requester asks', value: { body: 'Could you make it the 16-inch model?' } },
      note: { summary: 'An agent notes', value: { body: 'Check stock first', visibility: RequestCommentVisibility.Internal } },
    },
  })
  @ApiCreatedResponse({ type: RequestCommentView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  addComment(@Param() params: GetServiceRequestQuery, @Body() body: AddRequestCommentDto): Promise<RequestCommentView> {
    return this.rpc.call(RequestRpc.addComment, { ...body, id: params.id });
  }
}
