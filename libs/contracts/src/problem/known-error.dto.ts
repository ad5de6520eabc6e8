import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsEnum, IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min } from 'class-validator';
import { type Page, PageOf, PageRequest } from '../paging';
import { OptionalNotNull } from '../transforms';
import { MAX_PROBLEM_TEXT, ProblemCommand } from './problem.dto';
import { KnownErrorState } from './problem.enums';
import { IsInstant } from '../field-rules';

/** Body of `POST /v1/problems/{id}/known-error`: publish the problem's root cause and workaround as a known error. */
export class PublishKnownErrorDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Default: the problem’s title.', example: 'VPN tunnels drop above 256 users' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiProperty({ minLength: 1, maxLength: MAX_PROBLEM_TEXT, description: 'What users and agents see when they meet it: how to recognise it.', example: 'The VPN client shows "tunnel reset" and reconnects every few minutes.' })
  @IsString()
  @Length(1, MAX_PROBLEM_TEXT)
  symptoms!: string;
}

/**
 * `itsm.rpc.problem.known_error_publish` (managers): the problem needs a root cause and a workaround (422
 * `PROBLEM_KNOWN_ERROR_INCOMPLETE` naming the missing field) and no published known error yet (409
 * `PROBLEM_KNOWN_ERROR_EXISTS`). `id` is the problem's; `expectedVersion` its version.
 */
export class PublishKnownErrorRequest extends ProblemCommand {
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  title?: string;

  @IsString()
  @Length(1, MAX_PROBLEM_TEXT)
  symptoms!: string;
}

/** Body of `POST /v1/known-errors/{id}/retire`. */
export class RetireKnownErrorDto {
  @ApiProperty({ minLength: 3, maxLength: 2000, example: 'Fixed for good by CHG0001042.' })
  @IsString()
  @Length(3, 2000)
  reason!: string;
}

/** `itsm.rpc.problem.known_error_retire` (managers): a retired known error answers 409 `KNOWN_ERROR_RETIRED`. */
export class RetireKnownErrorRequest {
  @ApiProperty({ format: 'uuid', description: 'The known error.' })
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  @IsString()
  @Length(3, 2000)
  reason!: string;
}

export class GetKnownErrorRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** `GET /v1/known-errors`: full-text search over title, symptoms, root cause and workaround, best match first, a page at a time. */
export class SearchKnownErrorsRequest extends PageRequest {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: 'Words to find (web-search syntax: "quoted phrase", -excluded, or); hits in the title rank highest, then symptoms, then root cause and workaround. Without it, the newest published first.',
    example: 'vpn tunnel reset',
  })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ enum: KnownErrorState, enumName: 'KnownErrorState', description: 'Only known errors in this state; both when left out.' })
  @OptionalNotNull()
  @IsEnum(KnownErrorState)
  state?: KnownErrorState;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only known errors involving this CI.' })
  @OptionalNotNull()
  @IsUUID()
  ciId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only known errors of this business service.' })
  @OptionalNotNull()
  @IsUUID()
  serviceId?: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'network' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  category?: string;
}

/** A known error: a problem's root cause and workaround, published for agents to find while the fix is pending. */
export class KnownErrorView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'KE0001001' })
  @IsString()
  @Matches(/^KE\d{7,}$/)
  number!: string;

  @ApiProperty({ format: 'uuid', example: 'ab31c9ba-beb4-4ed4-ab10-984962608a12' })
  @IsUUID()
  problemId!: string;

  @ApiProperty({ example: 'PRB0001001' })
  @IsString()
  @Matches(/^PRB\d{7,}$/)
  problemNumber!: string;

  @ApiProperty({ example: 'VPN tunnels drop above 256 users' })
  @IsString()
  title!: string;

  @ApiProperty({ example: 'VPN sessions drop every few minutes.' })
  @IsString()
  symptoms!: string;

  @ApiProperty({ description: 'The problem’s root cause when published.', example: 'The VPN concentrator ran out of session slots after a firmware update.' })
  @IsString()
  rootCause!: string;

  @ApiProperty({ description: 'The problem’s workaround when published.', example: 'Reconnect with the backup profile `vpn-b`.' })
  @IsString()
  workaround!: string;

  @ApiProperty({ nullable: true, type: String, example: 'capacity' })
  @IsOptional()
  @IsString()
  causeCategory!: string | null;

  @ApiProperty({ type: [String], format: 'uuid', example: ['844566ac-b642-4363-8f22-63734996bf81'] })
  @IsArray()
  @IsUUID('all', { each: true })
  ciIds!: string[];

  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: 'd0ff59f8-80ee-444b-823c-8edf928a2d68' })
  @IsOptional()
  @IsUUID()
  serviceId!: string | null;

  @ApiProperty({ example: 'network' })
  @IsString()
  category!: string;

  @ApiProperty({ enum: KnownErrorState, enumName: 'KnownErrorState' })
  @IsEnum(KnownErrorState)
  state!: KnownErrorState;

  @ApiProperty({ format: 'date-time', example: '2026-03-05T08:00:00.000Z' })
  @IsInstant()
  publishedAt!: string;

  @ApiProperty({ description: 'Who published it (`sub`).', example: 'morgan' })
  @IsString()
  publishedBy!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-06-01T08:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  retiredAt!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it was retired (`permanent fix` when its problem closed after a permanent fix); null while published.', example: 'Fixed for good by the firmware update of March.' })
  @IsOptional()
  @IsString()
  retireReason!: string | null;

  @ApiProperty({ description: 'Optimistic-concurrency version; also the ETag.', example: 3 })
  @IsInt()
  @Min(1)
  version!: number;
}

/** A known error found by a search, with where it matched. */
export class KnownErrorHit extends KnownErrorView {
  @ApiProperty({ nullable: true, type: String, description: 'Matching passage as HTML (PostgreSQL `ts_headline`): the known error text escaped, the words found marked `<b>…</b>`; null without `q`.', example: 'The <b>VPN</b> client shows &quot;<b>tunnel</b> <b>reset</b>&quot;' })
  @IsOptional()
  @IsString()
  snippet!: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Relevance to `q` (higher is better; hits are sorted by it); null without `q`.', example: 0.61 })
  @IsOptional()
  @IsNumber()
  rank!: number | null;
}

export const KnownErrorPage = PageOf(() => KnownErrorHit, 'KnownErrorPage');
export type KnownErrorPage = Page<KnownErrorHit>;
