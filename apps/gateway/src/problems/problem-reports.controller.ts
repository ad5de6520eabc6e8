import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CandidatesReport,
  IncidentsPerProblemReport,
  KnownErrorState,
  KnownErrorsInUseReport,
  ProblemReportQuery,
  ProblemRpc,
  ProblemState,
  ProblemTopReportQuery,
  RecurringPatternsReport,
  TimeToRootCauseReport,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { rowsWithFigures } from '../reports/csv';
import { CsvReport, type CsvShape } from '../reports/csv-report';

const PERIOD = 'The period is `from` (inclusive) to `to` (exclusive), ISO 8601 instants; a period whose `to` is not after its `from` is refused, naming `to`.';
const TOP = '`limit` rows per list (10 unless given, at most 100), the largest counts first.';

const EXAMPLE_PERIOD = { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };
const PROBLEM_ID = '3f2e1d0c-9b8a-4765-8432-10fedcba9876';

/** The two top lists in one table: `list` says which (`category` or `ci`), the other's key column left empty. */
const RECURRING_CSV: CsvShape<RecurringPatternsReport> = {
  columns: ['list', 'category', 'ciId', 'incidents', 'problems'],
  rows: (report) => [...report.categories.map((row) => ({ list: 'category', ...row })), ...report.cis.map((row) => ({ list: 'ci', ...row }))],
  example: {
    ...EXAMPLE_PERIOD,
    categories: [{ category: 'network', incidents: 42, problems: 3 }],
    cis: [{ ciId: '9a8b7c6d-5e4f-4321-9abc-def012345678', incidents: 17, problems: 1 }],
  },
};

/** One row per problem of the top list, with the figures of the period beside each (`periodProblems`, `periodIncidents`). */
const INCIDENTS_PER_PROBLEM_CSV: CsvShape<IncidentsPerProblemReport> = {
  columns: ['problemId', 'number', 'title', 'state', 'incidents', 'periodProblems', 'periodIncidents', 'meanIncidentsPerProblem'],
  rows: (report) => rowsWithFigures(report.top, { periodProblems: report.problems, periodIncidents: report.incidents, meanIncidentsPerProblem: report.meanIncidentsPerProblem }),
  example: {
    ...EXAMPLE_PERIOD,
    problems: 8,
    incidents: 37,
    meanIncidentsPerProblem: 4.63,
    top: [{ problemId: PROBLEM_ID, number: 'PRB0001001', title: 'VPN gateway drops tunnels under load', state: ProblemState.RootCauseAnalysis, incidents: 12 }],
  },
};

const TIME_TO_ROOT_CAUSE_CSV: CsvShape<TimeToRootCauseReport> = {
  columns: ['from', 'to', 'count', 'meanHours', 'medianHours'],
  rows: (report) => [report],
  example: { ...EXAMPLE_PERIOD, count: 5, meanHours: 30.5, medianHours: 26 },
};

const KNOWN_ERRORS_IN_USE_CSV: CsvShape<KnownErrorsInUseReport> = {
  columns: ['knownErrorId', 'number', 'title', 'state', 'problemId', 'problemNumber', 'incidents'],
  rows: (report) => report.items,
  example: {
    ...EXAMPLE_PERIOD,
    items: [
      {
        knownErrorId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
        number: 'KE0001001',
        title: 'VPN tunnels drop above 256 users',
        state: KnownErrorState.Published,
        problemId: PROBLEM_ID,
        problemNumber: 'PRB0001001',
        incidents: 9,
      },
    ],
  },
};

const CANDIDATES_CSV: CsvShape<CandidatesReport> = {
  columns: ['from', 'to', 'detected', 'accepted', 'canceled', 'open'],
  rows: (report) => [report],
  example: { ...EXAMPLE_PERIOD, detected: 6, accepted: 4, canceled: 1, open: 1 },
};

/** Problem management reports over a period: `/v1/reports/problems/...`, for agents, managers, admins and auditors, as JSON or CSV. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/problems')
export class ProblemReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('recurring')
  @RolesOf(ProblemRpc.recurringReport)
  @ApiOperation({ summary: 'Where incidents recur: the categories and CIs with the most incidents created in a period, with the problems opened for them.', description: `${PERIOD} ${TOP}` })
  @CsvReport(RecurringPatternsReport, RECURRING_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  recurring(@Query() query: ProblemTopReportQuery): Promise<RecurringPatternsReport> {
    return this.rpc.call(ProblemRpc.recurringReport, query);
  }

  @Get('incidents-per-problem')
  @RolesOf(ProblemRpc.incidentsPerProblemReport)
  @ApiOperation({ summary: 'How many incidents the problems opened in a period explain, and the problems with the most.', description: `${PERIOD} ${TOP}` })
  @CsvReport(IncidentsPerProblemReport, INCIDENTS_PER_PROBLEM_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  incidentsPerProblem(@Query() query: ProblemTopReportQuery): Promise<IncidentsPerProblemReport> {
    return this.rpc.call(ProblemRpc.incidentsPerProblemReport, query);
  }

  @Get('time-to-root-cause')
  @RolesOf(ProblemRpc.timeToRootCauseReport)
  @ApiOperation({ summary: 'Mean and median hours from opening a problem to identifying its root cause, for root causes identified in a period.', description: PERIOD })
  @CsvReport(TimeToRootCauseReport, TIME_TO_ROOT_CAUSE_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  timeToRootCause(@Query() query: ProblemReportQuery): Promise<TimeToRootCauseReport> {
    return this.rpc.call(ProblemRpc.timeToRootCauseReport, query);
  }

  @Get('known-errors-in-use')
  @RolesOf(ProblemRpc.knownErrorsInUseReport)
  @ApiOperation({ summary: 'Per known error, the linked incidents resolved with `known_error` in a period, most first.', description: `${PERIOD} ${TOP}` })
  @CsvReport(KnownErrorsInUseReport, KNOWN_ERRORS_IN_USE_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  knownErrorsInUse(@Query() query: ProblemTopReportQuery): Promise<KnownErrorsInUseReport> {
    return this.rpc.call(ProblemRpc.knownErrorsInUseReport, query);
  }

  @Get('candidates')
  @RolesOf(ProblemRpc.candidatesReport)
  @ApiOperation({ summary: 'What became of the candidate problems detected in a period: accepted, canceled, still open.', description: PERIOD })
  @CsvReport(CandidatesReport, CANDIDATES_CSV)
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  candidates(@Query() query: ProblemReportQuery): Promise<CandidatesReport> {
    return this.rpc.call(ProblemRpc.candidatesReport, query);
  }
}
