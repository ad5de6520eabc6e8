import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type AddCommentRequest, type CommentList, type CommentView, type GetIncidentRequest, IncidentRpc } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { CommentsService } from './comments.service';

/** NATS RPC of comments and work notes: each handler maps the request to one use case. */
@Controller()
export class CommentsHandler {
  constructor(private readonly comments: CommentsService) {}

  @RpcHandler(IncidentRpc.addComment)
  add(@Payload() request: AddCommentRequest): Promise<CommentView> {
    return this.comments.add(request, currentActor());
  }

  @RpcHandler(IncidentRpc.comments)
  list(@Payload() request: GetIncidentRequest): Promise<CommentList> {
    return this.comments.list(request.id, currentActor());
  }
}
