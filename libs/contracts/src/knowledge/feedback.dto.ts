import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { OptionalNotNull } from '../transforms';
import { ARTICLE_NUMBER, MAX_ARTICLE_COMMENT } from './article.dto';
import { KnowledgeTicketType } from './knowledge.enums';
import { IsInstant } from '../field-rules';

const FEEDBACK_COMMENT_DOC = 'What was missing or wrong; seen by agents only.';

/** Body of `POST /v1/knowledge/articles/{id}/feedback`: one vote per user per content version; a second replaces the first. */
export class ArticleFeedbackDto {
  @ApiProperty({ description: 'Whether the article helped.', example: true })
  @IsBoolean()
  helpful!: boolean;

  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_ARTICLE_COMMENT, description: FEEDBACK_COMMENT_DOC, example: 'The reset link in step 2 is outdated.' })
  @OptionalNotNull()
  @IsString()
  @Length(1, MAX_ARTICLE_COMMENT)
  comment?: string;
}

/** `itsm.rpc.knowledge.feedback`: by anyone who may see the article (else 404); the vote counts for the published version. */
export class FeedbackRequest {
  @ApiProperty({ format: 'uuid', description: 'The article.' })
  @IsUUID()
  id!: string;

  @ApiProperty({ description: 'Whether the article helped.', example: true })
  @IsBoolean()
  helpful!: boolean;

  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_ARTICLE_COMMENT, description: FEEDBACK_COMMENT_DOC })
  @OptionalNotNull()
  @IsString()
  @Length(1, MAX_ARTICLE_COMMENT)
  comment?: string;
}

/** One user's vote on one content version, and the article's counts after it. */
export class ArticleFeedbackView {
  @ApiProperty({ format: 'uuid', example: 'a82c6079-acbe-413e-aab9-d02c93561953' })
  @IsUUID()
  articleId!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The content version voted on.', example: 2 })
  @IsInt()
  @Min(1)
  articleVersion!: number;

  @ApiProperty({ description: 'Who voted (`sub`).', example: 'rita' })
  @IsString()
  userId!: string;

  @ApiProperty({ example: true })
  @IsBoolean()
  helpful!: boolean;

  @ApiProperty({ nullable: true, type: String, example: 'The steps worked, but the screenshots are outdated.' })
  @IsOptional()
  @IsString()
  comment!: string | null;

  @ApiProperty({ description: 'True when it replaced the user’s earlier vote on this version.', example: false })
  @IsBoolean()
  replaced!: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The article’s helpful votes after this one.', example: 13 })
  @IsInt()
  @Min(0)
  helpfulCount!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The article’s not-helpful votes after this one.', example: 1 })
  @IsInt()
  @Min(0)
  notHelpfulCount!: number;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;
}

/** Body of `POST /v1/knowledge/articles/{id}/links`: the article helped with this ticket. */
export class LinkArticleDto {
  @ApiProperty({ enum: KnowledgeTicketType, enumName: 'KnowledgeTicketType', example: KnowledgeTicketType.Incident })
  @IsEnum(KnowledgeTicketType)
  ticketType!: KnowledgeTicketType;

  @ApiProperty({ format: 'uuid', description: 'The incident or request.' })
  @IsUUID()
  ticketId!: string;
}

/** `itsm.rpc.knowledge.link` (agents): linking a published article to a ticket again answers the existing link (`linkCount` unchanged). */
export class LinkArticleRequest {
  @ApiProperty({ format: 'uuid', description: 'The article.' })
  @IsUUID()
  id!: string;

  @ApiProperty({ enum: KnowledgeTicketType, enumName: 'KnowledgeTicketType' })
  @IsEnum(KnowledgeTicketType)
  ticketType!: KnowledgeTicketType;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  ticketId!: string;
}

export class ArticleLinkView {
  @ApiProperty({ format: 'uuid', example: 'a82c6079-acbe-413e-aab9-d02c93561953' })
  @IsUUID()
  articleId!: string;

  @ApiProperty({ example: 'KB0001001' })
  @IsString()
  @Matches(ARTICLE_NUMBER)
  articleNumber!: string;

  @ApiProperty({ enum: KnowledgeTicketType, enumName: 'KnowledgeTicketType' })
  @IsEnum(KnowledgeTicketType)
  ticketType!: KnowledgeTicketType;

  @ApiProperty({ format: 'uuid', example: 'e1ff8454-1ec1-456c-9fa2-ddb7f70d5041' })
  @IsUUID()
  ticketId!: string;

  @ApiProperty({ description: 'Who linked it (`sub`).', example: 'sam' })
  @IsString()
  linkedBy!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:00:00.000Z' })
  @IsInstant()
  linkedAt!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Tickets the article is linked to, this one included.', example: 8 })
  @IsInt()
  @Min(1)
  linkCount!: number;
}
