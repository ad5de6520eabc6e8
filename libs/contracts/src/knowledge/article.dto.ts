import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { INSTANT_EXAMPLE, IsInstant, IsIntegerFrom } from '../field-rules';
import { type Page, ListOf, PageOf, PageRequest } from '../paging';
import { CommaList, OptionalNotNull, QueryBoolean } from '../transforms';
import { ARTICLE_SORTS, ArticleAudience, ArticleLanguage, ArticleSort, ArticleState, DiffOp } from './knowledge.enums';

export const ARTICLE_NUMBER = /^KB\d{7,}$/;
/** Longest Markdown body, in characters; a longer one answers 422 `KNOWLEDGE_BODY_TOO_LARGE` naming this limit. */
export const MAX_ARTICLE_BODY = 200000;
export const MAX_ARTICLE_SUMMARY = 1000;
export const MAX_ARTICLE_CATEGORY = 100;
export const MAX_ARTICLE_TAGS = 20;
export const MAX_ARTICLE_TAG_LENGTH = 50;
/** Most services, or CIs, one article is about. */
export const MAX_ARTICLE_REFS = 50;
/** Highest content version number a path may name (the largest PostgreSQL integer). */
export const MAX_ARTICLE_VERSION = 2147483647;
/** A tag: lower-case letters, digits and `. _ + # -`, single spaces inside, 1 to 50 characters. */
export const ARTICLE_TAG_PATTERN = /^[a-z0-9+#](?:[a-z0-9 ._+#-]{0,48}[a-z0-9+#])?$/;
export const ARTICLE_TAG_MESSAGE = 'must be lower-case tags of 1 to 50 letters, digits, spaces or . _ + # -';
/** Longest comment on a transition or a piece of feedback. */
export const MAX_ARTICLE_COMMENT = 2000;

const BODY_DOC = `Markdown as written, at most ${MAX_ARTICLE_BODY} characters (longer: 422 \`KNOWLEDGE_BODY_TOO_LARGE\` naming the limit; a request body over the gateway's JSON limit, about 1 MB, answers 413 first). Rendered to \`bodyHtml\` (raw HTML is not taken, links are made clickable, the result is sanitized) when the version is saved.`;
const TAGS_DOC = `At most ${MAX_ARTICLE_TAGS} tags, each ${ARTICLE_TAG_MESSAGE.replace('must be ', '')}; searched with weight B.`;
const AUDIENCE_DOC = '`public`: requesters see it once published; `internal`: agents only (a requester asking for it by id gets 404).';
const LANGUAGE_DOC = 'The PostgreSQL text search configuration its words are stemmed with (stop words, stemming).';
const REVIEW_BY_DOC = 'When the article should be reviewed again; once passed, `reviewDue` is true and `GET /v1/knowledge/articles?reviewDue=true` lists it.';

/** Body of `POST /v1/knowledge/articles`: a new article, in `draft`, content version 1. */
export class CreateArticleDto {
  @ApiProperty({ minLength: 3, maxLength: 200, example: 'Reset a forgotten VPN password' })
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiProperty({ maxLength: MAX_ARTICLE_BODY, description: BODY_DOC, example: '## Steps\n\n1. Open https://vpn.example.com/reset\n2. Enter your user name.' })
  @IsString()
  body!: string;

  @ApiPropertyOptional({ maxLength: MAX_ARTICLE_SUMMARY, default: '', description: 'One paragraph shown in search results; searched with weight C.', example: 'How to get a new VPN password without calling the service desk.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_ARTICLE_SUMMARY)
  summary?: string;

  @ApiPropertyOptional({ maxLength: MAX_ARTICLE_CATEGORY, default: '', example: 'network' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_ARTICLE_CATEGORY)
  category?: string;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_ARTICLE_TAGS, maxLength: MAX_ARTICLE_TAG_LENGTH, pattern: ARTICLE_TAG_PATTERN.source, default: [], description: TAGS_DOC, example: ['vpn', 'password'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_ARTICLE_TAGS)
  @Matches(ARTICLE_TAG_PATTERN, { each: true, message: `$property ${ARTICLE_TAG_MESSAGE}` })
  tags?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_ARTICLE_REFS, default: [], description: 'The business services it is about (CI ids in the CMDB).' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_ARTICLE_REFS)
  @IsUUID('all', { each: true })
  serviceIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_ARTICLE_REFS, default: [], description: 'The configuration items it is about; suggestions favour articles sharing CIs with the ticket.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_ARTICLE_REFS)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiPropertyOptional({ enum: ArticleAudience, enumName: 'ArticleAudience', default: ArticleAudience.Internal, description: AUDIENCE_DOC })
  @OptionalNotNull()
  @IsEnum(ArticleAudience)
  audience?: ArticleAudience;

  @ApiPropertyOptional({ enum: ArticleLanguage, enumName: 'ArticleLanguage', default: ArticleLanguage.English, description: LANGUAGE_DOC })
  @OptionalNotNull()
  @IsEnum(ArticleLanguage)
  language?: ArticleLanguage;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Who keeps it current (`sub`); default: the author.', example: 'sam' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  ownerId?: string;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', example: '2027-06-01T00:00:00Z', description: REVIEW_BY_DOC })
  @IsOptional()
  @IsInstant()
  reviewBy?: string | null;
}

/** `itsm.rpc.knowledge.create`: the body plus the client's `Idempotency-Key`; the caller is the author. */
export class CreateArticleRequest extends CreateArticleDto {
  @OptionalNotNull()
  @IsString()
  @Length(1, 255)
  idempotencyKey?: string;
}

/**
 * Body of `PATCH /v1/knowledge/articles/{id}`: only the fields given change. Editing the content of a published
 * article makes a new draft version (`articleVersion` + 1) while readers keep seeing the published one; a draft
 * is edited in place. A retired article answers 409 `KNOWLEDGE_FINAL_STATE`.
 */
export class UpdateArticleDto {
  @ApiPropertyOptional({ minLength: 3, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(3, 200)
  title?: string;

  @ApiPropertyOptional({ maxLength: MAX_ARTICLE_BODY, description: BODY_DOC })
  @OptionalNotNull()
  @IsString()
  body?: string;

  @ApiPropertyOptional({ maxLength: MAX_ARTICLE_SUMMARY, description: 'An empty string clears it.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_ARTICLE_SUMMARY)
  summary?: string;

  @ApiPropertyOptional({ maxLength: MAX_ARTICLE_CATEGORY, description: 'An empty string clears it.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_ARTICLE_CATEGORY)
  category?: string;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_ARTICLE_TAGS, maxLength: MAX_ARTICLE_TAG_LENGTH, pattern: ARTICLE_TAG_PATTERN.source, description: `Replaces the tags. ${TAGS_DOC}` })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_ARTICLE_TAGS)
  @Matches(ARTICLE_TAG_PATTERN, { each: true, message: `$property ${ARTICLE_TAG_MESSAGE}` })
  tags?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_ARTICLE_REFS, description: 'Replaces the services.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_ARTICLE_REFS)
  @IsUUID('all', { each: true })
  serviceIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_ARTICLE_REFS, description: 'Replaces the CIs.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_ARTICLE_REFS)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiPropertyOptional({ enum: ArticleAudience, enumName: 'ArticleAudience', description: AUDIENCE_DOC })
  @OptionalNotNull()
  @IsEnum(ArticleAudience)
  audience?: ArticleAudience;

  @ApiPropertyOptional({ enum: ArticleLanguage, enumName: 'ArticleLanguage', description: LANGUAGE_DOC })
  @OptionalNotNull()
  @IsEnum(ArticleLanguage)
  language?: ArticleLanguage;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'sam' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  ownerId?: string;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', example: INSTANT_EXAMPLE, description: `${REVIEW_BY_DOC} Null clears it.` })
  @IsOptional()
  @IsInstant()
  reviewBy?: string | null;
}

/** A command on one existing article, optionally based on a known version (`If-Match`). */
export class ArticleCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class UpdateArticleRequest extends ArticleCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateArticleDto)
  changes!: UpdateArticleDto;
}

/** Body of `POST /v1/knowledge/articles/{id}/transitions`. */
export class TransitionArticleDto {
  @ApiProperty({
    enum: ArticleState,
    enumName: 'ArticleState',
    example: ArticleState.InReview,
    description:
      'Submit: draft → in_review (agents). Approve: in_review → published, by a reviewer other than the author (a manager, or a member of the reviewer group; else 403 `KNOWLEDGE_REVIEWER_REQUIRED`, the author’s own 403 `KNOWLEDGE_SELF_REVIEW`); publishing a new version makes it the one readers see. Send back: in_review → draft, by a reviewer, with `comment` (else 422 `KNOWLEDGE_COMMENT_REQUIRED`). Retire: published → retired (managers, else 403 `KNOWLEDGE_RETIRE_FORBIDDEN`); final. A move the state machine does not have answers 409 `KNOWLEDGE_INVALID_TRANSITION` with the allowed targets in `details.allowed`.',
  })
  @IsEnum(ArticleState)
  to!: ArticleState;

  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_ARTICLE_COMMENT, description: 'Required to send back (what to fix); otherwise optional.', example: 'Step 2 needs the new reset URL.' })
  @OptionalNotNull()
  @IsString()
  @Length(1, MAX_ARTICLE_COMMENT)
  comment?: string;
}

/**
 * `itsm.rpc.knowledge.transition`: open to agents; who may approve, send back and retire is checked by the
 * service, as one RPC serves every move.
 */
export class TransitionArticleRequest extends ArticleCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => TransitionArticleDto)
  transition!: TransitionArticleDto;
}

/** Reading one article: agents get the current content version, requesters the published one (public only, else 404). */
export class GetArticleRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** Filters of `GET /v1/knowledge/articles`, a page at a time; requesters see published public articles only. */
export class ArticleFilters extends PageRequest {
  @ApiPropertyOptional({ type: [String], enum: ArticleState, description: 'Comma-separated states.', example: ['draft', 'in_review'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(ArticleState, { each: true })
  state?: ArticleState[];

  @ApiPropertyOptional({ enum: ArticleAudience, enumName: 'ArticleAudience' })
  @OptionalNotNull()
  @IsEnum(ArticleAudience)
  audience?: ArticleAudience;

  @ApiPropertyOptional({ maxLength: MAX_ARTICLE_CATEGORY, example: 'network' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_ARTICLE_CATEGORY)
  category?: string;

  @ApiPropertyOptional({ maxLength: MAX_ARTICLE_TAG_LENGTH, description: 'Articles carrying this tag (compared lower-case).', example: 'vpn' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_ARTICLE_TAG_LENGTH)
  tag?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'sam' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  ownerId?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Only articles past (true) or not past (false) their review-by date.' })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  reviewDue?: boolean;

  @ApiPropertyOptional({ type: Boolean, description: 'Only flagged (true) or unflagged (false) articles.' })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  flagged?: boolean;

  @ApiPropertyOptional({ enum: ARTICLE_SORTS, default: '-updatedAt', description: 'Sort field; `-` for descending.' })
  @OptionalNotNull()
  @IsIn(ARTICLE_SORTS)
  sort?: ArticleSort;
}

export class ListArticlesRequest extends ArticleFilters {}

/** An article as its reader sees it: agents the current content version, requesters the published one. */
export class ArticleView {
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

  @ApiProperty({ description: 'Markdown as written.', example: '## Workaround\n\nReconnect with the backup profile `vpn-b`.' })
  @IsString()
  body!: string;

  @ApiProperty({ description: 'The body rendered to sanitized HTML (no script, style, iframe or event attributes; links http, https, mailto or relative only).', example: '<h2>Steps</h2>\n<ol>\n<li>Open <a href="https://vpn.example.com/reset">https://vpn.example.com/reset</a></li>\n</ol>' })
  @IsString()
  bodyHtml!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'What to do when the VPN client drops every few minutes.' })
  @IsString()
  summary!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'network' })
  @IsString()
  category!: string;

  @ApiProperty({ type: [String], example: ['vpn', 'password'] })
  @IsArray()
  @IsString({ each: true })
  tags!: string[];

  @ApiProperty({ type: [String], format: 'uuid', example: ['56f76f15-95d6-40fe-9b4f-af164726a0ea'] })
  @IsArray()
  @IsUUID('all', { each: true })
  serviceIds!: string[];

  @ApiProperty({ type: [String], format: 'uuid', example: ['bea1ea59-4f94-41d2-9a67-389419fdd268'] })
  @IsArray()
  @IsUUID('all', { each: true })
  ciIds!: string[];

  @ApiProperty({ enum: ArticleAudience, enumName: 'ArticleAudience' })
  @IsEnum(ArticleAudience)
  audience!: ArticleAudience;

  @ApiProperty({ enum: ArticleLanguage, enumName: 'ArticleLanguage' })
  @IsEnum(ArticleLanguage)
  language!: ArticleLanguage;

  @ApiProperty({ description: 'Who keeps it current (`sub`).', example: 'sam' })
  @IsString()
  ownerId!: string;

  @ApiProperty({ description: 'Who wrote the version shown (`sub`).', example: 'sam' })
  @IsString()
  authorId!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-09-01T00:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  reviewBy!: string | null;

  @ApiProperty({ description: 'True when `reviewBy` has passed.', example: false })
  @IsBoolean()
  reviewDue!: boolean;

  @ApiProperty({ enum: ArticleState, enumName: 'ArticleState', description: 'The state of the article: `published` while a published version exists, even when a newer draft is being written.' })
  @IsEnum(ArticleState)
  state!: ArticleState;

  @ApiProperty({ description: 'Optimistic-concurrency version of the record; also the ETag.', example: 3 })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The content version shown (1, 2, …).', example: 2 })
  @IsInt()
  @Min(1)
  articleVersion!: number;

  @ApiProperty({ nullable: true, type: 'integer', minimum: 1, description: 'The content version readers see; null until first published.', example: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  publishedVersion!: number | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The problem whose known error the article was made from; null otherwise.', example: 'ab31c9ba-beb4-4ed4-ab10-984962608a12' })
  @IsOptional()
  @IsUUID()
  problemId!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The known error the article was made from; null otherwise.', example: '744f2f91-5061-44f5-b150-64a9407c128e' })
  @IsOptional()
  @IsUUID()
  knownErrorId!: string | null;

  @ApiProperty({ description: 'Needs attention: its known error was retired, or its review date passed.', example: false })
  @IsBoolean()
  flagged!: boolean;

  @ApiProperty({ nullable: true, type: String, description: 'Why it is flagged; null when not flagged.', example: 'known error retired' })
  @IsOptional()
  @IsString()
  flagReason!: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 12 })
  @IsInt()
  @Min(0)
  helpfulCount!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  @IsInt()
  @Min(0)
  notHelpfulCount!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Reads by id, the author’s own not counted.', example: 340 })
  @IsInt()
  @Min(0)
  viewCount!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Tickets it was linked to.', example: 7 })
  @IsInt()
  @Min(0)
  linkCount!: number;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:05:00.000Z' })
  @IsInstant()
  updatedAt!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the version readers see was published; null until first published.', example: '2026-03-05T08:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  publishedAt!: string | null;
}

export const ArticlePage = PageOf(() => ArticleView, 'ArticlePage');
export type ArticlePage = Page<ArticleView>;

/** One content version of an article, as `GET /v1/knowledge/articles/{id}/versions` lists it. */
export class ArticleVersionSummary {
  @ApiProperty({ format: 'uuid', description: 'The article.', example: 'a82c6079-acbe-413e-aab9-d02c93561953' })
  @IsUUID()
  articleId!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The content version (1, 2, …).', example: 2 })
  @IsInt()
  @Min(1)
  articleVersion!: number;

  @ApiProperty({ enum: ArticleState, enumName: 'ArticleState', description: 'The state of this version; a published version replaced by a newer one reads `retired`.' })
  @IsEnum(ArticleState)
  state!: ArticleState;

  @ApiProperty({ example: 'Reset a forgotten VPN password' })
  @IsString()
  title!: string;

  @ApiProperty({ description: 'Who wrote it (`sub`).', example: 'sam' })
  @IsString()
  authorId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Null when never published.', example: '2026-03-05T08:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  publishedAt!: string | null;
}

/** `GET /v1/knowledge/articles/{id}/versions/{n}`: one content version whole. */
export class ArticleVersionView extends ArticleVersionSummary {
  @ApiProperty({ description: 'Markdown as written.', example: '## Workaround\n\nReconnect with the backup profile `vpn-b`.' })
  @IsString()
  body!: string;

  @ApiProperty({ description: 'The body rendered to sanitized HTML.', example: '<p>Reconnect with the backup profile.</p>' })
  @IsString()
  bodyHtml!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'What to do when the VPN client drops every few minutes.' })
  @IsString()
  summary!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'network' })
  @IsString()
  category!: string;

  @ApiProperty({ type: [String], example: ['vpn', 'remote-access'] })
  @IsArray()
  @IsString({ each: true })
  tags!: string[];

  @ApiProperty({ enum: ArticleLanguage, enumName: 'ArticleLanguage' })
  @IsEnum(ArticleLanguage)
  language!: ArticleLanguage;
}

/** Every content version of an article, oldest first. */
export const ArticleVersionList = ListOf(() => ArticleVersionSummary, 'ArticleVersionList');
export type ArticleVersionList = { items: ArticleVersionSummary[] };

export class GetArticleVersionRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_ARTICLE_VERSION, description: 'The content version (404 `KNOWLEDGE_VERSION_NOT_FOUND` when it has none such).', example: 1 })
  @Type(() => Number)
  @IsIntegerFrom(1, MAX_ARTICLE_VERSION)
  version!: number;
}

/** `GET /v1/knowledge/articles/{id}/diff?from=&to=`: what changed from one content version to another. */
export class ArticleDiffRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_ARTICLE_VERSION, description: 'The older content version.', example: 1 })
  @Type(() => Number)
  @IsIntegerFrom(1, MAX_ARTICLE_VERSION)
  from!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_ARTICLE_VERSION, description: 'The newer content version.', example: 2 })
  @Type(() => Number)
  @IsIntegerFrom(1, MAX_ARTICLE_VERSION)
  to!: number;
}

/** A run of lines both versions share, or that one of them adds or removes. */
export class DiffPart {
  @ApiProperty({ enum: DiffOp, enumName: 'DiffOp' })
  @IsEnum(DiffOp)
  op!: DiffOp;

  @ApiProperty({ description: 'The lines, each ending with a line break except perhaps the last.', example: '1. Open https://vpn.example.com/reset\n' })
  @IsString()
  text!: string;
}

export class ArticleDiff {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  @IsInt()
  @Min(1)
  from!: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  @IsInt()
  @Min(1)
  to!: number;

  @ApiProperty({ type: [DiffPart], description: 'Line diff of the titles, in order.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DiffPart)
  title!: DiffPart[];

  @ApiProperty({ type: [DiffPart], description: 'Line diff of the Markdown bodies, in order.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DiffPart)
  body!: DiffPart[];
}
