import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CreateRoutingRuleRequest,
  IncidentRpc,
  type ListRoutingRulesRequest,
  type RoutingRuleIdRequest,
  type RoutingRuleList,
  type RoutingRuleView,
  type UpdateRoutingRuleRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { RoutingRulesService } from './routing-rules.service';

/** NATS RPC of the routing rules: each handler maps the request to one use case. */
@Controller()
export class RoutingRulesHandler {
  constructor(private readonly routing: RoutingRulesService) {}

  @RpcHandler(IncidentRpc.listRoutingRules)
  list(@Payload() request: ListRoutingRulesRequest): Promise<RoutingRuleList> {
    return this.routing.list(request);
  }

  @RpcHandler(IncidentRpc.getRoutingRule)
  get(@Payload() request: RoutingRuleIdRequest): Promise<RoutingRuleView> {
    return this.routing.get(request.id);
  }

  @RpcHandler(IncidentRpc.createRoutingRule)
  create(@Payload() request: CreateRoutingRuleRequest): Promise<RoutingRuleView> {
    return this.routing.create(request, currentActor());
  }

  @RpcHandler(IncidentRpc.updateRoutingRule)
  update(@Payload() request: UpdateRoutingRuleRequest): Promise<RoutingRuleView> {
    return this.routing.update(request, currentActor());
  }

  @RpcHandler(IncidentRpc.deleteRoutingRule)
  delete(@Payload() request: RoutingRuleIdRequest): Promise<RoutingRuleView> {
    return this.routing.delete(request.id, currentActor());
  }
}
