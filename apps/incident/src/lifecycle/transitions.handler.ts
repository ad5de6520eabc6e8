import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { IncidentRpc, type IncidentView, type TransitionIncidentRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { TransitionsService } from './transitions.service';

/** NATS RPC of the incident lifecycle: each handler maps the request to one use case. */
@Controller()
export class TransitionsHandler {
  constructor(private readonly transitions: TransitionsService) {}

  @RpcHandler(IncidentRpc.transition)
  transition(@Payload() request: TransitionIncidentRequest): Promise<IncidentView> {
    return this.transitions.transition(request, currentActor());
  }
}
