import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClockPage, ListClocksRequest, RecomputeClocksRequest, RecomputeClocksResult, SlaRpc } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';

/** SLA and OLA clocks of tickets: `/v1/sla/clocks`. The sla service keeps them from the ticket events. */
@ApiTags('sla')
@ApiBearerAuth()
@Controller('sla/clocks')
export class ClocksController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(SlaRpc.listClocks)
  @ApiOperation({
    summary: 'Clocks with their history and alerts, oldest first, a page at a time.',
    description:
      '`ticket` gives the clocks of one incident or request; the other filters combine (all must hold). `state` is comma-separated ' +
      '(`running,paused`); `breached=true` keeps the clocks past their target, now or when they stopped. Elapsed and remaining time of an ' +
      'active clock are counted up to now. A ticket without clocks gives an empty page.',
  })
  @ApiOkResponse({ type: ClockPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListClocksRequest): Promise<ClockPage> {
    return this.rpc.call(SlaRpc.listClocks, query);
  }

  @Post('recompute')
  @HttpCode(200)
  @RolesOf(SlaRpc.recomputeClocks)
  @ApiOperation({
    summary: 'Rebuild the clocks of a ticket from its events.',
    description:
      'The ticket events the sla service received are replayed under the current policies and calendars; the rebuilt clocks are stored ' +
      'and every value that differed from what was stored is listed in `differences` (empty when the clocks were right). ' +
      'A ticket none of whose events reached the sla service is a 404.',
  })
  @ApiOkResponse({ type: RecomputeClocksResult })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  recompute(@Query() query: RecomputeClocksRequest): Promise<RecomputeClocksResult> {
    return this.rpc.call(SlaRpc.recomputeClocks, { ticket: query.ticket });
  }
}
