import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AddCommentDto,
  CreateProblemDto,
  GetProblemRequest,
  KnownErrorView,
  LinkIncidentDto,
  ProblemCommentList,
  ProblemCommentView,
  ProblemFilters,
  ProblemHistory,
  ProblemIncidentPath,
  ProblemPage,
  ProblemRpc,
  ProblemView,
  PublishKnownErrorDto,
  TransitionProblemDto,
  UpdateProblemDto,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IDEMPOTENCY_KEY_HEADER, IdempotencyKey, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const EXAMPLE_ID = '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

/**
 * Problem management: each route maps the HTTP request to one RPC of the problem service. Agents, managers and
 * admins only; a requester is refused every route alike, so never learns whether a problem exists.
 */
@ApiTags('problems')
@ApiBearerAuth()
@Controller('problems')
export class ProblemsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RolesOf(ProblemRpc.create)
  @ApiOperation({
    summary: 'Open a problem.',
    description:
      'Priority comes from the impact × urgency matrix incidents use. CIs the CMDB does not know are refused with 422 `PROBLEM_UNKNOWN_CIS`, a cause category outside the configured list with 422 `PROBLEM_UNKNOWN_CAUSE_CATEGORY`. A root cause given here counts as identifying it.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({
    type: CreateProblemDto,
    examples: {
      minimal: { summary: 'What is known so far', value: { title: 'VPN gateway drops tunnels under load', category: 'network', impact: 2, urgency: 2 } },
      analysed: {
        summary: 'With its CIs and a first analysis',
        value: {
          title: 'Mail queue stalls every morning',
          description: 'Five incidents this week, each between 8:00 and 8:30.',
          category: 'email',
          impact: 2,
          urgency: 1,
          assignmentGroup: 'messaging',
          assigneeId: 'sam',
          rootCause: 'The nightly archive job holds the queue lock until it finishes.',
          causeCategory: 'configuration',
          workaround: 'Restart the queue runner after the archive job.',
        },
      },
    },
  })
  @ApiCreatedResponse({
    description: 'The problem as opened.',
    type: ProblemView,
    headers: { Location: { description: 'Path of the new problem.', schema: { type: 'string', example: `/v1/problems/${EXAMPLE_ID}` } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 413, 422, 500, 503, 504)
  async create(
    @Body() body: CreateProblemDto,
    @IdempotencyKey() key: { idempotencyKey?: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProblemView> {
    return created(reply, await this.rpc.call(ProblemRpc.create, { ...body, ...key }), 'problems');
  }

  @Get()
  @RolesOf(ProblemRpc.list)
  @ApiOperation({
    summary: 'List problems by filters, sorted, a page at a time.',
    description: 'Filters combine (AND); comma-separated values of one filter are alternatives (OR). `q` searches title, description, root cause and workaround.',
  })
  @ApiOkResponse({ type: ProblemPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() filters: ProblemFilters): Promise<ProblemPage> {
    return this.rpc.call(ProblemRpc.list, filters);
  }

  @Get(':id')
  @RolesOf(ProblemRpc.get)
  @ApiOperation({
    summary: 'Read one problem.',
    description: 'Answers the problem with its linked incidents, known error and detection, and its current version in `ETag` to send back as `If-Match` when changing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The problem.', type: ProblemView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: GetProblemRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ProblemView> {
    return withEtag(reply, await this.rpc.call(ProblemRpc.get, { id: params.id }));
  }

  @Patch(':id')
  @RolesOf(ProblemRpc.update)
  @ApiOperation({
    summary: 'Change fields of a problem.',
    description:
      'Only the fields given change; `null` clears a clearable field. Linked incidents change only by linking and unlinking, the state only by transitions; changing impact or urgency recomputes the priority. The first root cause given sets `rootCauseIdentifiedAt`. A closed or canceled problem is refused with 409 `PROBLEM_FINAL_STATE`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: UpdateProblemDto,
    examples: {
      assign: { summary: 'Assign', value: { assignmentGroup: 'network-ops', assigneeId: 'sam' } },
      rootCause: { summary: 'Record the root cause', value: { rootCause: 'The gateway’s session table is sized for 256 tunnels.', causeCategory: 'capacity' } },
      workaround: { summary: 'Record a workaround', value: { workaround: 'Reconnect to the secondary gateway vpn2.example.com.' } },
      fix: { summary: 'Name the fixing change', value: { changeIds: ['9d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a'] } },
    },
  })
  @ApiOkResponse({ description: 'The problem after the change.', type: ProblemView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async update(
    @Param() params: GetProblemRequest,
    @Body() body: UpdateProblemDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProblemView> {
    return withEtag(reply, await this.rpc.call(ProblemRpc.update, { id: params.id, changes: body, ...precondition }));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @RolesOf(ProblemRpc.transition)
  @ApiOperation({
    summary: 'Move a problem to another state.',
    description:
      'new → assess → root_cause_analysis → fix_in_progress (needs `rootCause` and `causeCategory` on the problem, else 422 `PROBLEM_ROOT_CAUSE_REQUIRED`) → resolved (`resolutionCode`, `resolution`, else 422 `PROBLEM_RESOLUTION_REQUIRED`) → closed; resolved → fix_in_progress when the fix did not hold; canceled (`reason`) from any open state, by managers and admins only (else 403 `PROBLEM_CANCEL_FORBIDDEN`). A move the state machine does not have answers 409 with the allowed targets.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: TransitionProblemDto,
    examples: {
      assess: { summary: 'Start assessing', value: { to: 'assess' } },
      analyse: { summary: 'Start root cause analysis', value: { to: 'root_cause_analysis' } },
      fix: { summary: 'Start the fix (root cause known)', value: { to: 'fix_in_progress' } },
      resolve: { summary: 'Resolve', value: { to: 'resolved', resolutionCode: 'permanent_fix', resolution: 'Session table enlarged to 4096 entries with CHG0001042.' } },
      reopen: { summary: 'The fix did not hold', value: { to: 'fix_in_progress', reason: 'Tunnels dropped again at 300 users.' } },
      close: { summary: 'Close', value: { to: 'closed' } },
      cancel: { summary: 'Cancel (managers)', value: { to: 'canceled', reason: 'Duplicate of PRB0001007.' } },
    },
  })
  @ApiOkResponse({ description: 'The problem in its new state.', type: ProblemView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async transition(
    @Param() params: GetProblemRequest,
    @Body() body: TransitionProblemDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProblemView> {
    return withEtag(reply, await this.rpc.call(ProblemRpc.transition, { id: params.id, transition: body, ...precondition }));
  }

  @Get(':id/history')
  @RolesOf(ProblemRpc.history)
  @ApiOperation({
    summary: 'Every change of a problem with who made it and when (the audit trail), oldest first.',
    description: 'Answers the audit trail of the problem, oldest first: each field change, state move, link and comment with the actor and the time.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ProblemHistory })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  history(@Param() params: GetProblemRequest): Promise<ProblemHistory> {
    return this.rpc.call(ProblemRpc.history, { id: params.id });
  }

  @Get(':id/comments')
  @RolesOf(ProblemRpc.listComments)
  @ApiOperation({
    summary: 'Comments and work notes of a problem, oldest first.',
    description: 'Answers every comment and work note of the problem in the order they were written.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ProblemCommentList })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  comments(@Param() params: GetProblemRequest): Promise<ProblemCommentList> {
    return this.rpc.call(ProblemRpc.listComments, { id: params.id });
  }

  @Post(':id/comments')
  @HttpCode(201)
  @RolesOf(ProblemRpc.addComment)
  @ApiOperation({
    summary: 'Add a comment or a work note (`visibility: internal`) to a problem.',
    description: 'Adds a comment, or a work note with `visibility: internal`, to the problem and answers it with its id and time.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiCreatedResponse({ type: ProblemCommentView })
  @ApiProblemResponses(400, 401, 403, 404, 409, 500, 503, 504)
  addComment(@Param() params: GetProblemRequest, @Body() body: AddCommentDto): Promise<ProblemCommentView> {
    return this.rpc.call(ProblemRpc.addComment, { id: params.id, comment: body });
  }

  @Post(':id/incidents')
  @HttpCode(200)
  @RolesOf(ProblemRpc.linkIncident)
  @ApiOperation({
    summary: 'Link an incident to a problem.',
    description:
      'The incident must exist (else 422 `PROBLEM_UNKNOWN_INCIDENTS`) and not be linked to another open problem (else 409 `PROBLEM_INCIDENT_ALREADY_LINKED` naming it); the incident service then shows the problem on the incident. A closed or canceled problem takes no more incidents (409 `PROBLEM_FINAL_STATE`).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: LinkIncidentDto, examples: { link: { summary: 'Link an incident', value: { incidentId: '3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10' } } } })
  @ApiOkResponse({ description: 'The problem with the incident linked.', type: ProblemView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async linkIncident(
    @Param() params: GetProblemRequest,
    @Body() body: LinkIncidentDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProblemView> {
    return withEtag(reply, await this.rpc.call(ProblemRpc.linkIncident, { id: params.id, incidentId: body.incidentId, ...precondition }));
  }

  @Delete(':id/incidents/:incidentId')
  @RolesOf(ProblemRpc.unlinkIncident)
  @ApiOperation({
    summary: 'Unlink an incident from a problem; one that is not linked to it is 404 `PROBLEM_INCIDENT_NOT_LINKED`.',
    description: 'Removes the link between the problem and one incident and answers the problem. Send the current version of the problem as `If-Match`; a stale one answers 412. The incident itself is not changed.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The problem.' })
  @ApiParam({ name: 'incidentId', format: 'uuid', description: 'The linked incident.' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ description: 'The problem without the incident.', type: ProblemView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async unlinkIncident(@Param() params: ProblemIncidentPath, @IfMatch() precondition: Precondition, @Res({ passthrough: true }) reply: FastifyReply): Promise<ProblemView> {
    return withEtag(reply, await this.rpc.call(ProblemRpc.unlinkIncident, { id: params.id, incidentId: params.incidentId, ...precondition }));
  }

  @Post(':id/known-error')
  @HttpCode(201)
  @RolesOf(ProblemRpc.publishKnownError)
  @ApiOperation({
    summary: 'Publish the problem’s root cause and workaround as a known error (managers).',
    description:
      'The problem needs a root cause and a workaround (else 422 `PROBLEM_KNOWN_ERROR_INCOMPLETE` naming the missing one) and no published known error yet (else 409 `PROBLEM_KNOWN_ERROR_EXISTS`). `If-Match` is the problem’s version; the answer’s `ETag` is the known error’s.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The problem.' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: PublishKnownErrorDto,
    examples: {
      publish: { summary: 'Publish with the problem’s title', value: { symptoms: 'The VPN client shows "tunnel reset" and reconnects every few minutes.' } },
      titled: { summary: 'Publish under a title of its own', value: { title: 'VPN tunnels drop above 256 users', symptoms: 'Tunnels reset when many users are connected.' } },
    },
  })
  @ApiCreatedResponse({
    description: 'The known error as published.',
    type: KnownErrorView,
    headers: { Location: { description: 'Path of the new known error.', schema: { type: 'string', example: `/v1/known-errors/${EXAMPLE_ID}` } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async publishKnownError(
    @Param() params: GetProblemRequest,
    @Body() body: PublishKnownErrorDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<KnownErrorView> {
    return created(reply, await this.rpc.call(ProblemRpc.publishKnownError, { ...body, id: params.id, ...precondition }), 'known-errors');
  }
}
