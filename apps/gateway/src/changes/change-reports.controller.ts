import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChangeCausedIncidentsReport, ChangeEmergencyRatioReport, ChangeReportQuery, ChangeRpc, ChangeSuccessRateReport, ChangeTopReportQuery } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';

const PERIOD = 'The period is `from` (inclusive) to `to` (exclusive), ISO 8601 instants; a period whose `to` is not after its `from` is refused, naming `to`.';
const TOP = '`limit` rows in the list (10 unless given, at most 100), the largest counts first.';

/** Change management reports over a period: `/v1/reports/changes/...`, for agents, managers and admins. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/changes')
export class ChangeReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('success-rate')
  @RolesOf(ChangeRpc.successRateReport)
  @ApiOperation({ summary: 'The changes implemented in a period, by outcome, and the share that succeeded.', description: PERIOD })
  @ApiOkResponse({ type: ChangeSuccessRateReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  successRate(@Query() query: ChangeReportQuery): Promise<ChangeSuccessRateReport> {
    return this.rpc.call(ChangeRpc.successRateReport, query);
  }

  @Get('emergency-ratio')
  @RolesOf(ChangeRpc.emergencyRatioReport)
  @ApiOperation({ summary: 'The changes raised in a period, by type, and the share of emergencies.', description: PERIOD })
  @ApiOkResponse({ type: ChangeEmergencyRatioReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  emergencyRatio(@Query() query: ChangeReportQuery): Promise<ChangeEmergencyRatioReport> {
    return this.rpc.call(ChangeRpc.emergencyRatioReport, query);
  }

  @Get('caused-incidents')
  @RolesOf(ChangeRpc.causedIncidentsReport)
  @ApiOperation({
    summary: 'The changes implemented in a period that were followed by incidents on the CIs they touched.',
    description: `An incident counts when it was opened on a CI the change touched within \`CHANGE_INCIDENT_WINDOW_HOURS\` (24 unless set) after the change was implemented. ${PERIOD} ${TOP}`,
  })
  @ApiOkResponse({ type: ChangeCausedIncidentsReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  causedIncidents(@Query() query: ChangeTopReportQuery): Promise<ChangeCausedIncidentsReport> {
    return this.rpc.call(ChangeRpc.causedIncidentsReport, query);
  }
}
