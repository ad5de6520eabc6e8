import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CiAtRequest,
  type CiAtView,
  type CiHistory,
  type CiHistoryRequest,
  type CiIdRequest,
  type CiPage,
  type CiView,
  CmdbRpc,
  type CreateCiRequest,
  type ListCisRequest,
  type RetireCiRequest,
  type UpdateCiRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { CiHistoryService } from './ci-history';
import { CisRepository } from './cis.repository';
import { CisService } from './cis.service';

/** NATS RPC of CIs: each handler maps the request to one use case or query. */
@Controller()
export class CisHandler {
  constructor(
    private readonly cis: CisService,
    private readonly queries: CisRepository,
    private readonly past: CiHistoryService,
  ) {}

  @RpcHandler(CmdbRpc.createCi)
  create(@Payload() request: CreateCiRequest): Promise<CiView> {
    return this.cis.create(request, currentActor());
  }

  @RpcHandler(CmdbRpc.getCi)
  get(@Payload() request: CiIdRequest): Promise<CiView> {
    return this.cis.get(request.id);
  }

  @RpcHandler(CmdbRpc.listCis)
  list(@Payload() request: ListCisRequest): Promise<CiPage> {
    return this.queries.list(request);
  }

  @RpcHandler(CmdbRpc.updateCi)
  update(@Payload() request: UpdateCiRequest): Promise<CiView> {
    return this.cis.update(request, currentActor());
  }

  @RpcHandler(CmdbRpc.retireCi)
  retire(@Payload() request: RetireCiRequest): Promise<CiView> {
    return this.cis.retire(request, currentActor());
  }

  @RpcHandler(CmdbRpc.ciHistory)
  history(@Payload() request: CiHistoryRequest): Promise<CiHistory> {
    return this.past.history(request);
  }

  @RpcHandler(CmdbRpc.ciAt)
  at(@Payload() request: CiAtRequest): Promise<CiAtView> {
    return this.past.at(request.id, request.time);
  }
}
