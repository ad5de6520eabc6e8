import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { KnowledgeRpc, type LowHelpfulnessQuery, type LowHelpfulnessReport, type ViewedNeverLinkedQuery, type ViewedNeverLinkedReport } from '@itsm/contracts';
import { RpcHandler } from '@itsm/messaging';
import { ReportsService } from './reports.service';

/** NATS RPC of the knowledge reports. */
@Controller()
export class ReportsHandler {
  constructor(private readonly reports: ReportsService) {}

  @RpcHandler(KnowledgeRpc.lowHelpfulnessReport)
  lowHelpfulness(@Payload() request: LowHelpfulnessQuery): Promise<LowHelpfulnessReport> {
    return this.reports.lowHelpfulness(request);
  }

  @RpcHandler(KnowledgeRpc.viewedNeverLinkedReport)
  viewedNeverLinked(@Payload() request: ViewedNeverLinkedQuery): Promise<ViewedNeverLinkedReport> {
    return this.reports.viewedNeverLinked(request);
  }
}
