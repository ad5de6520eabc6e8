import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsInstant, IsIntegerFrom } from '../field-rules';
import { DEFAULT_REPORT_ROWS, MAX_REPORT_ROWS } from '../reporting';
import { OptionalNotNull } from '../transforms';
import { ARTICLE_NUMBER } from './article.dto';

export const DEFAULT_MIN_VOTES = 5;
export const DEFAULT_MIN_VIEWS = 50;
const MAX_THRESHOLD = 1000000;
/** Helpfulness below which an article counts as unhelpful. */
export const LOW_HELPFULNESS_BELOW = 0.5;

/** `?minVotes=` of `GET /v1/reports/knowledge/low-helpfulness`. */
export class LowHelpfulnessQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_THRESHOLD, default: DEFAULT_MIN_VOTES, description: 'Only articles with at least this many votes (helpful + not helpful).' })
  @OptionalNotNull()
  @Type(() => Number)
  @IsIntegerFrom(1, MAX_THRESHOLD)
  minVotes?: number;
}

/** `?minViews=&limit=` of `GET /v1/reports/knowledge/viewed-never-linked`. */
export class ViewedNeverLinkedQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_THRESHOLD, default: DEFAULT_MIN_VIEWS, description: 'Only articles read at least this many times.' })
  @OptionalNotNull()
  @Type(() => Number)
  @IsIntegerFrom(1, MAX_THRESHOLD)
  minViews?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_REPORT_ROWS, default: DEFAULT_REPORT_ROWS, description: 'Rows, the most read first.' })
  @OptionalNotNull()
  @Type(() => Number)
  @IsIntegerFrom(1, MAX_REPORT_ROWS)
  limit?: number;
}

/** What every knowledge report row names of its article. */
class ArticleReportRow {
  @ApiProperty({ format: 'uuid', example: 'a82c6079-acbe-413e-aab9-d02c93561953' })
  @IsUUID()
  articleId!: string;

  @ApiProperty({ example: 'KB0001001' })
  @IsString()
  @Matches(ARTICLE_NUMBER)
  number!: string;

  @ApiProperty({ example: 'Reset a forgotten VPN password' })
  @IsString()
  title!: string;

  @ApiProperty({ description: 'Who keeps it current (`sub`).', example: 'sam' })
  @IsString()
  ownerId!: string;
}

export class LowHelpfulnessRow extends ArticleReportRow {
  @ApiProperty({ type: 'integer', minimum: 0, example: 2 })
  @IsInt()
  @Min(0)
  helpfulCount!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 9 })
  @IsInt()
  @Min(0)
  notHelpfulCount!: number;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'helpful / (helpful + not helpful), from 0 to 1 (four decimals).', example: 0.1818 })
  @IsNumber()
  @Min(0)
  @Max(1)
  helpfulness!: number;
}

/** Published articles with at least `minVotes` votes of which fewer than half found them helpful, the least helpful first. */
export class LowHelpfulnessReport {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The threshold used.', example: DEFAULT_MIN_VOTES })
  @IsInt()
  @Min(1)
  minVotes!: number;

  @ApiProperty({ type: [LowHelpfulnessRow] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LowHelpfulnessRow)
  items!: LowHelpfulnessRow[];
}

export class ViewedNeverLinkedRow extends ArticleReportRow {
  @ApiProperty({ type: 'integer', minimum: 0, example: 420 })
  @IsInt()
  @Min(0)
  viewCount!: number;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-03-05T08:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  publishedAt!: string | null;
}

/** Published articles read at least `minViews` times but never linked to a ticket, the most read first: read, but not what solves tickets. */
export class ViewedNeverLinkedReport {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The threshold used.', example: DEFAULT_MIN_VIEWS })
  @IsInt()
  @Min(1)
  minViews!: number;

  @ApiProperty({ type: [ViewedNeverLinkedRow] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ViewedNeverLinkedRow)
  items!: ViewedNeverLinkedRow[];
}
