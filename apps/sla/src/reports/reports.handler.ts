import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BreachesQuery, type BreachPage, type ComplianceReport, type ComplianceReportQuery, type ResponseTimesReport, SlaRpc, type ResponseTimesQuery } from '@itsm/contracts';
import { RpcHandler } from '@itsm/messaging';
import { ReportsService } from './reports.service';

/** NATS RPC of the SLA reports. */
@Controller()
export class ReportsHandler {
  constructor(private readonly reports: ReportsService) {}

  @RpcHandler(SlaRpc.complianceReport)
  compliance(@Payload() request: ComplianceReportQuery): Promise<ComplianceReport> {
    return this.reports.compliance(request);
  }

  @RpcHandler(SlaRpc.responseTimesReport)
  responseTimes(@Payload() request: ResponseTimesQuery): Promise<ResponseTimesReport> {
    return this.reports.responseTimes(request);
  }

  @RpcHandler(SlaRpc.breachesReport)
  breaches(@Payload() request: BreachesQuery): Promise<BreachPage> {
    return this.reports.breaches(request);
  }
}
