import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CreateDetectionRuleRequest,
  type DetectionRuleIdRequest,
  type DetectionRuleList,
  type DetectionRuleView,
  type ListDetectionRulesRequest,
  ProblemRpc,
  type UpdateDetectionRuleRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { DetectionRulesService } from './detection-rules.service';

/** NATS RPC of the detection rules: each handler maps the request to one use case. */
@Controller()
export class DetectionRulesHandler {
  constructor(private readonly rules: DetectionRulesService) {}

  @RpcHandler(ProblemRpc.listDetectionRules)
  list(@Payload() request: ListDetectionRulesRequest): Promise<DetectionRuleList> {
    return this.rules.list(request);
  }

  @RpcHandler(ProblemRpc.getDetectionRule)
  get(@Payload() request: DetectionRuleIdRequest): Promise<DetectionRuleView> {
    return this.rules.get(request.id);
  }

  @RpcHandler(ProblemRpc.createDetectionRule)
  create(@Payload() request: CreateDetectionRuleRequest): Promise<DetectionRuleView> {
    return this.rules.create(request, currentActor());
  }

  @RpcHandler(ProblemRpc.updateDetectionRule)
  update(@Payload() request: UpdateDetectionRuleRequest): Promise<DetectionRuleView> {
    return this.rules.update(request, currentActor());
  }

  @RpcHandler(ProblemRpc.deleteDetectionRule)
  delete(@Payload() request: DetectionRuleIdRequest): Promise<DetectionRuleView> {
    return this.rules.delete(request.id, currentActor());
  }
}
