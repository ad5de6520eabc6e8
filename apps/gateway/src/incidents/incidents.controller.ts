import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AddCommentDto,
  CommentList,
  CommentView,
  CountIncidentsRequest,
  CreatedIncidentView,
  CreateIncidentDto,
  GetIncidentRequest,
  IncidentCounts,
  IncidentFilters,
  IncidentHistory,
  IncidentPage,
  IncidentRpc,
  IncidentView,
  LinkChildrenDto,
  MajorIncidentDto,
  TransitionIncidentDto,
  UpdateIncidentDto,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IDEMPOTENCY_KEY_HEADER, IdempotencyKey, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };

/** The service desk's incidents: each route maps the HTTP request to one RPC of the incident service. */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class IncidentsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RolesOf(IncidentRpc.create)
  @ApiOperation({
    summary: 'Open an incident.',
    description:
      'Priority comes from the impact × urgency matrix; routing rules choose the assignment group unless an agent gives one. Requesters open incidents for themselves; agents may open them for a caller (`callerId`). The reply lists open incidents with the same category and a shared CI opened recently (`possibleDuplicates`); nothing is merged automatically.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({
    type: CreateIncidentDto,
    examples: {
      requester: { summary: 'A requester reports a problem', value: { title: 'VPN drops every 10 minutes', description: 'Since 9:00 on floor 3.', impact: 2, urgency: 1 } },
      agent: {
        summary: 'An agent logs a call for a caller',
        value: {
          title: 'Payroll portal returns 502',
          impact: 1,
          urgency: 1,
          category: 'application',
          channel: 'portal',
          callerId: 'alice',
          callerName: 'Alice Smith',
          serviceId: '0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a',
          ciIds: ['5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b'],
          assignmentGroup: 'finance-apps',
        },
      },
    },
  })
  @ApiCreatedResponse({
    description: 'The incident as opened.',
    type: CreatedIncidentView,
    headers: { Location: { description: 'Path of the new incident.', schema: { type: 'string', example: '/v1/incidents/3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10' } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 413, 422, 500, 503, 504)
  async create(
    @Body() body: CreateIncidentDto,
    @IdempotencyKey() key: { idempotencyKey?: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedIncidentView> {
    return created(reply, await this.rpc.call(IncidentRpc.create, { ...body, ...key }), 'incidents');
  }

  @Get()
  @RolesOf(IncidentRpc.list)
  @ApiOperation({ summary: 'List incidents by filters, a page at a time.', description: 'Requesters get only the incidents they opened, whatever the filters say.' })
  @ApiOkResponse({ type: IncidentPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() filters: IncidentFilters): Promise<IncidentPage> {
    return this.rpc.call(IncidentRpc.list, filters);
  }

  @Get('counts')
  @RolesOf(IncidentRpc.counts)
  @ApiOperation({
    summary: 'Count incidents per state (the queue view), with the filters of the list (no paging or sort).',
    description: 'Takes the filters of `GET /v1/incidents` and answers how many incidents match in each state and in total, to draw queue tabs without reading every page.',
  })
  @ApiOkResponse({ type: IncidentCounts })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  counts(@Query() filters: CountIncidentsRequest): Promise<IncidentCounts> {
    return this.rpc.call(IncidentRpc.counts, filters);
  }

  @Get(':id')
  @RolesOf(IncidentRpc.get)
  @ApiOperation({
    summary: 'Read one incident; requesters only see what they opened.',
    description: 'Answers the incident with its current version in `ETag`, to send back as `If-Match` when changing it. An incident a requester did not open answers 404, as if it did not exist.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The incident.', type: IncidentView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: GetIncidentRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IncidentView> {
    return withEtag(reply, await this.rpc.call(IncidentRpc.get, { id: params.id }));
  }

  @Patch(':id')
  @RolesOf(IncidentRpc.update)
  @ApiOperation({
    summary: 'Change fields of an incident.',
    description:
      'Only the fields given change; `null` clears a clearable field. A manual `priority` needs a `priorityReason`; changing impact or urgency returns to the matrix. A change of group or assignee after the first assignment counts as a reassignment.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: UpdateIncidentDto,
    examples: {
      assign: { summary: 'Assign', value: { assignmentGroup: 'network-ops', assigneeId: 'sam' } },
      override: { summary: 'Override the priority', value: { priority: 'P1', priorityReason: 'Blocks the quarter-end close.' } },
      matrix: { summary: 'Back to the matrix', value: { priority: null } },
      link: { summary: 'Link a change', value: { changeIds: ['9d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a'] } },
    },
  })
  @ApiOkResponse({ description: 'The incident after the change.', type: IncidentView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async update(
    @Param() params: GetIncidentRequest,
    @Body() body: UpdateIncidentDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IncidentView> {
    return withEtag(reply, await this.rpc.call(IncidentRpc.update, { id: params.id, changes: body, ...precondition }));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @RolesOf(IncidentRpc.transition)
  @ApiOperation({
    summary: 'Move an incident to another state.',
    description:
      'new → in_progress ⇄ on_hold (`holdReason`), in_progress → resolved (`resolutionCode`, `resolutionNotes`) → closed; resolved → in_progress reopens (`reason`, within the reopen window); canceled (`reason`) and merged (`into`: the open incident it duplicates) from any open state. Resolving a parent resolves its open children. A refused move answers 409 with the allowed targets. Requesters may cancel their new incident, and accept (close) or reject (reopen) a resolution.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: TransitionIncidentDto,
    examples: {
      start: { summary: 'Start work', value: { to: 'in_progress' } },
      hold: { summary: 'Wait for the caller', value: { to: 'on_hold', holdReason: 'awaiting_caller' } },
      resolve: { summary: 'Resolve', value: { to: 'resolved', resolutionCode: 'permanent_fix', resolutionNotes: 'Replaced the faulty switch port.' } },
      close: { summary: 'Close (accept the resolution)', value: { to: 'closed' } },
      reopen: { summary: 'Reopen within the window', value: { to: 'in_progress', reason: 'The VPN dropped again this morning.' } },
      cancel: { summary: 'Cancel', value: { to: 'canceled', reason: 'Opened by mistake.' } },
      merge: { summary: 'Merge into the incident it duplicates', value: { to: 'merged', into: '3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10' } },
    },
  })
  @ApiOkResponse({ description: 'The incident in its new state.', type: IncidentView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async transition(
    @Param() params: GetIncidentRequest,
    @Body() body: TransitionIncidentDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IncidentView> {
    return withEtag(reply, await this.rpc.call(IncidentRpc.transition, { id: params.id, transition: body, ...precondition }));
  }

  @Get(':id/comments')
  @RolesOf(IncidentRpc.comments)
  @ApiOperation({
    summary: 'Comments of an incident, oldest first; work notes only for agents.',
    description: 'Answers every comment of the incident in the order they were written. Work notes (`visibility: internal`) are left out for requesters; an incident a requester cannot see answers 404.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CommentList })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  comments(@Param() params: GetIncidentRequest): Promise<CommentList> {
    return this.rpc.call(IncidentRpc.comments, { id: params.id });
  }

  @Post(':id/comments')
  @HttpCode(201)
  @RolesOf(IncidentRpc.addComment)
  @ApiOperation({
    summary: 'Add a comment (visible to the caller) or, for agents, a work note (`visibility: internal`).',
    description: 'Adds a comment to the incident and answers it with its id and time. Requesters comment on the incidents they opened and cannot write work notes (`visibility: internal`).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiCreatedResponse({ type: CommentView })
  @ApiProblemResponses(400, 401, 403, 404, 409, 500, 503, 504)
  addComment(@Param() params: GetIncidentRequest, @Body() body: AddCommentDto): Promise<CommentView> {
    return this.rpc.call(IncidentRpc.addComment, { id: params.id, comment: body });
  }

  @Get(':id/history')
  @RolesOf(IncidentRpc.history)
  @ApiOperation({
    summary: 'Every change of an incident with who made it and when (the audit trail); requesters do not see work notes.',
    description: 'Answers the audit trail of the incident, oldest first: each field change, state move and comment with the actor and the time. Requesters do not see work notes or internal field changes.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IncidentHistory })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  history(@Param() params: GetIncidentRequest): Promise<IncidentHistory> {
    return this.rpc.call(IncidentRpc.history, { id: params.id });
  }

  @Put(':id/major')
  @RolesOf(IncidentRpc.setMajor)
  @ApiOperation({
    summary: 'Declare (`major: true`) or withdraw (`major: false`) a major incident; managers only.',
    description: 'Declares the incident major or withdraws that, with a `reason` kept in its history and published with `major_declared` or `major_undeclared`; declaring one that is already major answers 409. Send the current version as `If-Match`; a stale one answers 412.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: IncidentView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async setMajor(
    @Param() params: GetIncidentRequest,
    @Body() body: MajorIncidentDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IncidentView> {
    return withEtag(reply, await this.rpc.call(IncidentRpc.setMajor, { id: params.id, ...body, ...precondition }));
  }

  @Post(':id/children')
  @HttpCode(200)
  @RolesOf(IncidentRpc.linkChildren)
  @ApiOperation({
    summary: 'Make incidents children of this one (e.g. the reports a major incident explains); they are resolved with it.',
    description: 'Links up to 100 incidents as children of this one and answers the parent; resolving the parent then resolves its open children with the same resolution code. A link that would make a cycle is refused with 409.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The parent incident.', type: IncidentView })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422, 500, 503, 504)
  linkChildren(@Param() params: GetIncidentRequest, @Body() body: LinkChildrenDto): Promise<IncidentView> {
    return this.rpc.call(IncidentRpc.linkChildren, { id: params.id, childIds: body.childIds });
  }
}

