import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BlackoutWindowDto, BlackoutWindowList, BlackoutWindowView, ChangeRpc, ChangeWindowIdRequest, ListBlackoutWindowsRequest } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const PATH = 'changes/blackouts';

const BLACKOUT_EXAMPLES = {
  weekly: {
    summary: 'Every Friday afternoon, for two services',
    value: {
      name: 'Friday freeze',
      scope: 'service',
      targetIds: ['0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a', '1e4d3c2b-0a9f-4e8d-9c7b-6a5f4e3d2c1b'],
      start: '2026-11-06T14:00:00+01:00',
      end: '2026-11-06T23:59:00+01:00',
      rrule: 'FREQ=WEEKLY;BYDAY=FR',
      timeZone: 'Europe/Berlin',
    },
  },
  yearEnd: {
    summary: 'A global freeze over the year end',
    value: { name: 'Year-end freeze', scope: 'global', start: '2026-12-20T00:00:00+01:00', end: '2027-01-04T00:00:00+01:00', timeZone: 'Europe/Berlin' },
  },
};

/**
 * Blackout windows, when no change may be implemented on what they cover: agents read them, managers keep them.
 * Registered before the changes' routes, as `blackouts` sits where a change id would.
 */
@ApiTags('changes')
@ApiBearerAuth()
@Controller(PATH)
export class BlackoutWindowsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(ChangeRpc.listBlackouts)
  @ApiOperation({
    summary: 'The blackout windows, by start.',
    description: 'Answers the blackout windows ordered by start; `scope` and `targetId` narrow the list. The schedule check of a change reports every blackout window, global or naming one of its CIs or services, that overlaps its planned window.',
  })
  @ApiOkResponse({ type: BlackoutWindowList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListBlackoutWindowsRequest): Promise<BlackoutWindowList> {
    return this.rpc.call(ChangeRpc.listBlackouts, query);
  }

  @Post()
  @HttpCode(201)
  @RolesOf(ChangeRpc.createBlackout)
  @ApiOperation({
    summary: 'Add a blackout window (managers).',
    description:
      'Its occurrences repeat by `rrule` in `timeZone` (keeping their local times across daylight saving changes); a change whose window overlaps one covering its CIs (or any, for a global blackout) conflicts. A rule that cannot be read answers 422 `CHANGE_INVALID_RRULE`; names are unique among the blackout windows (409 `CHANGE_WINDOW_NAME_TAKEN`).',
  })
  @ApiBody({ type: BlackoutWindowDto, examples: BLACKOUT_EXAMPLES })
  @ApiCreatedResponse({
    description: 'The blackout window as added.',
    type: BlackoutWindowView,
    headers: { Location: { description: 'Path of the new blackout window.', schema: { type: 'string', example: `/v1/${PATH}/6f1c8d2b-3a4e-4f60-9b0c-1d2e3f4a5b6c` } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 413, 422, 500, 503, 504)
  async create(@Body() body: BlackoutWindowDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<BlackoutWindowView> {
    return created(reply, await this.rpc.call(ChangeRpc.createBlackout, body), PATH);
  }

  @Get(':id')
  @RolesOf(ChangeRpc.getBlackout)
  @ApiOperation({
    summary: 'Read one blackout window.',
    description: 'Answers one blackout window with its version in `ETag`, to send back as `If-Match` when replacing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The blackout window.', type: BlackoutWindowView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: ChangeWindowIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<BlackoutWindowView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.getBlackout, { id: params.id }));
  }

  @Put(':id')
  @RolesOf(ChangeRpc.updateBlackout)
  @ApiOperation({
    summary: 'Replace a blackout window (managers); fields left out take their defaults. Another blackout window’s name is refused with 409 `CHANGE_WINDOW_NAME_TAKEN`.',
    description: 'Replaces every field of the window with the body. Send the current version as `If-Match`; a stale one answers 412. Schedule checks of changes use the new window from then on.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: BlackoutWindowDto, examples: BLACKOUT_EXAMPLES })
  @ApiOkResponse({ description: 'The blackout window as replaced.', type: BlackoutWindowView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async update(
    @Param() params: ChangeWindowIdRequest,
    @Body() body: BlackoutWindowDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BlackoutWindowView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.updateBlackout, { ...body, id: params.id, ...precondition }));
  }

  @Delete(':id')
  @RolesOf(ChangeRpc.deleteBlackout)
  @ApiOperation({
    summary: 'Remove a blackout window (managers); answers the window as it was.',
    description: 'Deletes the window at once and answers it as it was; schedule checks of changes no longer see it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The blackout window as it was.', type: BlackoutWindowView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  delete(@Param() params: ChangeWindowIdRequest): Promise<BlackoutWindowView> {
    return this.rpc.call(ChangeRpc.deleteBlackout, { id: params.id });
  }
}
