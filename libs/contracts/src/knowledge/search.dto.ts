import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsInt, IsNumber, IsString, IsUUID, Length, Matches, MaxLength, Min } from 'class-validator';
import { IsInstant, IsIntegerFrom } from '../field-rules';
import { type Page, ListOf, PageOf } from '../paging';
import { OptionalNotNull } from '../transforms';
import { ARTICLE_NUMBER, MAX_ARTICLE_CATEGORY, MAX_ARTICLE_TAG_LENGTH } from './article.dto';
import { ArticleAudience, ArticleLanguage } from './knowledge.enums';

export const MAX_SEARCH_QUERY = 500;
export const DEFAULT_SEARCH_HITS = 10;
export const MAX_SEARCH_HITS = 50;
/** Longest text suggestions are computed for. */
export const MAX_SUGGEST_TEXT = 5000;
/** Most articles one suggestion names. */
export const MAX_SUGGESTIONS = 5;

/**
 * `GET /v1/knowledge/search`: full-text search over the published versions the caller may see (requesters:
 * public only), best match first, a page at a time.
 */
export class SearchArticlesRequest {
  @ApiProperty({
    minLength: 1,
    maxLength: MAX_SEARCH_QUERY,
    description:
      'Words to find (web-search syntax: "quoted phrase", -excluded, or; a word ending in `*` or `:*` is a prefix), stemmed in each article’s language; hits in the title rank highest, then tags, summary and body. A title close to a query word also matches (typos: `priner` finds `printer`). Missing or empty: 400 naming `q` (blank: 400 `KNOWLEDGE_QUERY_REQUIRED`); stop words only: an empty page. Punctuation is never an error.',
    example: 'vpn password reset',
  })
  @IsString()
  @Length(1, MAX_SEARCH_QUERY)
  q!: string;

  @ApiPropertyOptional({ maxLength: MAX_ARTICLE_CATEGORY, example: 'network' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_ARTICLE_CATEGORY)
  category?: string;

  @ApiPropertyOptional({ maxLength: MAX_ARTICLE_TAG_LENGTH, description: 'Only articles carrying this tag (compared lower-case).', example: 'vpn' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_ARTICLE_TAG_LENGTH)
  tag?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only articles about this business service.' })
  @OptionalNotNull()
  @IsUUID()
  serviceId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SEARCH_HITS, default: DEFAULT_SEARCH_HITS, description: 'Hits per page.' })
  @OptionalNotNull()
  @Type(() => Number)
  @IsIntegerFrom(1, MAX_SEARCH_HITS)
  limit?: number;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Opaque position from the previous page’s `nextCursor`.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(2000)
  cursor?: string;
}

/** A published article found by a search: what a result list shows, where it matched and how well. */
export class ArticleHit {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'KB0001001' })
  @IsString()
  @Matches(ARTICLE_NUMBER)
  number!: string;

  @ApiProperty({ example: 'Reset a forgotten VPN password' })
  @IsString()
  title!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'What to do when the VPN client drops every few minutes.' })
  @IsString()
  summary!: string;

  @ApiProperty({ example: 'network' })
  @IsString()
  category!: string;

  @ApiProperty({ type: [String], example: ['vpn', 'password'] })
  @IsArray()
  @IsString({ each: true })
  tags!: string[];

  @ApiProperty({ enum: ArticleAudience, enumName: 'ArticleAudience' })
  @IsEnum(ArticleAudience)
  audience!: ArticleAudience;

  @ApiProperty({ enum: ArticleLanguage, enumName: 'ArticleLanguage' })
  @IsEnum(ArticleLanguage)
  language!: ArticleLanguage;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The published content version found.', example: 2 })
  @IsInt()
  @Min(1)
  articleVersion!: number;

  @ApiProperty({ format: 'date-time', example: '2026-03-05T08:00:00.000Z' })
  @IsInstant()
  publishedAt!: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 12 })
  @IsInt()
  @Min(0)
  helpfulCount!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 2 })
  @IsInt()
  @Min(0)
  notHelpfulCount!: number;

  @ApiProperty({
    description: 'Matching passage as HTML: the article text escaped, the words found marked `<mark>…</mark>` (no other markup); the summary’s start when only the title matched.',
    example: 'Open the <mark>VPN</mark> portal and choose <mark>Reset</mark> <mark>password</mark>',
  })
  @IsString()
  snippet!: string;

  @ApiProperty({ description: 'Relevance (higher is better; hits are sorted by it): text rank × helpfulness × recency, plus a boost for a close title.', example: 0.42 })
  @IsNumber()
  rank!: number;
}

export const ArticleHitPage = PageOf(() => ArticleHit, 'ArticleHitPage');
export type ArticleHitPage = Page<ArticleHit>;

/** `GET /v1/knowledge/suggest?text=`: the published articles best matching a ticket's text (requesters: public only). */
export class SuggestRequest {
  @ApiProperty({ minLength: 1, maxLength: MAX_SUGGEST_TEXT, description: 'Plain text, such as a ticket’s title and description; its words are matched, not parsed as search syntax.', example: 'My VPN password expired and I cannot log in' })
  @IsString()
  @Length(1, MAX_SUGGEST_TEXT)
  text!: string;
}

/** An article suggested for a ticket or a text. */
export class ArticleSuggestion {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'KB0001001' })
  @IsString()
  @Matches(ARTICLE_NUMBER)
  number!: string;

  @ApiProperty({ example: 'Reset a forgotten VPN password' })
  @IsString()
  title!: string;

  @ApiProperty({ description: 'How well it fits (higher is better; suggestions are sorted by it).', example: 0.37 })
  @IsNumber()
  score!: number;
}

/** Up to five suggested articles, best first; empty when none fits. */
export const SuggestionList = ListOf(() => ArticleSuggestion, 'SuggestionList');
export type SuggestionList = { items: ArticleSuggestion[] };
