import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChangeRpc, ChangeWindowIdRequest, ListMaintenanceWindowsRequest, MaintenanceWindowDto, MaintenanceWindowList, MaintenanceWindowView } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const PATH = 'changes/maintenance-windows';

const MAINTENANCE_EXAMPLES = {
  sunday: {
    summary: 'Sunday nights for the payroll database',
    value: {
      name: 'Payroll database maintenance',
      ciIds: ['3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10'],
      start: '2026-11-08T01:00:00+01:00',
      end: '2026-11-08T05:00:00+01:00',
      rrule: 'FREQ=WEEKLY;BYDAY=SU',
      timeZone: 'Europe/Berlin',
    },
  },
};

/**
 * Maintenance windows, the only times changes to their CIs may run: agents read them, managers keep them.
 * Registered before the changes' routes, as `maintenance-windows` sits where a change id would.
 */
@ApiTags('changes')
@ApiBearerAuth()
@Controller(PATH)
export class MaintenanceWindowsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(ChangeRpc.listMaintenanceWindows)
  @ApiOperation({
    summary: 'The maintenance windows, by start.',
    description: 'Answers the maintenance windows ordered by start; the query narrows the list. A change on one of a window’s CIs that does not lie wholly inside an occurrence of the window is reported by its schedule check.',
  })
  @ApiOkResponse({ type: MaintenanceWindowList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListMaintenanceWindowsRequest): Promise<MaintenanceWindowList> {
    return this.rpc.call(ChangeRpc.listMaintenanceWindows, query);
  }

  @Post()
  @HttpCode(201)
  @RolesOf(ChangeRpc.createMaintenanceWindow)
  @ApiOperation({
    summary: 'Add a maintenance window (managers).',
    description:
      'Its occurrences repeat by `rrule` in `timeZone` (keeping their local times across daylight saving changes); a change touching one of its CIs must lie entirely inside one occurrence, else it conflicts. A rule that cannot be read answers 422 `CHANGE_INVALID_RRULE`; names are unique among the maintenance windows (409 `CHANGE_WINDOW_NAME_TAKEN`).',
  })
  @ApiBody({ type: MaintenanceWindowDto, examples: MAINTENANCE_EXAMPLES })
  @ApiCreatedResponse({
    description: 'The maintenance window as added.',
    type: MaintenanceWindowView,
    headers: { Location: { description: 'Path of the new maintenance window.', schema: { type: 'string', example: `/v1/${PATH}/7a2d9e3c-4b5f-4a71-8c1d-2e3f4a5b6c7d` } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 413, 422, 500, 503, 504)
  async create(@Body() body: MaintenanceWindowDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<MaintenanceWindowView> {
    return created(reply, await this.rpc.call(ChangeRpc.createMaintenanceWindow, body), PATH);
  }

  @Get(':id')
  @RolesOf(ChangeRpc.getMaintenanceWindow)
  @ApiOperation({
    summary: 'Read one maintenance window.',
    description: 'Answers one maintenance window with its version in `ETag`, to send back as `If-Match` when replacing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The maintenance window.', type: MaintenanceWindowView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: ChangeWindowIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<MaintenanceWindowView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.getMaintenanceWindow, { id: params.id }));
  }

  @Put(':id')
  @RolesOf(ChangeRpc.updateMaintenanceWindow)
  @ApiOperation({
    summary: 'Replace a maintenance window (managers); fields left out take their defaults. Another maintenance window’s name is refused with 409 `CHANGE_WINDOW_NAME_TAKEN`.',
    description: 'Replaces every field of the window with the body. Send the current version as `If-Match`; a stale one answers 412. Schedule checks of changes use the new window from then on.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: MaintenanceWindowDto, examples: MAINTENANCE_EXAMPLES })
  @ApiOkResponse({ description: 'The maintenance window as replaced.', type: MaintenanceWindowView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async update(
    @Param() params: ChangeWindowIdRequest,
    @Body() body: MaintenanceWindowDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MaintenanceWindowView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.updateMaintenanceWindow, { ...body, id: params.id, ...precondition }));
  }

  @Delete(':id')
  @RolesOf(ChangeRpc.deleteMaintenanceWindow)
  @ApiOperation({
    summary: 'Remove a maintenance window (managers); answers the window as it was.',
    description: 'Deletes the window at once and answers it as it was; schedule checks of changes no longer see it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The maintenance window as it was.', type: MaintenanceWindowView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  delete(@Param() params: ChangeWindowIdRequest): Promise<MaintenanceWindowView> {
    return this.rpc.call(ChangeRpc.deleteMaintenanceWindow, { id: params.id });
  }
}
