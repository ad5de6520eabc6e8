import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { type Page, PageOf, PageRequest, ListOf } from '../paging';
import { CommaList, OptionalNotNull, QueryBoolean } from '../transforms';
import { AddCommentDto, FieldChange } from '../incident/incident.dto';
import { Impact, Priority, Urgency } from '../incident/incident.enums';
import { DetectionScope, KnownErrorState, PROBLEM_SORTS, ProblemResolutionCode, ProblemSort, ProblemState } from './problem.enums';
import { CommentFields } from '../comments';
import { IsInstant } from '../field-rules';

const IMPACT_DOC = { enum: [1, 2, 3], type: 'integer' as const, description: '1 high (a whole service or many users), 2 medium, 3 low (one user).' };
const URGENCY_DOC = { enum: [1, 2, 3], type: 'integer' as const, description: '1 high (work stopped), 2 medium, 3 low.' };
const IMPACT_MESSAGE = '$property must be 1 (high), 2 (medium) or 3 (low)';
/** A category (or assignment group), the same shape as on incidents: problems are about incident categories. */
export const PROBLEM_LABEL_PATTERN = /^[\w .:/@-]{1,100}$/u;
export const PROBLEM_LABEL_MESSAGE = 'must be 1 to 100 letters, digits, spaces or . : / @ - _';
/** Longest root cause, workaround, description, resolution or symptoms text. */
export const MAX_PROBLEM_TEXT = 10000;
const CAUSE_CATEGORY_DOC =
  'One of the configured cause categories (`PROBLEM_CAUSE_CATEGORIES`; by default software, hardware, configuration, capacity, network, process, third_party, security, unknown); another value is refused with 422 `PROBLEM_UNKNOWN_CAUSE_CATEGORY` naming the allowed ones.';

/** Body of `POST /v1/problems`. */
export class CreateProblemDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'VPN gateway drops tunnels under load' })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional({ maxLength: MAX_PROBLEM_TEXT, default: '', example: 'Five incidents this week: tunnels drop when more than 300 users are connected.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_PROBLEM_TEXT)
  description?: string;

  @ApiProperty({ minLength: 1, maxLength: 100, pattern: PROBLEM_LABEL_PATTERN.source, description: 'What the problem is about, usually the category of its incidents.', example: 'network' })
  @Matches(PROBLEM_LABEL_PATTERN, { message: `$property ${PROBLEM_LABEL_MESSAGE}` })
  category!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The business service affected (a CI id in the CMDB).' })
  @OptionalNotNull()
  @IsUUID()
  serviceId?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: 50,
    description: 'Configuration items involved; ids the CMDB does not know are refused with 422 `PROBLEM_UNKNOWN_CIS` listing them.',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiProperty({ ...IMPACT_DOC, example: 2 })
  @IsIn([1, 2, 3], { message: IMPACT_MESSAGE })
  impact!: Impact;

  @ApiProperty({ ...URGENCY_DOC, example: 2 })
  @IsIn([1, 2, 3], { message: IMPACT_MESSAGE })
  urgency!: Urgency;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, pattern: PROBLEM_LABEL_PATTERN.source, example: 'network-ops' })
  @OptionalNotNull()
  @Matches(PROBLEM_LABEL_PATTERN, { message: `$property ${PROBLEM_LABEL_MESSAGE}` })
  assignmentGroup?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'The agent (`sub`) who works the problem.', example: 'sam' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  assigneeId?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 50, description: 'The changes that fix the problem.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  changeIds?: string[];

  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_PROBLEM_TEXT, description: 'The root cause, when already known; giving it counts as identifying it.', example: 'The gateway’s session table is sized for 256 tunnels.' })
  @OptionalNotNull()
  @IsString()
  @Length(1, MAX_PROBLEM_TEXT)
  rootCause?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: CAUSE_CATEGORY_DOC, example: 'capacity' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  causeCategory?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_PROBLEM_TEXT, description: 'How users get going again until the fix is in.', example: 'Reconnect to the secondary gateway vpn2.example.com.' })
  @OptionalNotNull()
  @IsString()
  @Length(1, MAX_PROBLEM_TEXT)
  workaround?: string;
}

/** `itsm.rpc.problem.create`: the body plus the client's `Idempotency-Key`. */
export class CreateProblemRequest extends CreateProblemDto {
  @OptionalNotNull()
  @IsString()
  @Length(1, 255)
  idempotencyKey?: string;
}

/**
 * Body of `PATCH /v1/problems/{id}`: only the fields given change; `null` clears a clearable field. Linked incidents
 * change only through link and unlink, the state only through transitions; the priority follows impact × urgency.
 */
export class UpdateProblemDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ maxLength: MAX_PROBLEM_TEXT, description: 'An empty string clears it.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_PROBLEM_TEXT)
  description?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, pattern: PROBLEM_LABEL_PATTERN.source, example: 'network' })
  @OptionalNotNull()
  @Matches(PROBLEM_LABEL_PATTERN, { message: `$property ${PROBLEM_LABEL_MESSAGE}` })
  category?: string;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'The business service affected (a CI id in the CMDB).' })
  @IsOptional()
  @IsUUID()
  serviceId?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 50, description: 'Replaces the CIs; ids the CMDB does not know are refused with 422 `PROBLEM_UNKNOWN_CIS`.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiPropertyOptional(IMPACT_DOC)
  @OptionalNotNull()
  @IsIn([1, 2, 3], { message: IMPACT_MESSAGE })
  impact?: Impact;

  @ApiPropertyOptional(URGENCY_DOC)
  @OptionalNotNull()
  @IsIn([1, 2, 3], { message: IMPACT_MESSAGE })
  urgency?: Urgency;

  @ApiPropertyOptional({ nullable: true, type: String, minLength: 1, maxLength: 100, pattern: PROBLEM_LABEL_PATTERN.source, example: 'network-ops' })
  @IsOptional()
  @Matches(PROBLEM_LABEL_PATTERN, { message: `$property ${PROBLEM_LABEL_MESSAGE}` })
  assignmentGroup?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, minLength: 1, maxLength: 200, example: 'sam' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assigneeId?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 50, description: 'Replaces the fixing changes.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  changeIds?: string[];

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    minLength: 1,
    maxLength: MAX_PROBLEM_TEXT,
    description: 'The root cause; the first one given sets `rootCauseIdentifiedAt`. Needed (with `causeCategory`) to move to `fix_in_progress`.',
  })
  @IsOptional()
  @IsString()
  @Length(1, MAX_PROBLEM_TEXT)
  rootCause?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, minLength: 1, maxLength: 100, description: CAUSE_CATEGORY_DOC, example: 'capacity' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  causeCategory?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, minLength: 1, maxLength: MAX_PROBLEM_TEXT, description: 'How users get going again until the fix is in; needed to publish a known error.' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_PROBLEM_TEXT)
  workaround?: string | null;
}

/** A command on one existing problem, optionally based on a known version (`If-Match`). */
export class ProblemCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class UpdateProblemRequest extends ProblemCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateProblemDto)
  changes!: UpdateProblemDto;
}

/** Body of `POST /v1/problems/{id}/transitions`: the target state and what that state needs. */
export class TransitionProblemDto {
  @ApiProperty({
    enum: ProblemState,
    enumName: 'ProblemState',
    example: ProblemState.Assess,
    description:
      'new → assess → root_cause_analysis → fix_in_progress (needs `rootCause` and `causeCategory` on the problem) → resolved → closed; resolved → fix_in_progress when the fix did not hold; canceled from any open state (managers only, with `reason`). A move the state machine does not have answers 409 `PROBLEM_INVALID_TRANSITION` with the allowed targets in `details.allowed`.',
  })
  @IsEnum(ProblemState)
  to!: ProblemState;

  @ApiPropertyOptional({ minLength: 3, maxLength: 2000, description: 'Required to cancel (else 422 `PROBLEM_TRANSITION_FIELDS_INVALID`); otherwise optional (e.g. why a fix did not hold).', example: 'Duplicate of PRB0001007.' })
  @OptionalNotNull()
  @IsString()
  @Length(3, 2000)
  reason?: string;

  @ApiPropertyOptional({ enum: ProblemResolutionCode, enumName: 'ProblemResolutionCode', description: 'Required for `resolved` (else 422 `PROBLEM_RESOLUTION_REQUIRED`); refused on any other move (422 `PROBLEM_TRANSITION_FIELDS_INVALID`).' })
  @OptionalNotNull()
  @IsEnum(ProblemResolutionCode)
  resolutionCode?: ProblemResolutionCode;

  @ApiPropertyOptional({ minLength: 3, maxLength: MAX_PROBLEM_TEXT, description: 'Required for `resolved` (else 422 `PROBLEM_RESOLUTION_REQUIRED`); refused on any other move (422 `PROBLEM_TRANSITION_FIELDS_INVALID`).', example: 'Session table enlarged to 4096 entries with CHG0001042.' })
  @OptionalNotNull()
  @IsString()
  @Length(3, MAX_PROBLEM_TEXT)
  resolution?: string;
}

/**
 * `itsm.rpc.problem.transition`: open to agents; a move to `canceled` is checked by the service to come from a
 * manager or an admin (403 `PROBLEM_CANCEL_FORBIDDEN` otherwise), as one RPC serves every move.
 */
export class TransitionProblemRequest extends ProblemCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => TransitionProblemDto)
  transition!: TransitionProblemDto;
}

/** `itsm.rpc.problem.add_comment`: a comment (`public`) or work note (`internal`); only agents see problems either way. */
export class AddProblemCommentRequest extends ProblemCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => AddCommentDto)
  comment!: AddCommentDto;
}

export class GetProblemRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** Body of `POST /v1/problems/{id}/incidents`. */
export class LinkIncidentDto {
  @ApiProperty({
    format: 'uuid',
    description:
      'An existing incident (else 422 `PROBLEM_UNKNOWN_INCIDENTS`) not linked to another open problem (else 409 `PROBLEM_INCIDENT_ALREADY_LINKED` naming it).',
  })
  @IsUUID()
  incidentId!: string;
}

export class LinkIncidentRequest extends ProblemCommand {
  @IsUUID()
  incidentId!: string;
}

/** Path of `DELETE /v1/problems/{id}/incidents/{incidentId}`. */
export class ProblemIncidentPath {
  @ApiProperty({ format: 'uuid', description: 'The problem.' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'The linked incident.' })
  @IsUUID()
  incidentId!: string;
}

export class UnlinkIncidentRequest extends ProblemCommand {
  @IsUUID()
  incidentId!: string;
}

/** Filters of `GET /v1/problems`, a page at a time. Lists take comma-separated values. */
export class ProblemFilters extends PageRequest {
  @ApiPropertyOptional({ type: [String], enum: ProblemState, description: 'Comma-separated states.', example: ['new', 'assess'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(ProblemState, { each: true })
  state?: ProblemState[];

  @ApiPropertyOptional({ type: [String], enum: Priority, description: 'Comma-separated priorities.', example: ['P1', 'P2'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(Priority, { each: true })
  priority?: Priority[];

  @ApiPropertyOptional({ maxLength: 100, example: 'network-ops' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  assignmentGroup?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'sam' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  assigneeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Problems involving this CI.' })
  @OptionalNotNull()
  @IsUUID()
  ciId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  serviceId?: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'network' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Only problems with (true) or without (false) a known error, published or retired.' })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  knownError?: boolean;

  @ApiPropertyOptional({ type: Boolean, description: 'Only problems opened by detection (true) or by a person (false).' })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  detected?: boolean;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: 'Words to find in the title or the description (web-search syntax: "quoted phrase", -excluded, or); known errors are searched by root cause and workaround at `/v1/known-errors`.',
    example: 'vpn tunnel',
  })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ enum: PROBLEM_SORTS, default: '-createdAt', description: 'Sort field; `-` for descending.' })
  @OptionalNotNull()
  @IsIn(PROBLEM_SORTS)
  sort?: ProblemSort;
}

export class ListProblemsRequest extends ProblemFilters {}

/** The known error published from a problem, as the problem shows it. */
export class KnownErrorRef {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'KE0001001' })
  @IsString()
  @Matches(/^KE\d{7,}$/)
  number!: string;

  @ApiProperty({ enum: KnownErrorState, enumName: 'KnownErrorState' })
  @IsEnum(KnownErrorState)
  state!: KnownErrorState;
}

/** The pattern a detected problem was opened for: the rule, and the CI or service and category it counted. */
export class ProblemDetection {
  @ApiProperty({ format: 'uuid', example: 'd518fb00-1991-4a3c-b028-7dbd4d7bab6e' })
  @IsUUID()
  ruleId!: string;

  @ApiProperty({ example: '5 incidents with the same CI and category within 24 hours' })
  @IsString()
  ruleName!: string;

  @ApiProperty({ enum: DetectionScope, enumName: 'DetectionScope' })
  @IsEnum(DetectionScope)
  scope!: DetectionScope;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The CI counted (scope `ci`); null for scope `service`.', example: '96d4cda4-2f91-496b-87f7-097faa618597' })
  @IsOptional()
  @IsUUID()
  ciId!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The business service counted (scope `service`); null for scope `ci`.', example: 'd0ff59f8-80ee-444b-823c-8edf928a2d68' })
  @IsOptional()
  @IsUUID()
  serviceId!: string | null;

  @ApiProperty({ description: 'The incident category counted.', example: 'network' })
  @IsString()
  category!: string;
}

/** A problem as the API and subscribers see it. */
export class ProblemView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'PRB0001001' })
  @IsString()
  @Matches(/^PRB\d{7,}$/)
  number!: string;

  @ApiProperty({ example: 'VPN gateway drops tunnels under load' })
  @IsString()
  title!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'VPN sessions drop every few minutes for users on the Berlin gateway.' })
  @IsString()
  description!: string;

  @ApiProperty({ example: 'network' })
  @IsString()
  category!: string;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The business service affected (a CI id in the CMDB).', example: 'd0ff59f8-80ee-444b-823c-8edf928a2d68' })
  @IsOptional()
  @IsUUID()
  serviceId!: string | null;

  @ApiProperty({ type: [String], format: 'uuid', example: ['75f6cf06-192b-48dd-bd2d-75992fd6c622'] })
  @IsArray()
  @IsUUID('all', { each: true })
  ciIds!: string[];

  @ApiProperty(IMPACT_DOC)
  @IsInt()
  @IsIn([1, 2, 3])
  impact!: Impact;

  @ApiProperty(URGENCY_DOC)
  @IsInt()
  @IsIn([1, 2, 3])
  urgency!: Urgency;

  @ApiProperty({ enum: Priority, enumName: 'Priority', description: 'From the impact × urgency matrix incidents use.' })
  @IsEnum(Priority)
  priority!: Priority;

  @ApiProperty({ nullable: true, type: String, example: 'network-ops' })
  @IsOptional()
  @IsString()
  assignmentGroup!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'sam' })
  @IsOptional()
  @IsString()
  assigneeId!: string | null;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Linked incidents; changed only by linking and unlinking.', example: ['13e1ec45-b563-40b6-af26-b1b7e238bd59'] })
  @IsArray()
  @IsUUID('all', { each: true })
  incidentIds!: string[];

  @ApiProperty({ type: [String], format: 'uuid', description: 'The changes that fix the problem.', example: ['c5a6250e-1a77-4da5-9b59-44f557869746'] })
  @IsArray()
  @IsUUID('all', { each: true })
  changeIds!: string[];

  @ApiProperty({ nullable: true, type: String, example: 'The VPN concentrator ran out of session slots after a firmware update.' })
  @IsOptional()
  @IsString()
  rootCause!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'capacity', description: 'One of the configured cause categories.' })
  @IsOptional()
  @IsString()
  causeCategory!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Reconnect with the backup profile `vpn-b`.' })
  @IsOptional()
  @IsString()
  workaround!: string | null;

  @ApiProperty({ enum: ProblemState, enumName: 'ProblemState' })
  @IsEnum(ProblemState)
  state!: ProblemState;

  @ApiProperty({ enum: ProblemResolutionCode, enumName: 'ProblemResolutionCode', nullable: true })
  @IsOptional()
  @IsEnum(ProblemResolutionCode)
  resolutionCode!: ProblemResolutionCode | null;

  @ApiProperty({ nullable: true, type: String, example: 'Firmware of the VPN concentrator updated.' })
  @IsOptional()
  @IsString()
  resolution!: string | null;

  @ApiProperty({ description: 'Opened by detection of recurring incidents rather than by a person.', example: true })
  @IsBoolean()
  detected!: boolean;

  @ApiProperty({ type: ProblemDetection, nullable: true, description: 'The pattern a detected problem was opened for; null for a problem opened by a person.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProblemDetection)
  detection!: ProblemDetection | null;

  @ApiProperty({ type: KnownErrorRef, nullable: true, description: 'The known error published from this problem, if any.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => KnownErrorRef)
  knownError!: KnownErrorRef | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When a root cause was first recorded.', example: '2026-03-04T10:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  rootCauseIdentifiedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-03T11:20:00.000Z' })
  @IsOptional()
  @IsInstant()
  resolvedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-04T16:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  closedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-08T12:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  canceledAt!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it was canceled; null unless canceled.', example: 'Superseded by the March release.' })
  @IsOptional()
  @IsString()
  cancelReason!: string | null;

  @ApiProperty({ description: 'Who opened it (`sub`); `system` for a detected problem.', example: 'sam' })
  @IsString()
  openedBy!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:05:00.000Z' })
  @IsInstant()
  updatedAt!: string;

  @ApiProperty({ description: 'Optimistic-concurrency version; also the ETag.', example: 3 })
  @IsInt()
  @Min(1)
  version!: number;
}

export const ProblemPage = PageOf(() => ProblemView, 'ProblemPage');
export type ProblemPage = Page<ProblemView>;

export class ProblemCommentView extends CommentFields {
  @ApiProperty({ format: 'uuid', example: 'ab31c9ba-beb4-4ed4-ab10-984962608a12' })
  @IsUUID()
  problemId!: string;
}

export const ProblemCommentList = ListOf(() => ProblemCommentView, 'ProblemCommentList');
export type ProblemCommentList = { items: ProblemCommentView[] };

export class ProblemHistoryEntry {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;

  @ApiProperty({ nullable: true, type: String, description: 'Who (`sub`); `system` for automatic changes (detection, retirement on close).', example: 'sam' })
  @IsOptional()
  @IsString()
  actorId!: string | null;

  @ApiProperty({
    example: 'updated',
    description: 'created, updated, state_changed, comment_added, incident_linked, incident_unlinked, root_cause_identified, known_error_published, known_error_retired, …',
  })
  @IsString()
  action!: string;

  @ApiProperty({ type: [FieldChange] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FieldChange)
  changes!: FieldChange[];

  @ApiPropertyOptional({ type: ProblemCommentView, description: 'The comment, for `comment_added`.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProblemCommentView)
  comment?: ProblemCommentView;
}

export const ProblemHistory = ListOf(() => ProblemHistoryEntry, 'ProblemHistory');
export type ProblemHistory = { items: ProblemHistoryEntry[] };
