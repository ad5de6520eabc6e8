import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags, PickType } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ArticleDiff,
  ArticleDiffRequest,
  ArticleFeedbackDto,
  ArticleFeedbackView,
  ArticleFilters,
  ArticleLinkView,
  ArticlePage,
  ArticleVersionList,
  ArticleVersionView,
  ArticleView,
  CreateArticleDto,
  GetArticleRequest,
  GetArticleVersionRequest,
  KnowledgeRpc,
  LinkArticleDto,
  MAX_ARTICLE_BODY,
  TransitionArticleDto,
  UpdateArticleDto,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IDEMPOTENCY_KEY_HEADER, IdempotencyKey, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const EXAMPLE_ID = '7b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';
const VPN_CI = '3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10';
const INCIDENT_ID = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const BODY_LIMITS = `A body over ${MAX_ARTICLE_BODY} characters is refused with 422 \`KNOWLEDGE_BODY_TOO_LARGE\` naming the limit; a request over the gateway's JSON limit (BODY_LIMIT_BYTES, 1 MiB by default) is refused with 413 before the service is asked.`;

/** `?from=&to=` of the diff route; the article is the path's. */
export class ArticleDiffQuery extends PickType(ArticleDiffRequest, ['from', 'to'] as const) {}

/**
 * Knowledge articles: each route maps the HTTP request to one RPC of the knowledge service. Agents write, review
 * and retire; requesters read published public articles and give feedback (the service filters what they see, and
 * answers 404 for an article they may not see, so they never learn it exists).
 */
@ApiTags('knowledge')
@ApiBearerAuth()
@Controller('knowledge/articles')
export class ArticlesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RolesOf(KnowledgeRpc.create)
  @ApiOperation({
    summary: 'Write an article.',
    description: `The article starts in \`draft\`, content version 1, written by the caller. The Markdown body is rendered to sanitized HTML when saved. ${BODY_LIMITS} A language without a supported text search configuration is refused with 422 \`KNOWLEDGE_UNSUPPORTED_LANGUAGE\`.`,
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({
    type: CreateArticleDto,
    examples: {
      minimal: { summary: 'Title and body', value: { title: 'Reset a forgotten VPN password', body: '## Steps\n\n1. Open https://vpn.example.com/reset\n2. Enter your user name.' } },
      complete: {
        summary: 'For requesters, with tags and CIs',
        value: {
          title: 'Reset a forgotten VPN password',
          body: '## Steps\n\n1. Open https://vpn.example.com/reset\n2. Enter your user name.',
          summary: 'How to get a new VPN password without calling the service desk.',
          category: 'network',
          tags: ['vpn', 'password'],
          ciIds: [VPN_CI],
          audience: 'public',
          language: 'english',
          reviewBy: '2027-06-01T00:00:00Z',
        },
      },
    },
  })
  @ApiCreatedResponse({
    description: 'The article as written.',
    type: ArticleView,
    headers: { Location: { description: 'Path of the new article.', schema: { type: 'string', example: `/v1/knowledge/articles/${EXAMPLE_ID}` } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 413, 422, 500, 503, 504)
  async create(
    @Body() body: CreateArticleDto,
    @IdempotencyKey() key: { idempotencyKey?: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArticleView> {
    return created(reply, await this.rpc.call(KnowledgeRpc.create, { ...body, ...key }), 'knowledge/articles');
  }

  @Get()
  @RolesOf(KnowledgeRpc.list)
  @ApiOperation({
    summary: 'List articles by filters, sorted, a page at a time.',
    description: 'Filters combine (AND); comma-separated states are alternatives (OR). `reviewDue=true` lists the articles past their review-by date. Requesters see published public articles only.',
  })
  @ApiOkResponse({ type: ArticlePage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() filters: ArticleFilters): Promise<ArticlePage> {
    return this.rpc.call(KnowledgeRpc.list, filters);
  }

  @Get(':id')
  @RolesOf(KnowledgeRpc.get)
  @ApiOperation({
    summary: 'Read one article.',
    description: 'Agents get the current content version, requesters the published one of a public article (any other: 404, as for an unknown id). A read by anyone but the author counts as a view.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The article.', type: ArticleView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: GetArticleRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ArticleView> {
    return withEtag(reply, await this.rpc.call(KnowledgeRpc.get, { id: params.id }));
  }

  @Patch(':id')
  @RolesOf(KnowledgeRpc.update)
  @ApiOperation({
    summary: 'Change an article.',
    description: `Only the fields given change. A draft is edited in place; editing a published article starts a new draft content version (\`articleVersion\` + 1) while readers keep seeing the published one until it is approved. A retired article is refused with 409 \`KNOWLEDGE_FINAL_STATE\`. ${BODY_LIMITS}`,
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: UpdateArticleDto,
    examples: {
      body: { summary: 'Rewrite a step', value: { body: '## Steps\n\n1. Open https://vpn.example.com/self-service\n2. Enter your user name.' } },
      tags: { summary: 'Replace the tags', value: { tags: ['vpn', 'password', 'self-service'] } },
      publish: { summary: 'Open it to requesters', value: { audience: 'public' } },
      review: { summary: 'Set the next review', value: { reviewBy: '2027-12-01T00:00:00Z' } },
    },
  })
  @ApiOkResponse({ description: 'The article after the change.', type: ArticleView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 413, 422, 500, 503, 504)
  async update(
    @Param() params: GetArticleRequest,
    @Body() body: UpdateArticleDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArticleView> {
    return withEtag(reply, await this.rpc.call(KnowledgeRpc.update, { id: params.id, changes: body, ...precondition }));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @RolesOf(KnowledgeRpc.transition)
  @ApiOperation({
    summary: 'Submit, approve, send back or retire an article.',
    description:
      'draft → in_review (submit) → published (approve, by a manager or a member of the reviewer group other than the author: else 403 `KNOWLEDGE_REVIEWER_REQUIRED`, or `KNOWLEDGE_SELF_REVIEW` for the author) → retired (managers and admins, else 403 `KNOWLEDGE_RETIRE_FORBIDDEN`; final). in_review → draft sends it back, with a `comment` (else 422 `KNOWLEDGE_COMMENT_REQUIRED`). A move the state machine does not have answers 409 `KNOWLEDGE_INVALID_TRANSITION` with the allowed targets.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: TransitionArticleDto,
    examples: {
      submit: { summary: 'Submit for review', value: { to: 'in_review' } },
      approve: { summary: 'Approve (publishes it)', value: { to: 'published', comment: 'Clear and correct.' } },
      sendBack: { summary: 'Send back to the author', value: { to: 'draft', comment: 'Step 2 needs the new reset URL.' } },
      retire: { summary: 'Retire (managers)', value: { to: 'retired', comment: 'The VPN was replaced.' } },
    },
  })
  @ApiOkResponse({ description: 'The article in its new state.', type: ArticleView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422, 500, 503, 504)
  async transition(
    @Param() params: GetArticleRequest,
    @Body() body: TransitionArticleDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArticleView> {
    return withEtag(reply, await this.rpc.call(KnowledgeRpc.transition, { id: params.id, transition: body, ...precondition }));
  }

  @Get(':id/versions')
  @RolesOf(KnowledgeRpc.versions)
  @ApiOperation({
    summary: 'The content versions of an article, oldest first.',
    description: 'Each with its state, title, author and dates; a published version replaced by a newer one reads `retired`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ArticleVersionList })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  versions(@Param() params: GetArticleRequest): Promise<ArticleVersionList> {
    return this.rpc.call(KnowledgeRpc.versions, { id: params.id });
  }

  @Get(':id/versions/:version')
  @RolesOf(KnowledgeRpc.getVersion)
  @ApiOperation({ summary: 'Read one content version of an article whole.', description: 'A version the article does not have is 404 `KNOWLEDGE_VERSION_NOT_FOUND`.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'version', schema: { type: 'integer', minimum: 1, maximum: 2147483647 }, description: 'The content version (1, 2, …).' })
  @ApiOkResponse({ type: ArticleVersionView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  version(@Param() params: GetArticleVersionRequest): Promise<ArticleVersionView> {
    return this.rpc.call(KnowledgeRpc.getVersion, { id: params.id, version: params.version });
  }

  @Get(':id/diff')
  @RolesOf(KnowledgeRpc.diff)
  @ApiOperation({
    summary: 'What changed from one content version to another: a line diff of the title and of the body.',
    description: 'A version the article does not have is 404 `KNOWLEDGE_VERSION_NOT_FOUND`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ArticleDiff })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  diff(@Param() params: GetArticleRequest, @Query() query: ArticleDiffQuery): Promise<ArticleDiff> {
    return this.rpc.call(KnowledgeRpc.diff, { id: params.id, from: query.from, to: query.to });
  }

  @Post(':id/feedback')
  @HttpCode(201)
  @RolesOf(KnowledgeRpc.feedback)
  @ApiOperation({
    summary: 'Say whether an article helped.',
    description: 'By anyone who may read the article (else 404); the vote counts for the published content version, one per user per version: a second replaces the first (`replaced: true`).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({
    type: ArticleFeedbackDto,
    examples: {
      helped: { summary: 'It helped', value: { helpful: true } },
      missing: { summary: 'It did not help', value: { helpful: false, comment: 'The reset link in step 2 is outdated.' } },
    },
  })
  @ApiCreatedResponse({ description: 'The vote, with the article’s counts after it.', type: ArticleFeedbackView })
  @ApiProblemResponses(400, 401, 403, 404, 409, 500, 503, 504)
  feedback(@Param() params: GetArticleRequest, @Body() body: ArticleFeedbackDto): Promise<ArticleFeedbackView> {
    return this.rpc.call(KnowledgeRpc.feedback, { ...body, id: params.id });
  }

  @Post(':id/links')
  @HttpCode(201)
  @RolesOf(KnowledgeRpc.link)
  @ApiOperation({
    summary: 'Link an article to a ticket it helped with.',
    description: 'Linking it to the same ticket again answers the existing link (`linkCount` unchanged). How often an article is linked raises it in search and suggestions.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: LinkArticleDto, examples: { incident: { summary: 'It solved an incident', value: { ticketType: 'incident', ticketId: INCIDENT_ID } } } })
  @ApiCreatedResponse({ description: 'The link, with the article’s link count.', type: ArticleLinkView })
  @ApiProblemResponses(400, 401, 403, 404, 409, 500, 503, 504)
  link(@Param() params: GetArticleRequest, @Body() body: LinkArticleDto): Promise<ArticleLinkView> {
    return this.rpc.call(KnowledgeRpc.link, { ...body, id: params.id });
  }
}
