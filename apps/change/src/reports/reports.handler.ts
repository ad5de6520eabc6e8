import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type ChangeCausedIncidentsReport,
  type ChangeEmergencyRatioReport,
  type ChangeReportQuery,
  ChangeRpc,
  type ChangeSuccessRateReport,
  type ChangeTopReportQuery,
} from '@itsm/contracts';
import { RpcHandler } from '@itsm/messaging';
import { ReportsService } from './reports.service';

/** NATS RPC of the change reports. */
@Controller()
export class ReportsHandler {
  constructor(private readonly reports: ReportsService) {}

  @RpcHandler(ChangeRpc.successRateReport)
  successRate(@Payload() request: ChangeReportQuery): Promise<ChangeSuccessRateReport> {
    return this.reports.successRate(request);
  }

  @RpcHandler(ChangeRpc.emergencyRatioReport)
  emergencyRatio(@Payload() request: ChangeReportQuery): Promise<ChangeEmergencyRatioReport> {
    return this.reports.emergencyRatio(request);
  }

  @RpcHandler(ChangeRpc.causedIncidentsReport)
  causedIncidents(@Payload() request: ChangeTopReportQuery): Promise<ChangeCausedIncidentsReport> {
    return this.reports.causedIncidents(request);
  }
}
