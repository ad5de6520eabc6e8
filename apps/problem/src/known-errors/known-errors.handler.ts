import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type GetKnownErrorRequest, type KnownErrorPage, type KnownErrorView, ProblemRpc, type PublishKnownErrorRequest, type RetireKnownErrorRequest, type SearchKnownErrorsRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { KnownErrorsRepository } from './known-errors.repository';
import { KnownErrorsService } from './known-errors.service';

/** NATS RPC of known errors: each handler maps the request to one use case. */
@Controller()
export class KnownErrorsHandler {
  constructor(
    private readonly knownErrors: KnownErrorsService,
    private readonly queries: KnownErrorsRepository,
  ) {}

  @RpcHandler(ProblemRpc.publishKnownError)
  publish(@Payload() request: PublishKnownErrorRequest): Promise<KnownErrorView> {
    return this.knownErrors.publish(request, currentActor());
  }

  @RpcHandler(ProblemRpc.retireKnownError)
  retire(@Payload() request: RetireKnownErrorRequest): Promise<KnownErrorView> {
    return this.knownErrors.retire(request, currentActor());
  }

  @RpcHandler(ProblemRpc.getKnownError)
  get(@Payload() request: GetKnownErrorRequest): Promise<KnownErrorView> {
    return this.knownErrors.get(request.id);
  }

  @RpcHandler(ProblemRpc.searchKnownErrors)
  search(@Payload() request: SearchKnownErrorsRequest): Promise<KnownErrorPage> {
    return this.queries.search(request);
  }
}
