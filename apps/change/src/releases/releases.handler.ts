import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ChangeRpc,
  type CreateReleaseRequest,
  type GetReleaseRequest,
  type ListReleasesRequest,
  type ReleaseGateAnswer,
  type ReleasePage,
  type ReleaseView,
  type TransitionReleaseRequest,
  type UpdateReleaseRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { ReleasesRepository } from './releases.repository';
import { ReleasesService } from './releases.service';

/** NATS RPC of releases: each handler maps the request to one use case. */
@Controller()
export class ReleasesHandler {
  constructor(
    private readonly releases: ReleasesService,
    private readonly queries: ReleasesRepository,
  ) {}

  @RpcHandler(ChangeRpc.createRelease)
  create(@Payload() request: CreateReleaseRequest): Promise<ReleaseView> {
    return this.releases.create(request, currentActor());
  }

  @RpcHandler(ChangeRpc.getRelease)
  get(@Payload() request: GetReleaseRequest): Promise<ReleaseView> {
    return this.releases.get(request.id);
  }

  @RpcHandler(ChangeRpc.listReleases)
  list(@Payload() request: ListReleasesRequest): Promise<ReleasePage> {
    return this.queries.list(request);
  }

  @RpcHandler(ChangeRpc.updateRelease)
  update(@Payload() request: UpdateReleaseRequest): Promise<ReleaseView> {
    return this.releases.update(request, currentActor());
  }

  @RpcHandler(ChangeRpc.transitionRelease)
  transition(@Payload() request: TransitionReleaseRequest): Promise<ReleaseView> {
    return this.releases.transition(request, currentActor());
  }

  @RpcHandler(ChangeRpc.releaseGate)
  gate(@Payload() request: GetReleaseRequest): Promise<ReleaseGateAnswer> {
    return this.releases.gate(request.id);
  }
}
