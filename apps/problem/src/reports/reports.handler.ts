import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CandidatesReport,
  type IncidentsPerProblemReport,
  type KnownErrorsInUseReport,
  type ProblemReportQuery,
  ProblemRpc,
  type ProblemTopReportQuery,
  type RecurringPatternsReport,
  type TimeToRootCauseReport,
} from '@itsm/contracts';
import { RpcHandler } from '@itsm/messaging';
import { ReportsService } from './reports.service';

/** NATS RPC of the problem reports. */
@Controller()
export class ReportsHandler {
  constructor(private readonly reports: ReportsService) {}

  @RpcHandler(ProblemRpc.recurringReport)
  recurring(@Payload() request: ProblemTopReportQuery): Promise<RecurringPatternsReport> {
    return this.reports.recurring(request);
  }

  @RpcHandler(ProblemRpc.incidentsPerProblemReport)
  incidentsPerProblem(@Payload() request: ProblemTopReportQuery): Promise<IncidentsPerProblemReport> {
    return this.reports.incidentsPerProblem(request);
  }

  @RpcHandler(ProblemRpc.timeToRootCauseReport)
  timeToRootCause(@Payload() request: ProblemReportQuery): Promise<TimeToRootCauseReport> {
    return this.reports.timeToRootCause(request);
  }

  @RpcHandler(ProblemRpc.knownErrorsInUseReport)
  knownErrorsInUse(@Payload() request: ProblemTopReportQuery): Promise<KnownErrorsInUseReport> {
    return this.reports.knownErrorsInUse(request);
  }

  @RpcHandler(ProblemRpc.candidatesReport)
  candidates(@Payload() request: ProblemReportQuery): Promise<CandidatesReport> {
    return this.reports.candidates(request);
  }
}
