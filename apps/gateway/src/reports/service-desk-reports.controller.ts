import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  FirstContactResolutionQuery,
  FirstContactResolutionReport,
  FulfilmentTimesQuery,
  FulfilmentTimesReport,
  IncidentBacklogReport,
  IncidentReportQuery,
  IncidentReportRpc,
  IncidentSeriesQuery,
  IncidentVolumeReport,
  MAX_SERVICE_DESK_REPORT_DAYS,
  REASSIGNMENT_DISTRIBUTION_CAP,
  ReassignmentReport,
  type ReassignmentRow,
  ReopenRateQuery,
  ReopenRateReport,
  ResolutionTimesQuery,
  ResolutionTimesReport,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { CsvReport, type CsvShape } from './csv-report';

const PERIOD =
  'The period is `from` (inclusive) to `to` (exclusive), ISO 8601 instants, at most ' +
  `${MAX_SERVICE_DESK_REPORT_DAYS} days long; a period whose \`to\` is not after its \`from\`, or that is longer, is refused naming \`to\`. ` +
  '`service`, `assignmentGroup` and `priority` keep only the incidents that have them now.';
const SERIES =
  '`interval` (`day` unless given, `week`, `month`) cuts the period into buckets: the first starts at `from`, each is a UTC day, 7 days or a calendar month long, ' +
  'the last ends at `to`. Without `groupBy` every bucket has one row (key null); with it, a bucket has a row per key that has a figure.';
const WALL =
  'Durations are wall-clock seconds: the business-hours calendars belong to the SLA service, whose `/v1/reports/sla/response-times` gives ' +
  'response and resolution in business time. Median and p90 interpolate between values (PostgreSQL `percentile_cont`).';
const RESOLVED = 'Counted are the incidents whose latest resolution falls in the period (a reopened incident counts once, when it was last resolved).';

const EXAMPLE_PERIOD = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' };
const DAY_1 = { start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z' };
const DAY_2 = { start: '2026-11-02T00:00:00.000Z', end: '2026-11-03T00:00:00.000Z' };

const VOLUME_CSV: CsvShape<IncidentVolumeReport> = {
  columns: ['start', 'end', 'key', 'opened', 'resolved', 'closed'],
  rows: (report) => report.rows,
  example: {
    ...EXAMPLE_PERIOD,
    interval: 'day',
    groupBy: 'priority',
    rows: [
      { ...DAY_1, key: 'P2', opened: 4, resolved: 3, closed: 1 },
      { ...DAY_2, key: 'P3', opened: 9, resolved: 7, closed: 6 },
    ],
  },
};

const BACKLOG_CSV: CsvShape<IncidentBacklogReport> = {
  columns: ['start', 'end', 'key', 'open'],
  rows: (report) => report.rows,
  example: {
    ...EXAMPLE_PERIOD,
    interval: 'day',
    groupBy: null,
    rows: [
      { ...DAY_1, key: null, open: 31 },
      { ...DAY_2, key: null, open: 28 },
    ],
  },
};

const FIGURES = ['count', 'mean', 'median', 'p90'];

/** One row per key, then the `overall` row; each metric's figures become columns. */
const RESOLUTION_TIMES_CSV: CsvShape<ResolutionTimesReport> = {
  columns: ['groupBy', 'key', ...FIGURES.map((f) => `mtta.${f}`), ...FIGURES.map((f) => `mttr.${f}`)],
  rows: (report) => [...report.rows.map((row) => ({ groupBy: report.groupBy, ...row })), { groupBy: 'overall', ...report.overall }],
  example: {
    ...EXAMPLE_PERIOD,
    groupBy: 'priority',
    rows: [{ key: 'P1', mtta: { count: 4, mean: 300, median: 240, p90: 540 }, mttr: { count: 4, mean: 7200, median: 6900, p90: 10800 } }],
    overall: { key: null, mtta: { count: 4, mean: 300, median: 240, p90: 540 }, mttr: { count: 4, mean: 7200, median: 6900, p90: 10800 } },
  },
};

const FIRST_CONTACT_CSV: CsvShape<FirstContactResolutionReport> = {
  columns: ['groupBy', 'key', 'resolved', 'firstContact', 'percent'],
  rows: (report) => [...report.rows.map((row) => ({ groupBy: report.groupBy, ...row })), { groupBy: 'overall', ...report.overall }],
  example: {
    ...EXAMPLE_PERIOD,
    groupBy: 'channel',
    rows: [{ key: 'portal', resolved: 50, firstContact: 31, percent: 62 }],
    overall: { key: null, resolved: 50, firstContact: 31, percent: 62 },
  },
};

const COUNTS = Array.from({ length: REASSIGNMENT_DISTRIBUTION_CAP + 1 }, (_, n) => (n === REASSIGNMENT_DISTRIBUTION_CAP ? `${n}+` : String(n)));
const flatReassignments = (groupBy: string, row: ReassignmentRow) => ({
  groupBy,
  key: row.key,
  incidents: row.incidents,
  mean: row.mean,
  reassignments: Object.fromEntries(row.distribution.map((bucket) => [bucket.reassignments, bucket.incidents])),
});
const exampleDistribution = [20, 9, 4, 1, 1, 0].map((incidents, n) => ({ reassignments: COUNTS[n] ?? '', incidents }));

/** One row per group, then `overall`; the distribution becomes a column per count (`reassignments.0` … `reassignments.5+`). */
const REASSIGNMENTS_CSV: CsvShape<ReassignmentReport> = {
  columns: ['groupBy', 'key', 'incidents', 'mean', ...COUNTS.map((count) => `reassignments.${count}`)],
  rows: (report) => [...report.rows.map((row) => flatReassignments('group', row)), flatReassignments('overall', report.overall)],
  example: {
    ...EXAMPLE_PERIOD,
    rows: [{ key: 'network-ops', incidents: 35, mean: 0.74, distribution: exampleDistribution }],
    overall: { key: null, incidents: 35, mean: 0.74, distribution: exampleDistribution },
  },
};

const REOPENS_CSV: CsvShape<ReopenRateReport> = {
  columns: ['groupBy', 'key', 'resolved', 'reopened', 'percent'],
  rows: (report) => [...report.rows.map((row) => ({ groupBy: report.groupBy, ...row })), { groupBy: 'overall', ...report.overall }],
  example: {
    ...EXAMPLE_PERIOD,
    groupBy: 'group',
    rows: [{ key: 'service-desk', resolved: 50, reopened: 4, percent: 8 }],
    overall: { key: null, resolved: 50, reopened: 4, percent: 8 },
  },
};

/** One row per catalog item (`scope` item), then the `overall` row with no item. */
const FULFILMENT_CSV: CsvShape<FulfilmentTimesReport> = {
  columns: ['scope', 'itemId', 'itemName', ...FIGURES],
  rows: (report) => [
    ...report.rows.map((row) => ({ scope: 'item', itemId: row.itemId, itemName: row.itemName, ...row.fulfilment })),
    { scope: 'overall', itemId: null, itemName: null, ...report.overall },
  ],
  example: {
    ...EXAMPLE_PERIOD,
    rows: [{ itemId: '6d1f2e3a-4b5c-4d6e-8f70-8192a3b4c5d6', itemName: 'New laptop', fulfilment: { count: 12, mean: 172800, median: 158400, p90: 259200 } }],
    overall: { count: 12, mean: 172800, median: 158400, p90: 259200 },
  },
};

/** Service-desk reports over a period: `/v1/reports/incidents/...` and `/v1/reports/requests/...`, for managers, admins and auditors. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ServiceDeskReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('incidents/volume')
  @RolesOf(IncidentReportRpc.volume)
  @ApiOperation({
    summary: 'Incidents opened, resolved and closed per day, week or month, optionally by state, priority, group or service.',
    description:
      `${PERIOD} ${SERIES} \`resolved\` counts an incident when its latest resolution falls in the bucket; \`closed\` counts moves to \`closed\` ` +
      '(canceled and merged incidents are not closed). Grouped by state, the key is the state the incident is in now.',
  })
  @CsvReport(IncidentVolumeReport, VOLUME_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  volume(@Query() query: IncidentSeriesQuery): Promise<IncidentVolumeReport> {
    return this.rpc.call(IncidentReportRpc.volume, query);
  }

  @Get('incidents/backlog')
  @RolesOf(IncidentReportRpc.backlog)
  @ApiOperation({
    summary: 'Incidents open at the end of each day, week or month, optionally by state, priority, group or service.',
    description:
      `${PERIOD} ${SERIES} An incident is open at instant t when it was opened at or before t and neither resolved nor closed, canceled or merged by t. ` +
      'An incident keeps only its latest resolution time, so one that was reopened counts as open from its opening to its last resolution, ' +
      'the time it spent resolved before the reopen included. Priority, group and service are those the incident has now; grouped by state, an incident ' +
      'still open has the state it is in now, one since resolved counts as `new` before its first response and `in_progress` after.',
  })
  @CsvReport(IncidentBacklogReport, BACKLOG_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  backlog(@Query() query: IncidentSeriesQuery): Promise<IncidentBacklogReport> {
    return this.rpc.call(IncidentReportRpc.backlog, query);
  }

  @Get('incidents/resolution-times')
  @RolesOf(IncidentReportRpc.resolutionTimes)
  @ApiOperation({
    summary: 'MTTA and MTTR by group or priority: count, mean, median and 90th percentile in wall-clock seconds.',
    description:
      `${PERIOD} MTTA is opening → first response (first assignment to an agent, or first public agent comment) of the incidents first responded to in the period; ` +
      `MTTR is opening → latest resolution of the incidents resolved in the period. ${WALL} \`groupBy\` defaults to \`group\`.`,
  })
  @CsvReport(ResolutionTimesReport, RESOLUTION_TIMES_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  resolutionTimes(@Query() query: ResolutionTimesQuery): Promise<ResolutionTimesReport> {
    return this.rpc.call(IncidentReportRpc.resolutionTimes, query);
  }

  @Get('incidents/first-contact-resolution')
  @RolesOf(IncidentReportRpc.firstContactResolution)
  @ApiOperation({
    summary: 'Share of resolved incidents resolved at first contact, by group or channel.',
    description:
      `${PERIOD} ${RESOLVED} An incident is resolved at first contact when it was never reassigned (\`reassignmentCount\` 0: the first group or ` +
      'agent it was given resolved it) and never reopened (`reopenCount` 0). `percent` is firstContact / resolved (one decimal; null without resolved incidents). `groupBy` defaults to `group`.',
  })
  @CsvReport(FirstContactResolutionReport, FIRST_CONTACT_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  firstContactResolution(@Query() query: FirstContactResolutionQuery): Promise<FirstContactResolutionReport> {
    return this.rpc.call(IncidentReportRpc.firstContactResolution, query);
  }

  @Get('incidents/reassignments')
  @RolesOf(IncidentReportRpc.reassignments)
  @ApiOperation({
    summary: 'How often resolved incidents were passed on: the distribution of reassignment counts and the mean, by assignment group.',
    description: `${PERIOD} ${RESOLVED} Grouped by the group the incident was resolved in; counts of ${REASSIGNMENT_DISTRIBUTION_CAP} or more share the row \`${REASSIGNMENT_DISTRIBUTION_CAP}+\`.`,
  })
  @CsvReport(ReassignmentReport, REASSIGNMENTS_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  reassignments(@Query() query: IncidentReportQuery): Promise<ReassignmentReport> {
    return this.rpc.call(IncidentReportRpc.reassignments, query);
  }

  @Get('incidents/reopens')
  @RolesOf(IncidentReportRpc.reopens)
  @ApiOperation({
    summary: 'Reopen rate by group or priority: resolved incidents reopened at least once, out of those resolved.',
    description: `${PERIOD} ${RESOLVED} \`percent\` is reopened / resolved (one decimal; null without resolved incidents). \`groupBy\` defaults to \`group\`.`,
  })
  @CsvReport(ReopenRateReport, REOPENS_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  reopens(@Query() query: ReopenRateQuery): Promise<ReopenRateReport> {
    return this.rpc.call(IncidentReportRpc.reopens, query);
  }

  @Get('requests/fulfilment-times')
  @RolesOf(IncidentReportRpc.fulfilmentTimes)
  @ApiOperation({
    summary: 'Service request fulfilment time per catalog item: count, mean, median and 90th percentile in wall-clock seconds.',
    description:
      'The period is `from` (inclusive) to `to` (exclusive), at most ' +
      `${MAX_SERVICE_DESK_REPORT_DAYS} days; \`to\` not after \`from\`, or a longer period, is refused naming \`to\`. ` +
      'Counted are the requests first moved to `fulfilled` (or to `closed` without being fulfilled) in the period, from submission to that move, ' +
      `as the request's audit trail records it. ${WALL}`,
  })
  @CsvReport(FulfilmentTimesReport, FULFILMENT_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  fulfilmentTimes(@Query() query: FulfilmentTimesQuery): Promise<FulfilmentTimesReport> {
    return this.rpc.call(IncidentReportRpc.fulfilmentTimes, query);
  }
}
