import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type AddCommentRequest,
  type CommentList,
  type CommentView,
  type CreatedIncidentView,
  type CreateIncidentRequest,
  type CreateRoutingRuleRequest,
  type GetIncidentRequest,
  type IncidentCounts,
  type IncidentHistory,
  type IncidentPage,
  IncidentRpc,
  type IncidentView,
  type LinkChildrenRequest,
  type ListIncidentsRequest,
  type ListRoutingRulesRequest,
  type RoutingRuleIdRequest,
  type RoutingRuleList,
  type RoutingRuleView,
  type SetMajorRequest,
  type TransitionIncidentRequest,
  type UpdateIncidentRequest,
  type UpdateRoutingRuleRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { CommentsService } from '../comments/comments.service';
import { TransitionsService } from '../lifecycle/transitions.service';
import { RoutingRulesService } from '../routing/routing-rules.service';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';

/** NATS RPC of the service desk's incidents: each handler maps the request to one use case. */
@Controller()
export class IncidentsHandler {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly transitions: TransitionsService,
    private readonly comments: CommentsService,
    private readonly queries: IncidentsRepository,
    private readonly routing: RoutingRulesService,
  ) {}

  @RpcHandler(IncidentRpc.create)
  create(@Payload() request: CreateIncidentRequest): Promise<CreatedIncidentView> {
    return this.incidents.create(request, currentActor());
  }

  @RpcHandler(IncidentRpc.get)
  get(@Payload() request: GetIncidentRequest): Promise<IncidentView> {
    return this.incidents.get(request.id, currentActor());
  }

  @RpcHandler(IncidentRpc.list)
  list(@Payload() request: ListIncidentsRequest): Promise<IncidentPage> {
    return this.queries.list(request, currentActor());
  }

  @RpcHandler(IncidentRpc.counts)
  counts(@Payload() request: ListIncidentsRequest): Promise<IncidentCounts> {
    return this.queries.counts(request, currentActor());
  }

  @RpcHandler(IncidentRpc.update)
  update(@Payload() request: UpdateIncidentRequest): Promise<IncidentView> {
    return this.incidents.update(request, currentActor());
  }

  @RpcHandler(IncidentRpc.transition)
  transition(@Payload() request: TransitionIncidentRequest): Promise<IncidentView> {
    return this.transitions.transition(request, currentActor());
  }

  @RpcHandler(IncidentRpc.addComment)
  addComment(@Payload() request: AddCommentRequest): Promise<CommentView> {
    return this.comments.add(request, currentActor());
  }

  @RpcHandler(IncidentRpc.comments)
  listComments(@Payload() request: GetIncidentRequest): Promise<CommentList> {
    return this.comments.list(request.id, currentActor());
  }

  @RpcHandler(IncidentRpc.history)
  history(@Payload() request: GetIncidentRequest): Promise<IncidentHistory> {
    return this.queries.history(request.id, currentActor());
  }

  @RpcHandler(IncidentRpc.setMajor)
  setMajor(@Payload() request: SetMajorRequest): Promise<IncidentView> {
    return this.incidents.setMajor(request, currentActor());
  }

  @RpcHandler(IncidentRpc.linkChildren)
  linkChildren(@Payload() request: LinkChildrenRequest): Promise<IncidentView> {
    return this.incidents.linkChildren(request, currentActor());
  }

  @RpcHandler(IncidentRpc.listRoutingRules)
  listRoutingRules(@Payload() request: ListRoutingRulesRequest): Promise<RoutingRuleList> {
    return this.routing.list(request, currentActor());
  }

  @RpcHandler(IncidentRpc.createRoutingRule)
  createRoutingRule(@Payload() request: CreateRoutingRuleRequest): Promise<RoutingRuleView> {
    return this.routing.create(request, currentActor());
  }

  @RpcHandler(IncidentRpc.updateRoutingRule)
  updateRoutingRule(@Payload() request: UpdateRoutingRuleRequest): Promise<RoutingRuleView> {
    return this.routing.update(request, currentActor());
  }

  @RpcHandler(IncidentRpc.deleteRoutingRule)
  deleteRoutingRule(@Payload() request: RoutingRuleIdRequest): Promise<RoutingRuleView> {
    return this.routing.delete(request.id, currentActor());
  }
}
