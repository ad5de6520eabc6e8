import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArticleHitPage, KnowledgeRpc, SearchArticlesRequest, SuggestionList, SuggestRequest } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';

/** Finding articles: search by words, and suggestions for a ticket's text. Requesters find published public articles only. */
@ApiTags('knowledge')
@ApiBearerAuth()
@Controller('knowledge')
export class KnowledgeSearchController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('search')
  @RolesOf(KnowledgeRpc.search)
  @ApiOperation({
    summary: 'Search the published articles, best match first, a page at a time.',
    description:
      'Full-text search of `q` in each article’s language over title (weighs most), tags, summary and body, blended with titles close to a query word (typos); ranked by text rank, helpfulness, recency and links (the best 200 matches in exact order; after them, articles naming the words in their title, tags or summary before those naming them only in the body). Each hit carries a `snippet` with the words found marked. A query of stop words only answers an empty page; punctuation is never an error.',
  })
  @ApiOkResponse({ type: ArticleHitPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  search(@Query() query: SearchArticlesRequest): Promise<ArticleHitPage> {
    return this.rpc.call(KnowledgeRpc.search, query);
  }

  @Get('suggest')
  @RolesOf(KnowledgeRpc.suggest)
  @ApiOperation({
    summary: 'The published articles best matching a text, such as a ticket being written.',
    description: 'Up to five, best first; the words of `text` are matched as plain words, not as search syntax. An empty list when none fits.',
  })
  @ApiOkResponse({ type: SuggestionList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  suggest(@Query() query: SuggestRequest): Promise<SuggestionList> {
    return this.rpc.call(KnowledgeRpc.suggest, query);
  }
}
