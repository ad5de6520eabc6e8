import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type FirstContactResolutionQuery,
  type FirstContactResolutionReport,
  type FulfilmentTimesQuery,
  type FulfilmentTimesReport,
  type IncidentBacklogReport,
  type IncidentReportQuery,
  IncidentReportRpc,
  type IncidentSeriesQuery,
  type IncidentVolumeReport,
  type ReassignmentReport,
  type ReopenRateQuery,
  type ReopenRateReport,
  type ResolutionTimesQuery,
  type ResolutionTimesReport,
} from '@itsm/contracts';
import { RpcHandler } from '@itsm/messaging';
import { ReportsService } from './reports.service';

/** NATS RPC of the service-desk reports. */
@Controller()
export class ReportsHandler {
  constructor(private readonly reports: ReportsService) {}

  @RpcHandler(IncidentReportRpc.volume)
  volume(@Payload() request: IncidentSeriesQuery): Promise<IncidentVolumeReport> {
    return this.reports.volume(request);
  }

  @RpcHandler(IncidentReportRpc.backlog)
  backlog(@Payload() request: IncidentSeriesQuery): Promise<IncidentBacklogReport> {
    return this.reports.backlog(request);
  }

  @RpcHandler(IncidentReportRpc.resolutionTimes)
  resolutionTimes(@Payload() request: ResolutionTimesQuery): Promise<ResolutionTimesReport> {
    return this.reports.resolutionTimes(request);
  }

  @RpcHandler(IncidentReportRpc.firstContactResolution)
  firstContactResolution(@Payload() request: FirstContactResolutionQuery): Promise<FirstContactResolutionReport> {
    return this.reports.firstContactResolution(request);
  }

  @RpcHandler(IncidentReportRpc.reassignments)
  reassignments(@Payload() request: IncidentReportQuery): Promise<ReassignmentReport> {
    return this.reports.reassignments(request);
  }

  @RpcHandler(IncidentReportRpc.reopens)
  reopens(@Payload() request: ReopenRateQuery): Promise<ReopenRateReport> {
    return this.reports.reopens(request);
  }

  @RpcHandler(IncidentReportRpc.fulfilmentTimes)
  fulfilmentTimes(@Payload() request: FulfilmentTimesQuery): Promise<FulfilmentTimesReport> {
    return this.reports.fulfilmentTimes(request);
  }
}
