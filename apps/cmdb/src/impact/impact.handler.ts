import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ImpactRequest, type ImpactResult, ImpactRpc } from '@itsm/contracts';
import { RpcHandler } from '@itsm/messaging';
import { ImpactService } from './impact.service';

/** NATS RPC of impact analysis, for the gateway and for other services (change, incident, problem). */
@Controller()
export class ImpactHandler {
  constructor(private readonly impact: ImpactService) {}

  @RpcHandler(ImpactRpc.analyze)
  analyze(@Payload() request: ImpactRequest): Promise<ImpactResult> {
    return this.impact.analyze(request);
  }
}
