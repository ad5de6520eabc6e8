import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ClockPage, type ListClocksRequest, type RecomputeClocksRequest, type RecomputeClocksResult, SlaRpc } from '@itsm/contracts';
import { RpcHandler } from '@itsm/messaging';
import { ClocksService } from './clocks.service';

/** NATS RPC of SLA clocks. */
@Controller()
export class ClocksHandler {
  constructor(private readonly clocks: ClocksService) {}

  @RpcHandler(SlaRpc.listClocks)
  list(@Payload() request: ListClocksRequest): Promise<ClockPage> {
    return this.clocks.list(request);
  }

  @RpcHandler(SlaRpc.recomputeClocks)
  recompute(@Payload() request: RecomputeClocksRequest): Promise<RecomputeClocksResult> {
    return this.clocks.recompute(request);
  }
}
