import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ChangeRpc, type ChangeView, type TransitionChangeRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { TransitionsService } from './transitions.service';

/** NATS RPC of the change lifecycle: the handler maps the request to the use case. */
@Controller()
export class TransitionsHandler {
  constructor(private readonly transitions: TransitionsService) {}

  @RpcHandler(ChangeRpc.transition)
  transition(@Payload() request: TransitionChangeRequest): Promise<ChangeView> {
    return this.transitions.transition(request, currentActor());
  }
}
