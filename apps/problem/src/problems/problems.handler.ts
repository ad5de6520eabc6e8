import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CreateProblemRequest,
  type GetProblemRequest,
  type ListProblemsRequest,
  type ProblemHistory,
  type ProblemPage,
  ProblemRpc,
  type ProblemView,
  type UpdateProblemRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { ProblemsRepository } from './problems.repository';
import { ProblemsService } from './problems.service';

/** NATS RPC of problems: each handler maps the request to one use case. */
@Controller()
export class ProblemsHandler {
  constructor(
    private readonly problems: ProblemsService,
    private readonly queries: ProblemsRepository,
  ) {}

  @RpcHandler(ProblemRpc.create)
  create(@Payload() request: CreateProblemRequest): Promise<ProblemView> {
    return this.problems.create(request, currentActor());
  }

  @RpcHandler(ProblemRpc.get)
  get(@Payload() request: GetProblemRequest): Promise<ProblemView> {
    return this.problems.get(request.id);
  }

  @RpcHandler(ProblemRpc.list)
  list(@Payload() request: ListProblemsRequest): Promise<ProblemPage> {
    return this.queries.list(request);
  }

  @RpcHandler(ProblemRpc.update)
  update(@Payload() request: UpdateProblemRequest): Promise<ProblemView> {
    return this.problems.update(request, currentActor());
  }

  @RpcHandler(ProblemRpc.history)
  history(@Payload() request: GetProblemRequest): Promise<ProblemHistory> {
    return this.queries.history(request.id);
  }
}
