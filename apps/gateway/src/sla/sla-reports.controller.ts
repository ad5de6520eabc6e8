import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BreachesQuery, BreachPage, ComplianceReport, ComplianceReportQuery, ResponseTimesReport, ResponseTimesQuery, SlaRpc } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';

const PERIOD = 'The period is `from` (inclusive) to `to` (exclusive), ISO 8601 instants; `to` not after `from` is a 422 naming `to`.';

/** SLA reports over a period: `/v1/reports/sla/...`, for managers and admins. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/sla')
export class SlaReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('compliance')
  @RolesOf(SlaRpc.complianceReport)
  @ApiOperation({
    summary: 'SLA compliance over a period, per policy, priority, service or assignment group.',
    description:
      `${PERIOD} Counted are the clocks that stopped in the period, and those still running or paused that passed their target in it ` +
      '(as breached). `compliancePercent` is achieved / total (one decimal; null without clocks). `kind` defaults to `sla`; `groupBy` to `policy`.',
  })
  @ApiOkResponse({ type: ComplianceReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  compliance(@Query() query: ComplianceReportQuery): Promise<ComplianceReport> {
    return this.rpc.call(SlaRpc.complianceReport, query);
  }

  @Get('response-times')
  @RolesOf(SlaRpc.responseTimesReport)
  @ApiOperation({
    summary: 'MTTA and MTTR over a period: mean and 90th percentile, in business and in wall-clock seconds.',
    description: `${PERIOD} MTTA is measured on the response clocks, MTTR on the resolution clocks, each stopped within its target in the period. \`kind\` defaults to \`sla\`.`,
  })
  @ApiOkResponse({ type: ResponseTimesReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  responseTimes(@Query() query: ResponseTimesQuery): Promise<ResponseTimesReport> {
    return this.rpc.call(SlaRpc.responseTimesReport, query);
  }

  @Get('breaches')
  @RolesOf(SlaRpc.breachesReport)
  @ApiOperation({
    summary: 'The clocks that breached in a period, the latest breach first, a page at a time.',
    description: `${PERIOD} SLA and OLA clocks both, unless \`kind\` says which.`,
  })
  @ApiOkResponse({ type: BreachPage })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  breaches(@Query() query: BreachesQuery): Promise<BreachPage> {
    return this.rpc.call(SlaRpc.breachesReport, query);
  }
}
