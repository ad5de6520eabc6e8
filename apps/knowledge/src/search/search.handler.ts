import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ArticleHitPage, KnowledgeRpc, type SearchArticlesRequest, type SuggestionList, type SuggestRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { SearchService } from './search.service';

/** NATS RPC of search and text suggestions: each handler maps the request to one use case. */
@Controller()
export class SearchHandler {
  constructor(private readonly searchService: SearchService) {}

  @RpcHandler(KnowledgeRpc.search)
  search(@Payload() request: SearchArticlesRequest): Promise<ArticleHitPage> {
    return this.searchService.search(request, currentActor());
  }

  @RpcHandler(KnowledgeRpc.suggest)
  async suggest(@Payload() request: SuggestRequest): Promise<SuggestionList> {
    return { items: await this.searchService.suggestForCaller(request.text, currentActor()) };
  }
}
