import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChangeCausedIncidentsReport, ChangeEmergencyRatioReport, ChangeOutcome, ChangeReportQuery, ChangeRpc, ChangeSuccessRateReport, ChangeTopReportQuery, ChangeType } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { rowsWithFigures } from '../reports/csv';
import { CsvReport, type CsvShape } from '../reports/csv-report';

const PERIOD = 'The period is `from` (inclusive) to `to` (exclusive), ISO 8601 instants; a period whose `to` is not after its `from` is refused, naming `to`.';
const TOP = '`limit` rows in the list (10 unless given, at most 100), the largest counts first.';

const EXAMPLE_PERIOD = { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };

/** One row per outcome; the figures of the period beside each (alone in one row when there is none). */
const SUCCESS_RATE_CSV: CsvShape<ChangeSuccessRateReport> = {
  columns: ['outcome', 'count', 'implemented', 'backedOut', 'successRate'],
  rows: (report) => rowsWithFigures(report.outcomes, { implemented: report.implemented, backedOut: report.backedOut, successRate: report.successRate }),
  example: {
    ...EXAMPLE_PERIOD,
    implemented: 50,
    backedOut: 2,
    successRate: 0.94,
    outcomes: [
      { outcome: ChangeOutcome.Successful, count: 40 },
      { outcome: ChangeOutcome.SuccessfulWithIssues, count: 7 },
      { outcome: ChangeOutcome.Failed, count: 3 },
    ],
  },
};

/** One row per type; the figures of the period beside each (alone in one row when there is none). */
const EMERGENCY_RATIO_CSV: CsvShape<ChangeEmergencyRatioReport> = {
  columns: ['type', 'count', 'total', 'emergencyRatio'],
  rows: (report) => rowsWithFigures(report.types, { total: report.total, emergencyRatio: report.emergencyRatio }),
  example: {
    ...EXAMPLE_PERIOD,
    total: 60,
    emergencyRatio: 0.05,
    types: [
      { type: ChangeType.Standard, count: 30 },
      { type: ChangeType.Normal, count: 27 },
      { type: ChangeType.Emergency, count: 3 },
    ],
  },
};

/** One row per change of the top list (its incidents in one cell, separated by spaces); the figures of the period beside each (alone in one row when there is none). */
const CAUSED_INCIDENTS_CSV: CsvShape<ChangeCausedIncidentsReport> = {
  columns: ['changeId', 'number', 'title', 'outcome', 'implementedAt', 'incidentIds', 'implemented', 'withIncidents', 'incidents', 'ratio', 'windowHours'],
  rows: (report) => rowsWithFigures(report.top, { implemented: report.implemented, withIncidents: report.withIncidents, incidents: report.incidents, ratio: report.ratio, windowHours: report.windowHours }),
  example: {
    ...EXAMPLE_PERIOD,
    implemented: 50,
    withIncidents: 1,
    incidents: 2,
    ratio: 0.02,
    windowHours: 24,
    top: [
      {
        changeId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
        number: 'CHG0001001',
        title: 'Upgrade the VPN gateway firmware to 9.4',
        outcome: ChangeOutcome.SuccessfulWithIssues,
        implementedAt: '2026-11-02T11:30:00.000Z',
        incidentIds: ['4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a', '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b'],
      },
    ],
  },
};

/** Change management reports over a period: `/v1/reports/changes/...`, for agents, managers, admins and auditors, as JSON or CSV. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/changes')
export class ChangeReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('success-rate')
  @RolesOf(ChangeRpc.successRateReport)
  @ApiOperation({ summary: 'The changes implemented in a period, by outcome, and the share that succeeded.', description: PERIOD })
  @CsvReport(ChangeSuccessRateReport, SUCCESS_RATE_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  successRate(@Query() query: ChangeReportQuery): Promise<ChangeSuccessRateReport> {
    return this.rpc.call(ChangeRpc.successRateReport, query);
  }

  @Get('emergency-ratio')
  @RolesOf(ChangeRpc.emergencyRatioReport)
  @ApiOperation({ summary: 'The changes raised in a period, by type, and the share of emergencies.', description: PERIOD })
  @CsvReport(ChangeEmergencyRatioReport, EMERGENCY_RATIO_CSV)
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
  @CsvReport(ChangeCausedIncidentsReport, CAUSED_INCIDENTS_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  causedIncidents(@Query() query: ChangeTopReportQuery): Promise<ChangeCausedIncidentsReport> {
    return this.rpc.call(ChangeRpc.causedIncidentsReport, query);
  }
}
