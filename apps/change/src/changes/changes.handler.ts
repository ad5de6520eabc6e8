import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type AddChangeCommentRequest,
  type ChangeCommentList,
  type ChangeCommentView,
  type ChangeHistory,
  type ChangePage,
  ChangeRpc,
  type ChangeView,
  type CreateChangeRequest,
  type GetChangeRequest,
  type ListChangesRequest,
  type UpdateChangeRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { ChangeCommentsService } from './change-comments.service';
import { ChangesRepository } from './changes.repository';
import { ChangesService } from './changes.service';

/** NATS RPC of change requests and their comments: each handler maps the request to one use case. */
@Controller()
export class ChangesHandler {
  constructor(
    private readonly changes: ChangesService,
    private readonly comments: ChangeCommentsService,
    private readonly queries: ChangesRepository,
  ) {}

  @RpcHandler(ChangeRpc.create)
  create(@Payload() request: CreateChangeRequest): Promise<ChangeView> {
    return this.changes.create(request, currentActor());
  }

  @RpcHandler(ChangeRpc.get)
  get(@Payload() request: GetChangeRequest): Promise<ChangeView> {
    return this.changes.get(request.id);
  }

  @RpcHandler(ChangeRpc.list)
  list(@Payload() request: ListChangesRequest): Promise<ChangePage> {
    return this.queries.list(request);
  }

  @RpcHandler(ChangeRpc.update)
  update(@Payload() request: UpdateChangeRequest): Promise<ChangeView> {
    return this.changes.update(request, currentActor());
  }

  @RpcHandler(ChangeRpc.history)
  history(@Payload() request: GetChangeRequest): Promise<ChangeHistory> {
    return this.queries.history(request.id);
  }

  @RpcHandler(ChangeRpc.addComment)
  addComment(@Payload() request: AddChangeCommentRequest): Promise<ChangeCommentView> {
    return this.comments.add(request, currentActor());
  }

  @RpcHandler(ChangeRpc.listComments)
  listComments(@Payload() request: GetChangeRequest): Promise<ChangeCommentList> {
    return this.comments.list(request.id);
  }
}
