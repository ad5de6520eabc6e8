import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ArticleFeedbackView, type ArticleLinkView, type FeedbackRequest, KnowledgeRpc, type LinkArticleRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { FeedbackService } from './feedback.service';

/** NATS RPC of votes and links: each handler maps the request to one use case. */
@Controller()
export class FeedbackHandler {
  constructor(private readonly feedback: FeedbackService) {}

  @RpcHandler(KnowledgeRpc.feedback)
  vote(@Payload() request: FeedbackRequest): Promise<ArticleFeedbackView> {
    return this.feedback.feedback(request, currentActor());
  }

  @RpcHandler(KnowledgeRpc.link)
  link(@Payload() request: LinkArticleRequest): Promise<ArticleLinkView> {
    return this.feedback.link(request, currentActor());
  }
}
