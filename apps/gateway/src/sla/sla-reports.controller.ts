import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BreachesQuery, BreachPage, ClockState, ComplianceReport, ComplianceReportQuery, ResponseTimesReport, ResponseTimesQuery, SlaRpc } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { CsvReport, type CsvShape } from '../reports/csv-report';

const PERIOD = 'The period is `from` (inclusive) to `to` (exclusive), ISO 8601 instants; `to` not after `from` is a 422 naming `to`.';

const EXAMPLE_PERIOD = { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };

/** One row per group, then the `overall` row (all of them together). */
const COMPLIANCE_CSV: CsvShape<ComplianceReport> = {
  columns: ['groupBy', 'key', 'label', 'total', 'achieved', 'breached', 'compliancePercent'],
  rows: (report) => [...report.rows.map((row) => ({ groupBy: report.groupBy, ...row })), { groupBy: 'overall', ...report.overall }],
  example: {
    ...EXAMPLE_PERIOD,
    groupBy: 'priority',
    rows: [
      { key: 'P1', label: null, total: 20, achieved: 19, breached: 1, compliancePercent: 95 },
      { key: 'P2', label: null, total: 40, achieved: 36, breached: 4, compliancePercent: 90 },
    ],
    overall: { key: null, label: null, total: 60, achieved: 55, breached: 5, compliancePercent: 91.7 },
  },
};

/** One row per metric (`mtta`, `mttr`); the business and wall-clock figures become columns. */
const RESPONSE_TIMES_CSV: CsvShape<ResponseTimesReport> = {
  columns: ['metric', 'count', 'business.mean', 'business.p90', 'wall.mean', 'wall.p90'],
  rows: (report) => [
    { metric: 'mtta', ...report.mtta },
    { metric: 'mttr', ...report.mttr },
  ],
  example: {
    ...EXAMPLE_PERIOD,
    mtta: { count: 60, business: { mean: 900, p90: 2700 }, wall: { mean: 1500, p90: 5400 } },
    mttr: { count: 55, business: { mean: 14400, p90: 28800 }, wall: { mean: 86400, p90: 259200 } },
  },
};

/** One row per breached clock, its history and alerts left out; the next page is in the `Link` header. */
const BREACHES_CSV: CsvShape<BreachPage> = {
  columns: [
    'id',
    'ticketType',
    'ticketId',
    'ticketNumber',
    'policyId',
    'policyName',
    'kind',
    'metric',
    'cycle',
    'calendarId',
    'state',
    'active',
    'paused',
    'targetSeconds',
    'elapsedSeconds',
    'remainingSeconds',
    'startedAt',
    'dueAt',
    'stoppedAt',
  ],
  rows: (page) => page.items,
  example: {
    items: [
      {
        id: '0b6f3c2e-8d1a-4c5b-9e7f-2a3b4c5d6e7f',
        ticketType: 'incident',
        ticketId: '5a1e2d3c-4b5a-4968-8776-655443322110',
        ticketNumber: 'INC0001001',
        policyId: '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
        policyName: 'Incidents: standard',
        kind: 'sla',
        metric: 'resolution',
        cycle: 1,
        calendarId: '24x7',
        state: ClockState.Breached,
        active: false,
        paused: false,
        breached: true,
        targetSeconds: 14400,
        elapsedSeconds: 18000,
        remainingSeconds: -3600,
        startedAt: '2026-11-02T09:30:00.000Z',
        dueAt: null,
        stoppedAt: '2026-11-02T14:30:00.000Z',
        history: [],
        alerts: [],
      },
    ],
    nextCursor: null,
  },
};

/** SLA reports over a period: `/v1/reports/sla/...`, for managers, admins and auditors, as JSON or CSV. */
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
  @CsvReport(ComplianceReport, COMPLIANCE_CSV)
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
  @CsvReport(ResponseTimesReport, RESPONSE_TIMES_CSV)
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
  @CsvReport(BreachPage, BREACHES_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  breaches(@Query() query: BreachesQuery): Promise<BreachPage> {
    return this.rpc.call(SlaRpc.breachesReport, query);
  }
}
