import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CandidatesReport,
  IncidentsPerProblemReport,
  KnownErrorsInUseReport,
  ProblemReportQuery,
  ProblemRpc,
  ProblemTopReportQuery,
  RecurringPatternsReport,
  TimeToRootCauseReport,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';

const PERIOD = 'The period is `from` (inclusive) to `to` (exclusive), ISO 8601 instants; a period whose `to` is not after its `from` is refused, naming `to`.';
const TOP = '`limit` rows per list (10 unless given, at most 100), the largest counts first.';

/** Problem management reports over a period: `/v1/reports/problems/...`, for agents, managers and admins. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/problems')
export class ProblemReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('recurring')
  @RolesOf(ProblemRpc.recurringReport)
  @ApiOperation({ summary: 'Where incidents recur: the categories and CIs with the most incidents created in a period, with the problems opened for them.', description: `${PERIOD} ${TOP}` })
  @ApiOkResponse({ type: RecurringPatternsReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  recurring(@Query() query: ProblemTopReportQuery): Promise<RecurringPatternsReport> {
    return this.rpc.call(ProblemRpc.recurringReport, query);
  }

  @Get('incidents-per-problem')
  @RolesOf(ProblemRpc.incidentsPerProblemReport)
  @ApiOperation({ summary: 'How many incidents the problems opened in a period explain, and the problems with the most.', description: `${PERIOD} ${TOP}` })
  @ApiOkResponse({ type: IncidentsPerProblemReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  incidentsPerProblem(@Query() query: ProblemTopReportQuery): Promise<IncidentsPerProblemReport> {
    return this.rpc.call(ProblemRpc.incidentsPerProblemReport, query);
  }

  @Get('time-to-root-cause')
  @RolesOf(ProblemRpc.timeToRootCauseReport)
  @ApiOperation({ summary: 'Mean and median hours from opening a problem to identifying its root cause, for root causes identified in a period.', description: PERIOD })
  @ApiOkResponse({ type: TimeToRootCauseReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  timeToRootCause(@Query() query: ProblemReportQuery): Promise<TimeToRootCauseReport> {
    return this.rpc.call(ProblemRpc.timeToRootCauseReport, query);
  }

  @Get('known-errors-in-use')
  @RolesOf(ProblemRpc.knownErrorsInUseReport)
  @ApiOperation({ summary: 'Per known error, the linked incidents resolved with `known_error` in a period, most first.', description: `${PERIOD} ${TOP}` })
  @ApiOkResponse({ type: KnownErrorsInUseReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  knownErrorsInUse(@Query() query: ProblemTopReportQuery): Promise<KnownErrorsInUseReport> {
    return this.rpc.call(ProblemRpc.knownErrorsInUseReport, query);
  }

  @Get('candidates')
  @RolesOf(ProblemRpc.candidatesReport)
  @ApiOperation({ summary: 'What became of the candidate problems detected in a period: accepted, canceled, still open.', description: PERIOD })
  @ApiOkResponse({ type: CandidatesReport })
  @ApiProblemResponses(400, 401, 403, 422, 500, 503, 504)
  candidates(@Query() query: ProblemReportQuery): Promise<CandidatesReport> {
    return this.rpc.call(ProblemRpc.candidatesReport, query);
  }
}
