import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ProblemRpc, type ProblemView, type TransitionProblemRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { TransitionsService } from './transitions.service';

/** NATS RPC of the problem lifecycle: the handler maps the request to the use case. */
@Controller()
export class TransitionsHandler {
  constructor(private readonly transitions: TransitionsService) {}

  @RpcHandler(ProblemRpc.transition)
  transition(@Payload() request: TransitionProblemRequest): Promise<ProblemView> {
    return this.transitions.transition(request, currentActor());
  }
}
