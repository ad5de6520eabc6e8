import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChangeRpc, CreateReleaseDto, GetReleaseRequest, ListReleasesRequest, ReleaseGateAnswer, ReleasePage, ReleaseView, TransitionReleaseDto, UpdateReleaseDto } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IDEMPOTENCY_KEY_HEADER, IdempotencyKey, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const EXAMPLE_ID = '8b3e0f4d-5c6a-4b82-9d2e-3f4a5b6c7d8e';
const CHANGE_IDS = ['9d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a', '0e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b'];

/** Releases, bundles of changes deployed together, and their deployment gate: for agents, managers and admins. */
@ApiTags('changes')
@ApiBearerAuth()
@Controller('releases')
export class ReleasesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RolesOf(ChangeRpc.createRelease)
  @ApiOperation({
    summary: 'Create a release.',
    description: 'The changes it names must exist (else 422 `CHANGE_UNKNOWN_CHANGES` listing them); `plannedEnd` must be after `plannedStart` (else 400 naming `plannedEnd`). It starts in `planning`.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({
    type: CreateReleaseDto,
    examples: {
      release: { summary: 'Two changes deployed together', value: { name: 'November network release', changeIds: CHANGE_IDS, plannedStart: '2026-11-30T09:00:00Z', plannedEnd: '2026-11-30T18:00:00Z' } },
    },
  })
  @ApiCreatedResponse({
    description: 'The release as created.',
    type: ReleaseView,
    headers: { Location: { description: 'Path of the new release.', schema: { type: 'string', example: `/v1/releases/${EXAMPLE_ID}` } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 413, 422, 500, 503, 504)
  async create(
    @Body() body: CreateReleaseDto,
    @IdempotencyKey() key: { idempotencyKey?: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReleaseView> {
    return created(reply, await this.rpc.call(ChangeRpc.createRelease, { ...body, ...key }), 'releases');
  }

  @Get()
  @RolesOf(ChangeRpc.listReleases)
  @ApiOperation({ summary: 'List releases by filters, a page at a time.', description: 'Filters combine (AND); comma-separated states are alternatives (OR). `q` searches name and description.' })
  @ApiOkResponse({ type: ReleasePage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() filters: ListReleasesRequest): Promise<ReleasePage> {
    return this.rpc.call(ChangeRpc.listReleases, filters);
  }

  @Get(':id')
  @RolesOf(ChangeRpc.getRelease)
  @ApiOperation({
    summary: 'Read one release.',
    description: 'Answers the release with the changes it bundles and its planned window, and its current version in `ETag` to send back as `If-Match` when changing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The release.', type: ReleaseView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: GetReleaseRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReleaseView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.getRelease, { id: params.id }));
  }

  @Patch(':id')
  @RolesOf(ChangeRpc.updateRelease)
  @ApiOperation({
    summary: 'Change fields of a release.',
    description: 'Only the fields given change; the state changes only by transitions. A closed or canceled release is refused with 409 `CHANGE_FINAL_STATE`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: UpdateReleaseDto,
    examples: {
      changes: { summary: 'Replace the changes', value: { changeIds: CHANGE_IDS } },
      window: { summary: 'Move the window', value: { plannedStart: '2026-12-01T09:00:00Z', plannedEnd: '2026-12-01T18:00:00Z' } },
    },
  })
  @ApiOkResponse({ description: 'The release after the update.', type: ReleaseView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async update(
    @Param() params: GetReleaseRequest,
    @Body() body: UpdateReleaseDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReleaseView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.updateRelease, { id: params.id, changes: body, ...precondition }));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @RolesOf(ChangeRpc.transitionRelease)
  @ApiOperation({
    summary: 'Move a release to another state.',
    description:
      'planning → build → test → deploy → closed; canceled (`reason`, else 422 `CHANGE_REASON_REQUIRED`) from any state but closed. Another move answers 409 `CHANGE_RELEASE_INVALID_TRANSITION` with the allowed targets.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: TransitionReleaseDto,
    examples: {
      build: { summary: 'Start building', value: { to: 'build' } },
      deploy: { summary: 'Deploy', value: { to: 'deploy' } },
      cancel: { summary: 'Cancel', value: { to: 'canceled', reason: 'Postponed to the December release.' } },
    },
  })
  @ApiOkResponse({ description: 'The release in its new state.', type: ReleaseView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async transition(
    @Param() params: GetReleaseRequest,
    @Body() body: TransitionReleaseDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReleaseView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.transitionRelease, { id: params.id, transition: body, ...precondition }));
  }

  @Get(':id/gate')
  @RolesOf(ChangeRpc.releaseGate)
  @ApiOperation({
    summary: 'Whether a pipeline may deploy a release now, and if not, why.',
    description: 'Allowed only when the release has changes and every change’s gate allows it; each change’s answer is listed, and `reasons` prefixes each reason with the change’s number.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ReleaseGateAnswer })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  gate(@Param() params: GetReleaseRequest): Promise<ReleaseGateAnswer> {
    return this.rpc.call(ChangeRpc.releaseGate, { id: params.id });
  }
}
