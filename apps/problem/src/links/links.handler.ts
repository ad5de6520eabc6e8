import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type LinkIncidentRequest, ProblemRpc, type ProblemView, type UnlinkIncidentRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { LinksService } from './links.service';

/** NATS RPC of incident links: each handler maps the request to one use case. */
@Controller()
export class LinksHandler {
  constructor(private readonly links: LinksService) {}

  @RpcHandler(ProblemRpc.linkIncident)
  link(@Payload() request: LinkIncidentRequest): Promise<ProblemView> {
    return this.links.link(request, currentActor());
  }

  @RpcHandler(ProblemRpc.unlinkIncident)
  unlink(@Payload() request: UnlinkIncidentRequest): Promise<ProblemView> {
    return this.links.unlink(request, currentActor());
  }
}
