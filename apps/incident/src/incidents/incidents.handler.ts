import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type CreateIncidentDto, type GetIncidentRequest, IncidentRpc, type IncidentView } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { IncidentsService } from './incidents.service';

@Controller()
export class IncidentsHandler {
  constructor(private readonly incidents: IncidentsService) {}

  @RpcHandler(IncidentRpc.create)
  create(@Payload() input: CreateIncidentDto): Promise<IncidentView> {
    return this.incidents.create(input, currentActor());
  }

  @RpcHandler(IncidentRpc.get)
  get(@Payload() request: GetIncidentRequest): Promise<IncidentView> {
    return this.incidents.get(request.id, currentActor());
  }
}
