import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CountIncidentsRequest,
  type CreatedIncidentView,
  type CreateIncidentRequest,
  type GetIncidentRequest,
  type IncidentCounts,
  type IncidentHistory,
  type IncidentPage,
  IncidentRpc,
  type IncidentView,
  type LinkChildrenRequest,
  type ListIncidentsRequest,
  type SetMajorRequest,
  type UpdateIncidentRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';

/** NATS RPC of the service desk's incidents: each handler maps the request to one use case. */
@Controller()
export class IncidentsHandler {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly queries: IncidentsRepository,
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
  counts(@Payload() request: CountIncidentsRequest): Promise<IncidentCounts> {
    return this.queries.counts(request, currentActor());
  }

  @RpcHandler(IncidentRpc.update)
  update(@Payload() request: UpdateIncidentRequest): Promise<IncidentView> {
    return this.incidents.update(request, currentActor());
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
}
