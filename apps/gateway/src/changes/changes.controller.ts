import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AddCommentDto,
  ChangeCommentList,
  ChangeCommentView,
  ChangeConflictCheck,
  ChangeFilters,
  ChangeHistory,
  ChangePage,
  ChangeRpc,
  ChangeView,
  ChangeVoteDto,
  CreateChangeDto,
  DelegateApprovalDto,
  GateAnswer,
  GetChangeRequest,
  TransitionChangeDto,
  UpdateChangeDto,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IDEMPOTENCY_KEY_HEADER, IdempotencyKey, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const EXAMPLE_ID = '9d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a';
const VPN_CI = '3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10';

/**
 * Change requests: each route maps the HTTP request to one RPC of the change service. Agents, managers and admins
 * work changes, the CAB reads them and votes; a requester is refused every route alike, so never learns whether a
 * change exists. Registered after the routes with fixed paths under `/changes` (calendar, templates, windows).
 */
@ApiTags('changes')
@ApiBearerAuth()
@Controller('changes')
export class ChangesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RolesOf(ChangeRpc.create)
  @ApiOperation({
    summary: 'Raise a change.',
    description:
      'A normal or emergency change names 1 to 100 CIs, which the CMDB must know (else 422 `CHANGE_UNKNOWN_CIS` listing them); a standard change names its template and takes its plans from it. `plannedEnd` must be after `plannedStart` (else 400 naming `plannedEnd`). The change starts in `new`, raised by the caller.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({
    type: CreateChangeDto,
    examples: {
      normal: {
        summary: 'A normal change on one CI',
        value: {
          type: 'normal',
          title: 'Upgrade the VPN gateway firmware to 9.4',
          justification: 'Fixes PRB0001001: tunnels drop above 256 users.',
          implementationPlan: '1. Drain vpn1. 2. Flash 9.4. 3. Reboot.',
          backoutPlan: 'Flash 9.3 from the backup partition.',
          ciIds: [VPN_CI],
          plannedStart: '2026-11-02T09:30:00Z',
          plannedEnd: '2026-11-02T11:30:00Z',
          assignmentGroup: 'network-ops',
        },
      },
      standard: {
        summary: 'A standard change from a template',
        value: { type: 'standard', templateId: '5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b', title: 'Restart app-07', ciIds: [VPN_CI], plannedStart: '2026-11-02T20:00:00Z', plannedEnd: '2026-11-02T20:30:00Z' },
      },
      emergency: {
        summary: 'An emergency change',
        value: { type: 'emergency', title: 'Revoke the leaked VPN certificate', ciIds: [VPN_CI], plannedStart: '2026-11-02T09:30:00Z', plannedEnd: '2026-11-02T10:00:00Z' },
      },
    },
  })
  @ApiCreatedResponse({
    description: 'The change as raised.',
    type: ChangeView,
    headers: { Location: { description: 'Path of the new change.', schema: { type: 'string', example: `/v1/changes/${EXAMPLE_ID}` } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 404, 409, 413, 422, 500, 503, 504)
  async create(
    @Body() body: CreateChangeDto,
    @IdempotencyKey() key: { idempotencyKey?: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChangeView> {
    return created(reply, await this.rpc.call(ChangeRpc.create, { ...body, ...key }), 'changes');
  }

  @Get()
  @RolesOf(ChangeRpc.list)
  @ApiOperation({
    summary: 'List changes by filters, sorted, a page at a time.',
    description: 'Filters combine (AND); comma-separated values of one filter are alternatives (OR). `from` and `to` select the changes whose planned window overlaps them; `q` searches title, description and justification.',
  })
  @ApiOkResponse({ type: ChangePage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() filters: ChangeFilters): Promise<ChangePage> {
    return this.rpc.call(ChangeRpc.list, filters);
  }

  @Get(':id')
  @RolesOf(ChangeRpc.get)
  @ApiOperation({
    summary: 'Read one change.',
    description: 'Answers the change with its risk, approvals, schedule and conflicts, and its current version in `ETag` to send back as `If-Match` when changing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The change.', type: ChangeView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: GetChangeRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ChangeView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.get, { id: params.id }));
  }

  @Patch(':id')
  @RolesOf(ChangeRpc.update)
  @ApiOperation({
    summary: 'Change fields of a change.',
    description:
      'Only the fields given change; `null` clears a clearable field. The type and template are fixed at creation, the state changes only by transitions. Changing the CIs or the window before implementation assesses the risk again. A closed, canceled or rejected change is refused with 409 `CHANGE_FINAL_STATE`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: UpdateChangeDto,
    examples: {
      assign: { summary: 'Assign', value: { assignmentGroup: 'network-ops', implementerId: 'sam' } },
      window: { summary: 'Move the window', value: { plannedStart: '2026-11-03T09:30:00Z', plannedEnd: '2026-11-03T11:30:00Z' } },
      plans: { summary: 'Complete the plans', value: { testPlan: 'Connect 300 test clients.', backoutPlan: 'Flash 9.3 from the backup partition.' } },
    },
  })
  @ApiOkResponse({ description: 'The change after the update.', type: ChangeView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async update(
    @Param() params: GetChangeRequest,
    @Body() body: UpdateChangeDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChangeView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.update, { id: params.id, changes: body, ...precondition }));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @RolesOf(ChangeRpc.transition)
  @ApiOperation({
    summary: 'Move a change to another state.',
    description:
      'new → assess (assesses the risk) → authorize (requests approval by the policy for its type and risk) → scheduled (runs the schedule check: conflicts answer 409 `CHANGE_SCHEDULE_CONFLICT` listing them, unless a manager sends `override`) → implement (inside the planned window unless emergency, else 409 `CHANGE_OUTSIDE_WINDOW`) → review (`outcome`, and `backoutPerformed` when failed) → closed. A standard change goes new → scheduled. canceled (`reason`) from new, assess, authorize or scheduled; rejected (`reason`, managers and admins only, else 403 `CHANGE_REJECT_FORBIDDEN`) from new, assess or authorize. A move the state machine does not have answers 409 `CHANGE_INVALID_TRANSITION` with the allowed targets.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: TransitionChangeDto,
    examples: {
      assess: { summary: 'Assess the risk', value: { to: 'assess' } },
      authorize: { summary: 'Ask for approval', value: { to: 'authorize' } },
      schedule: { summary: 'Schedule', value: { to: 'scheduled' } },
      override: { summary: 'Schedule despite conflicts (managers)', value: { to: 'scheduled', override: { reason: 'Both changes are run by the same team in one session.' } } },
      implement: { summary: 'Start implementing', value: { to: 'implement' } },
      review: { summary: 'Implemented', value: { to: 'review', outcome: 'successful' } },
      failed: { summary: 'Implementation failed and was backed out', value: { to: 'review', outcome: 'failed', backoutPerformed: true } },
      close: { summary: 'Close after the review', value: { to: 'closed', reviewNotes: 'Done in 40 minutes; no user noticed.' } },
      cancel: { summary: 'Cancel', value: { to: 'canceled', reason: 'Superseded by CHG0001042.' } },
      reject: { summary: 'Reject for good (managers)', value: { to: 'rejected', reason: 'The vendor withdrew firmware 9.4.' } },
    },
  })
  @ApiOkResponse({ description: 'The change in its new state.', type: ChangeView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async transition(
    @Param() params: GetChangeRequest,
    @Body() body: TransitionChangeDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChangeView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.transition, { id: params.id, transition: body, ...precondition }));
  }

  @Get(':id/history')
  @RolesOf(ChangeRpc.history)
  @ApiOperation({
    summary: 'Every change of a change request with who made it and when (the audit trail), oldest first.',
    description: 'Answers the audit trail of the change, oldest first: each field change, state move, approval vote and comment with the actor and the time.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ChangeHistory })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  history(@Param() params: GetChangeRequest): Promise<ChangeHistory> {
    return this.rpc.call(ChangeRpc.history, { id: params.id });
  }

  @Get(':id/comments')
  @RolesOf(ChangeRpc.listComments)
  @ApiOperation({
    summary: 'Comments and work notes of a change, oldest first.',
    description: 'Answers every comment and work note of the change in the order they were written.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ChangeCommentList })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  comments(@Param() params: GetChangeRequest): Promise<ChangeCommentList> {
    return this.rpc.call(ChangeRpc.listComments, { id: params.id });
  }

  @Post(':id/comments')
  @HttpCode(201)
  @RolesOf(ChangeRpc.addComment)
  @ApiOperation({
    summary: 'Add a comment or a work note (`visibility: internal`) to a change.',
    description: 'Adds a comment, or a work note with `visibility: internal`, to the change and answers it with its id and time.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiCreatedResponse({ type: ChangeCommentView })
  @ApiProblemResponses(400, 401, 403, 404, 409, 500, 503, 504)
  addComment(@Param() params: GetChangeRequest, @Body() body: AddCommentDto): Promise<ChangeCommentView> {
    return this.rpc.call(ChangeRpc.addComment, { id: params.id, comment: body });
  }

  @Post(':id/approvals')
  @HttpCode(200)
  @RolesOf(ChangeRpc.vote)
  @ApiOperation({
    summary: 'Approve or reject a change awaiting approval.',
    description:
      'By a holder of the role the approval policy names (`approval.role`, e.g. `cab`), or by a delegate on a holder’s behalf; anyone else is refused with 403 `CHANGE_APPROVER_ROLE_REQUIRED`. One vote per approver (409 `CHANGE_ALREADY_VOTED`). Any reject vetoes: the change goes back to `new` with the rejection recorded. When the quorum of distinct approvers approves, the change moves to `scheduled` by itself if its window is clear, else stays in `authorize` with its conflicts. A change not awaiting approval answers 409 `CHANGE_NOT_AWAITING_APPROVAL`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: ChangeVoteDto,
    examples: {
      approve: { summary: 'Approve', value: { decision: 'approve', comment: 'Backout plan is sound.' } },
      reject: { summary: 'Reject (vetoes)', value: { decision: 'reject', comment: 'No test plan for the standby gateway.' } },
    },
  })
  @ApiOkResponse({ description: 'The change with the vote counted.', type: ChangeView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async vote(
    @Param() params: GetChangeRequest,
    @Body() body: ChangeVoteDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChangeView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.vote, { ...body, id: params.id, ...precondition }));
  }

  @Post(':id/approvals/delegate')
  @HttpCode(200)
  @RolesOf(ChangeRpc.delegate)
  @ApiOperation({
    summary: 'Let another user vote once on the caller’s behalf.',
    description:
      'By a holder of the approval policy’s role who has not voted (else 403 `CHANGE_APPROVER_ROLE_REQUIRED` or 409 `CHANGE_ALREADY_VOTED`), while the approval is pending (else 409 `CHANGE_NOT_AWAITING_APPROVAL`). The delegate need not hold the role; their vote counts as the holder’s.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: DelegateApprovalDto, examples: { delegate: { summary: 'Delegate while away', value: { to: 'alex' } } } })
  @ApiOkResponse({ description: 'The change with the delegation recorded.', type: ChangeView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async delegate(
    @Param() params: GetChangeRequest,
    @Body() body: DelegateApprovalDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChangeView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.delegate, { id: params.id, to: body.to, ...precondition }));
  }

  @Get(':id/conflicts')
  @RolesOf(ChangeRpc.conflicts)
  @ApiOperation({
    summary: 'Run the schedule check of a change now.',
    description:
      'Other changes scheduled or being implemented in an overlapping window on the same CIs or within their impact, blackout occurrences covering its CIs, and maintenance windows of its CIs it does not fit in. The result is recorded as the change’s `conflicts`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ChangeConflictCheck })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  conflicts(@Param() params: GetChangeRequest): Promise<ChangeConflictCheck> {
    return this.rpc.call(ChangeRpc.conflicts, { id: params.id });
  }

  @Get(':id/gate')
  @RolesOf(ChangeRpc.gate)
  @ApiOperation({
    summary: 'Whether a pipeline may deploy a change now, and if not, why.',
    description:
      'Allowed only when the change is approved (or standard), in `scheduled` or `implement`, now is inside its planned window, and no blackout occurrence covers its CIs now. A pipeline calls it before deploying, with a token of its own.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: GateAnswer })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  gate(@Param() params: GetChangeRequest): Promise<GateAnswer> {
    return this.rpc.call(ChangeRpc.gate, { id: params.id });
  }
}
