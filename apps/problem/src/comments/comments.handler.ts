import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type AddProblemCommentRequest, type GetProblemRequest, type ProblemCommentList, type ProblemCommentView, ProblemRpc } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { CommentsService } from './comments.service';

/** NATS RPC of problem comments and work notes: each handler maps the request to one use case. */
@Controller()
export class CommentsHandler {
  constructor(private readonly comments: CommentsService) {}

  @RpcHandler(ProblemRpc.addComment)
  add(@Payload() request: AddProblemCommentRequest): Promise<ProblemCommentView> {
    return this.comments.add(request, currentActor());
  }

  @RpcHandler(ProblemRpc.listComments)
  list(@Payload() request: GetProblemRequest): Promise<ProblemCommentList> {
    return this.comments.list(request.id);
  }
}
