import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type ArticleDiff,
  type ArticleDiffRequest,
  type ArticlePage,
  type ArticleVersionList,
  type ArticleVersionView,
  type ArticleView,
  type CreateArticleRequest,
  type GetArticleRequest,
  type GetArticleVersionRequest,
  KnowledgeRpc,
  type ListArticlesRequest,
  type TransitionArticleRequest,
  type UpdateArticleRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { ArticleVersionsService } from './article-versions.service';
import { ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';

/** NATS RPC of articles, their review and their versions: each handler maps the request to one use case. */
@Controller()
export class ArticlesHandler {
  constructor(
    private readonly articles: ArticlesService,
    private readonly queries: ArticlesRepository,
    private readonly versions: ArticleVersionsService,
  ) {}

  @RpcHandler(KnowledgeRpc.create)
  create(@Payload() request: CreateArticleRequest): Promise<ArticleView> {
    return this.articles.create(request, currentActor());
  }

  @RpcHandler(KnowledgeRpc.get)
  get(@Payload() request: GetArticleRequest): Promise<ArticleView> {
    return this.articles.get(request.id, currentActor());
  }

  @RpcHandler(KnowledgeRpc.list)
  list(@Payload() request: ListArticlesRequest): Promise<ArticlePage> {
    return this.queries.list(request, currentActor());
  }

  @RpcHandler(KnowledgeRpc.update)
  update(@Payload() request: UpdateArticleRequest): Promise<ArticleView> {
    return this.articles.update(request, currentActor());
  }

  @RpcHandler(KnowledgeRpc.transition)
  transition(@Payload() request: TransitionArticleRequest): Promise<ArticleView> {
    return this.articles.transition(request, currentActor());
  }

  @RpcHandler(KnowledgeRpc.versions)
  listVersions(@Payload() request: GetArticleRequest): Promise<ArticleVersionList> {
    return this.versions.list(request.id);
  }

  @RpcHandler(KnowledgeRpc.getVersion)
  getVersion(@Payload() request: GetArticleVersionRequest): Promise<ArticleVersionView> {
    return this.versions.get(request);
  }

  @RpcHandler(KnowledgeRpc.diff)
  diff(@Payload() request: ArticleDiffRequest): Promise<ArticleDiff> {
    return this.versions.diff(request);
  }
}
