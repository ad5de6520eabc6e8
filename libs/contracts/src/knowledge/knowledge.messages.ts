import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsEnum, IsInt, IsObject, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { Role, RoleSets } from '../actor';
import { defineEvent, defineRpc } from '../message';
import {
  ArticleDiff,
  ArticleDiffRequest,
  ArticlePage,
  ArticleVersionList,
  ArticleVersionView,
  ArticleView,
  CreateArticleRequest,
  GetArticleRequest,
  GetArticleVersionRequest,
  ListArticlesRequest,
  TransitionArticleRequest,
  UpdateArticleRequest,
} from './article.dto';
import { ArticleFeedbackView, ArticleLinkView, FeedbackRequest, LinkArticleRequest } from './feedback.dto';
import { LowHelpfulnessQuery, LowHelpfulnessReport, ViewedNeverLinkedQuery, ViewedNeverLinkedReport } from './knowledge-report.dto';
import { KnowledgeTicketType } from './knowledge.enums';
import { ArticleHitPage, ArticleSuggestion, SearchArticlesRequest, SuggestionList, SuggestRequest } from './search.dto';

/** Events about one article carry it whole (the current content version), as it is after the change. */
class ArticleEventPayload {
  @ApiProperty({ type: ArticleView })
  @IsObject()
  @ValidateNested()
  @Type(() => ArticleView)
  article!: ArticleView;
}

/** Payload of `itsm.events.knowledge.created.v1`: the article as written, or as made from a known error. */
export class ArticleCreatedV1 extends ArticleEventPayload {}

/** The article went to review (`in_review`); reviewers may approve or send it back. */
export class ArticleSubmittedV1 extends ArticleEventPayload {}

export class ArticlePublishedV1 extends ArticleEventPayload {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The content version now published (also `article.publishedVersion`).', example: 2 })
  @IsInt()
  @Min(1)
  articleVersion!: number;
}

export class ArticleRetiredV1 extends ArticleEventPayload {}

/** The articles suggested for a ticket changed; the CloudEvent subject is the ticket id. */
export class KnowledgeSuggestedV1 {
  @ApiProperty({ enum: KnowledgeTicketType, enumName: 'KnowledgeTicketType' })
  @IsEnum(KnowledgeTicketType)
  ticketType!: KnowledgeTicketType;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  ticketId!: string;

  @ApiProperty({ example: 'INC0001042' })
  @IsString()
  ticketNumber!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The ticket version the suggestions were computed for; a consumer keeps the newest.', example: 3 })
  @IsInt()
  @Min(1)
  ticketVersion!: number;

  @ApiProperty({ type: [ArticleSuggestion], description: 'Up to five published articles, best first; empty when none fits any more.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ArticleSuggestion)
  articles!: ArticleSuggestion[];
}

export class ArticleFeedbackReceivedV1 extends ArticleEventPayload {
  @ApiProperty()
  @IsBoolean()
  helpful!: boolean;

  @ApiProperty({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  comment!: string | null;
}

export class ArticleLinkedToTicketV1 extends ArticleEventPayload {
  @ApiProperty({ enum: KnowledgeTicketType, enumName: 'KnowledgeTicketType' })
  @IsEnum(KnowledgeTicketType)
  ticketType!: KnowledgeTicketType;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  ticketId!: string;
}

const knowledgeEvent = <N extends string, P>(name: N, payload: new () => P, summary: string) =>
  defineEvent({ domain: 'knowledge', name, version: 1, payload, summary });

export const KnowledgeEvents = {
  created: knowledgeEvent('created', ArticleCreatedV1, 'An article was written, or made from a known error.'),
  submitted: knowledgeEvent('submitted', ArticleSubmittedV1, 'An article went to review.'),
  published: knowledgeEvent('published', ArticlePublishedV1, 'A content version of an article was approved and is now what readers see.'),
  retired: knowledgeEvent('retired', ArticleRetiredV1, 'An article was retired (final).'),
  suggested: knowledgeEvent('suggested', KnowledgeSuggestedV1, 'The articles suggested for a ticket changed.'),
  feedbackReceived: knowledgeEvent('feedback_received', ArticleFeedbackReceivedV1, 'A reader said whether an article helped.'),
  linkedToTicket: knowledgeEvent('linked_to_ticket', ArticleLinkedToTicketV1, 'An agent linked an article to a ticket it helped with.'),
} as const;

/** Who reads these reports: those who work tickets, and auditors. */
const REPORT_READERS: readonly Role[] = [...RoleSets.agents, Role.Auditor];

const knowledgeRpc = <O extends string, Q, S>(operation: O, request: new () => Q, response: new () => S, summary: string, roles: readonly Role[]) =>
  defineRpc({ domain: 'knowledge', operation, request, response, summary, roles });

/**
 * Requesters read, search and get suggestions of published public articles only and give feedback on them (the
 * service filters by audience). Who may approve, send back and retire is checked by the service.
 */
export const KnowledgeRpc = {
  create: knowledgeRpc('create', CreateArticleRequest, ArticleView, 'Write an article (a draft).', RoleSets.agents),
  get: knowledgeRpc('get', GetArticleRequest, ArticleView, 'Read one article; requesters get the published version of a public one.', RoleSets.requestersAndAgents),
  list: knowledgeRpc('list', ListArticlesRequest, ArticlePage, 'List articles by filters, sorted, a page at a time.', RoleSets.requestersAndAgents),
  update: knowledgeRpc('update', UpdateArticleRequest, ArticleView, 'Change an article; editing a published one starts a new draft version.', RoleSets.agents),
  transition: knowledgeRpc(
    'transition',
    TransitionArticleRequest,
    ArticleView,
    'Submit, approve (publish), send back or retire an article; the service lets only reviewers approve or send back and only managers retire.',
    RoleSets.agents,
  ),
  versions: knowledgeRpc('versions', GetArticleRequest, ArticleVersionList, 'The content versions of an article, oldest first.', RoleSets.agents),
  getVersion: knowledgeRpc('version_get', GetArticleVersionRequest, ArticleVersionView, 'Read one content version of an article.', RoleSets.agents),
  diff: knowledgeRpc('diff', ArticleDiffRequest, ArticleDiff, 'A line diff of the title and body of two content versions.', RoleSets.agents),
  search: knowledgeRpc('search', SearchArticlesRequest, ArticleHitPage, 'Full-text search over the published articles the caller may see.', RoleSets.requestersAndAgents),
  suggest: knowledgeRpc('suggest', SuggestRequest, SuggestionList, 'The published articles best matching a text.', RoleSets.requestersAndAgents),
  feedback: knowledgeRpc('feedback', FeedbackRequest, ArticleFeedbackView, 'Say whether an article helped (one vote per user per version).', RoleSets.requestersAndAgents),
  link: knowledgeRpc('link', LinkArticleRequest, ArticleLinkView, 'Link an article to a ticket it helped with.', RoleSets.agents),
  lowHelpfulnessReport: knowledgeRpc('report_low_helpfulness', LowHelpfulnessQuery, LowHelpfulnessReport, 'Published articles most readers found unhelpful.', REPORT_READERS),
  viewedNeverLinkedReport: knowledgeRpc(
    'report_viewed_never_linked',
    ViewedNeverLinkedQuery,
    ViewedNeverLinkedReport,
    'Published articles read often but never linked to a ticket.',
    REPORT_READERS,
  ),
} as const;
