import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { ANY_JSON_VALUE } from '../any-json-value';
import { IsInstant } from '../field-rules';
import { type Page, PageOf, PageRequest, ListOf } from '../paging';
import { CommaList, OptionalNotNull, QueryBoolean } from '../transforms';
import { Channel, CommentVisibility, HoldReason, Impact, INCIDENT_SORTS, IncidentSort, IncidentState, Priority, ResolutionCode, Urgency } from './incident.enums';
import { CommentFields } from '../comments';
import { ARTICLE_NUMBER } from '../knowledge/article.dto';

const IMPACT_DOC = { enum: [1, 2, 3], type: 'integer' as const, description: '1 high (a whole service or many users), 2 medium, 3 low (one user).' };
const URGENCY_DOC = { enum: [1, 2, 3], type: 'integer' as const, description: '1 high (work stopped), 2 medium, 3 low.' };
const LABEL = /^[\w .:/@-]{1,100}$/u;
const LABEL_MESSAGE = 'must be 1 to 100 letters, digits, spaces or . : / @ - _';

/** Body of `POST /v1/incidents`. */
export class CreateIncidentDto {
  @ApiProperty({ minLength: 3, maxLength: 200, example: 'VPN drops every 10 minutes' })
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiPropertyOptional({ maxLength: 20000, example: 'Since this morning the VPN client disconnects for all of floor 3.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiProperty({ ...IMPACT_DOC, example: 2 })
  @IsIn([1, 2, 3], { message: '$property must be 1 (high), 2 (medium) or 3 (low)' })
  impact!: Impact;

  @ApiProperty({ ...URGENCY_DOC, example: 1 })
  @IsIn([1, 2, 3], { message: '$property must be 1 (high), 2 (medium) or 3 (low)' })
  urgency!: Urgency;

  @ApiPropertyOptional({ example: 'network' })
  @OptionalNotNull()
  @Matches(LABEL, { message: `$property ${LABEL_MESSAGE}` })
  category?: string;

  @ApiPropertyOptional({ example: 'vpn' })
  @OptionalNotNull()
  @Matches(LABEL, { message: `$property ${LABEL_MESSAGE}` })
  subcategory?: string;

  @ApiPropertyOptional({ enum: Channel, enumName: 'Channel', default: Channel.Api })
  @OptionalNotNull()
  @IsEnum(Channel)
  channel?: Channel;

  @ApiPropertyOptional({ format: 'uuid', description: 'Affected business service (a CI id in the CMDB).' })
  @OptionalNotNull()
  @IsUUID()
  serviceId?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Affected configuration items.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiPropertyOptional({ description: 'Agents only: the group to assign; without it the routing rules choose.', example: 'network-ops' })
  @OptionalNotNull()
  @Matches(LABEL, { message: `$property ${LABEL_MESSAGE}` })
  assignmentGroup?: string;

  @ApiPropertyOptional({ description: 'Agents only: the agent (`sub`) to assign.', example: 'sam' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'Agents only: the user the incident is for, when an agent logs it for them (default: the caller of this request).', example: 'alice' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  callerId?: string;

  @ApiPropertyOptional({ description: 'Agents only: display name of `callerId`.', example: 'Alice Smith' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  callerName?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    example: ['vip'],
    description:
      'Agents only, with a `callerId` of someone else: that caller’s groups (e.g. `vip`), which SLA policies can match on; default none. Whoever opens an incident for themselves gets the groups of their own token and may not send this field.',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  callerGroups?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Agents only: parent incident; a child is resolved with its parent.' })
  @OptionalNotNull()
  @IsUUID()
  parentId?: string;
}

/** `itsm.rpc.incident.create`: the body plus the client's `Idempotency-Key`. */
export class CreateIncidentRequest extends CreateIncidentDto {
  @OptionalNotNull()
  @IsString()
  @Length(1, 255)
  idempotencyKey?: string;
}

/** Body of `PATCH /v1/incidents/{id}`: only the fields given change; `null` clears a clearable field. */
export class UpdateIncidentDto {
  @ApiPropertyOptional({ minLength: 3, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(3, 200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 20000, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'network' })
  @IsOptional()
  @Matches(LABEL, { message: `$property ${LABEL_MESSAGE}` })
  category?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'vpn' })
  @IsOptional()
  @Matches(LABEL, { message: `$property ${LABEL_MESSAGE}` })
  subcategory?: string | null;

  @ApiPropertyOptional(IMPACT_DOC)
  @OptionalNotNull()
  @IsIn([1, 2, 3], { message: '$property must be 1 (high), 2 (medium) or 3 (low)' })
  impact?: Impact;

  @ApiPropertyOptional(URGENCY_DOC)
  @OptionalNotNull()
  @IsIn([1, 2, 3], { message: '$property must be 1 (high), 2 (medium) or 3 (low)' })
  urgency?: Urgency;

  @ApiPropertyOptional({
    enum: Priority,
    enumName: 'Priority',
    nullable: true,
    description: 'Manual priority override (needs `priorityReason`); `null` returns to the matrix. A later impact or urgency change also returns to the matrix.',
  })
  @IsOptional()
  @IsEnum(Priority)
  priority?: Priority | null;

  @ApiPropertyOptional({ minLength: 3, maxLength: 2000, description: 'Why the priority is overridden. Required with `priority`, and only with it.' })
  @OptionalNotNull()
  @IsString()
  @Length(3, 2000)
  priorityReason?: string;

  @ApiPropertyOptional({ enum: Channel, enumName: 'Channel' })
  @OptionalNotNull()
  @IsEnum(Channel)
  channel?: Channel;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'network-ops' })
  @IsOptional()
  @Matches(LABEL, { message: `$property ${LABEL_MESSAGE}` })
  assignmentGroup?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'sam' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assigneeId?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  serviceId?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'Parent incident (no cycles; the parent must be open).' })
  @IsOptional()
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Linked change requests.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  changeIds?: string[];
}

/** A command on one existing incident, optionally based on a known version (`If-Match`). */
export class IncidentCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class UpdateIncidentRequest extends IncidentCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateIncidentDto)
  changes!: UpdateIncidentDto;
}

/** Body of `POST /v1/incidents/{id}/transitions`: the target state and what that state needs. */
export class TransitionIncidentDto {
  @ApiProperty({ enum: IncidentState, enumName: 'IncidentState', example: IncidentState.Resolved })
  @IsEnum(IncidentState)
  to!: IncidentState;

  @ApiPropertyOptional({ enum: HoldReason, enumName: 'HoldReason', description: 'Required for `on_hold`.' })
  @OptionalNotNull()
  @IsEnum(HoldReason)
  holdReason?: HoldReason;

  @ApiPropertyOptional({ enum: ResolutionCode, enumName: 'ResolutionCode', description: 'Required for `resolved`.' })
  @OptionalNotNull()
  @IsEnum(ResolutionCode)
  resolutionCode?: ResolutionCode;

  @ApiPropertyOptional({ minLength: 3, maxLength: 20000, description: 'Required for `resolved`.', example: 'Replaced the faulty switch port.' })
  @OptionalNotNull()
  @IsString()
  @Length(3, 20000)
  resolutionNotes?: string;

  @ApiPropertyOptional({ minLength: 3, maxLength: 2000, description: 'Required to reopen (`resolved` → `in_progress`) and to cancel.' })
  @OptionalNotNull()
  @IsString()
  @Length(3, 2000)
  reason?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for `merged`: the open incident this one duplicates.' })
  @OptionalNotNull()
  @IsUUID()
  into?: string;
}

export class TransitionIncidentRequest extends IncidentCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => TransitionIncidentDto)
  transition!: TransitionIncidentDto;
}

/** Body of `POST /v1/incidents/{id}/comments`. */
export class AddCommentDto {
  @ApiProperty({ minLength: 1, maxLength: 20000, example: 'Could you try again with the new client version?' })
  @IsString()
  @Length(1, 20000)
  body!: string;

  @ApiPropertyOptional({ enum: CommentVisibility, enumName: 'CommentVisibility', default: CommentVisibility.Public, description: '`internal` is a work note (agents only).' })
  @OptionalNotNull()
  @IsEnum(CommentVisibility)
  visibility?: CommentVisibility;
}

export class AddCommentRequest extends IncidentCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => AddCommentDto)
  comment!: AddCommentDto;
}

/** Body of `PUT /v1/incidents/{id}/major`: declare (true) or withdraw (false) a major incident. */
export class MajorIncidentDto {
  @ApiProperty({ example: true })
  @IsBoolean()
  major!: boolean;

  @ApiProperty({ minLength: 3, maxLength: 2000, example: 'Payroll down for every site' })
  @IsString()
  @Length(3, 2000)
  reason!: string;
}

export class SetMajorRequest extends IncidentCommand {
  @IsBoolean()
  major!: boolean;

  @IsString()
  @Length(3, 2000)
  reason!: string;
}

/** Body of `POST /v1/incidents/{id}/children`. */
export class LinkChildrenDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 100, example: ['4128c470-6b03-4a83-8c69-715a1b7753c1'] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  childIds!: string[];
}

export class LinkChildrenRequest extends IncidentCommand {
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  childIds!: string[];
}

export class GetIncidentRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** Filters of `GET /v1/incidents`, a page at a time. Lists take comma-separated values. */
export class IncidentFilters extends PageRequest {
  @ApiPropertyOptional({ type: [String], enum: IncidentState, description: 'Comma-separated states.', example: ['new', 'in_progress'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(IncidentState, { each: true })
  state?: IncidentState[];

  @ApiPropertyOptional({ type: [String], enum: Priority, description: 'Comma-separated priorities.', example: ['P1', 'P2'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(Priority, { each: true })
  priority?: Priority[];

  @ApiPropertyOptional({ example: 'network-ops' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  assignmentGroup?: string;

  @ApiPropertyOptional({ example: 'sam' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  assigneeId?: string;

  @ApiPropertyOptional({ example: 'alice' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  callerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  ciId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  serviceId?: string;

  @ApiPropertyOptional({ example: 'network' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ type: Boolean })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  major?: boolean;

  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalNotNull()
  @IsInstant()
  createdFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalNotNull()
  @IsInstant()
  createdTo?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalNotNull()
  @IsInstant()
  updatedFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalNotNull()
  @IsInstant()
  updatedTo?: string;

  @ApiPropertyOptional({ description: 'Words to find in title or description (web-search syntax: "quoted phrase", -excluded, or).', example: 'vpn disconnect' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ enum: INCIDENT_SORTS, default: '-createdAt', description: 'Sort field; `-` for descending.' })
  @OptionalNotNull()
  @IsIn(INCIDENT_SORTS)
  sort?: IncidentSort;
}

export class ListIncidentsRequest extends IncidentFilters {}

/** Filters of `GET /v1/incidents/counts`: those of the list, without paging or sort (a count has neither). */
export class CountIncidentsRequest extends OmitType(IncidentFilters, ['limit', 'cursor', 'sort'] as const) {}

/** A short reference to another incident. */
export class IncidentRef {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'INC0001001' })
  @IsString()
  number!: string;

  @ApiProperty({ example: 'VPN drops every 10 minutes' })
  @IsString()
  title!: string;

  @ApiProperty({ enum: IncidentState, enumName: 'IncidentState' })
  @IsEnum(IncidentState)
  state!: IncidentState;
}

/** A knowledge article suggested for an incident, as the knowledge service last suggested it. */
export class SuggestedArticle {
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
}

/** An incident as the API and subscribers see it. */
export class IncidentView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'INC0001001' })
  @IsString()
  @Matches(/^INC\d{7,}$/)
  number!: string;

  @ApiProperty({ example: 'VPN drops every 10 minutes' })
  @IsString()
  title!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Since 9:00 on floor 3.' })
  @IsOptional()
  @IsString()
  description!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'network' })
  @IsOptional()
  @IsString()
  category!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'vpn' })
  @IsOptional()
  @IsString()
  subcategory!: string | null;

  @ApiProperty(IMPACT_DOC)
  @IsInt()
  @IsIn([1, 2, 3])
  impact!: Impact;

  @ApiProperty(URGENCY_DOC)
  @IsInt()
  @IsIn([1, 2, 3])
  urgency!: Urgency;

  @ApiProperty({ enum: Priority, enumName: 'Priority', description: 'From the impact × urgency matrix unless `priorityOverridden`.' })
  @IsEnum(Priority)
  priority!: Priority;

  @ApiProperty({ description: 'The priority was set by hand (the reason is in the history).', example: false })
  @IsBoolean()
  priorityOverridden!: boolean;

  @ApiProperty({ enum: IncidentState, enumName: 'IncidentState' })
  @IsEnum(IncidentState)
  state!: IncidentState;

  @ApiProperty({ enum: HoldReason, enumName: 'HoldReason', nullable: true })
  @IsOptional()
  @IsEnum(HoldReason)
  holdReason!: HoldReason | null;

  @ApiProperty({ enum: ResolutionCode, enumName: 'ResolutionCode', nullable: true })
  @IsOptional()
  @IsEnum(ResolutionCode)
  resolutionCode!: ResolutionCode | null;

  @ApiProperty({ nullable: true, type: String, example: 'Replaced the faulty switch port.' })
  @IsOptional()
  @IsString()
  resolutionNotes!: string | null;

  @ApiProperty({ description: 'The user the incident is for (`sub`).', example: 'alice' })
  @IsString()
  callerId!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Alice Smith' })
  @IsOptional()
  @IsString()
  callerName!: string | null;

  @ApiPropertyOptional({ type: [String], example: ['vip'], description: 'Groups of the caller when the incident was opened (their token’s `groups`, or given by the agent who logged it); SLA policies can match on them.' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  callerGroups?: string[];

  @ApiProperty({ description: 'Who logged it (`sub`): the caller, or an agent on their behalf.', example: 'alice' })
  @IsString()
  openedById!: string;

  @ApiProperty({ enum: Channel, enumName: 'Channel' })
  @IsEnum(Channel)
  channel!: Channel;

  @ApiProperty({ nullable: true, type: String, example: 'network-ops' })
  @IsOptional()
  @IsString()
  assignmentGroup!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'sam' })
  @IsOptional()
  @IsString()
  assigneeId!: string | null;

  @ApiProperty({ description: 'Times the group or assignee changed after the first assignment.', example: 1 })
  @IsInt()
  @Min(0)
  reassignmentCount!: number;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: 'd0ff59f8-80ee-444b-823c-8edf928a2d68' })
  @IsOptional()
  @IsUUID()
  serviceId!: string | null;

  @ApiProperty({ type: [String], format: 'uuid', example: ['8b873a96-f345-48b5-8323-930b69297417'] })
  @IsArray()
  @IsUUID('all', { each: true })
  ciIds!: string[];

  @ApiProperty({ example: false })
  @IsBoolean()
  major!: boolean;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: 'bfa030fe-63ba-4d52-bdd7-0a76cfaed98a' })
  @IsOptional()
  @IsUUID()
  parentId!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The problem the incident is linked to: set and cleared only by linking it on the problem (`POST /v1/problems/{id}/incidents`).',
    example: 'ab31c9ba-beb4-4ed4-ab10-984962608a12',
  })
  @IsOptional()
  @IsUUID()
  problemId!: string | null;

  @ApiProperty({ type: [String], format: 'uuid', example: ['165610b6-637a-4722-adbf-a9a94bedbc1d'] })
  @IsArray()
  @IsUUID('all', { each: true })
  changeIds!: string[];

  @ApiProperty({
    type: [SuggestedArticle],
    description:
      'Up to five published knowledge articles that may help, best first, as the knowledge service last suggested them for the incident’s title, description, category and CIs (`knowledge.suggested`); empty until it has. Updating them does not change the incident’s version.',
  })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SuggestedArticle)
  suggestedArticles!: SuggestedArticle[];

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'Set when merged into another incident as a duplicate.', example: '2e6d686e-97d3-4dd7-9fa7-d8d32a9c9de4' })
  @IsOptional()
  @IsUUID()
  mergedIntoId!: string | null;

  @ApiProperty({ example: 0 })
  @IsInt()
  @Min(0)
  reopenCount!: number;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  openedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'First response by an agent: assignee set, work started or a comment to the caller.', example: '2026-03-02T09:42:00.000Z' })
  @IsOptional()
  @IsInstant()
  respondedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-03T11:20:00.000Z' })
  @IsOptional()
  @IsInstant()
  resolvedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-04T16:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  closedAt!: string | null;

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

/** Reply of create: the incident, and open incidents it may duplicate (same category and CI, recently opened). */
export class CreatedIncidentView extends IncidentView {
  @ApiProperty({ type: [IncidentRef], description: 'Possible duplicates; nothing is merged automatically (use the `merged` transition).' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IncidentRef)
  possibleDuplicates!: IncidentRef[];
}

export const IncidentPage = PageOf(() => IncidentView, 'IncidentPage');
export type IncidentPage = Page<IncidentView>;

export class IncidentCounts {
  @ApiProperty({ description: 'Incidents matching the filters (the state filter is ignored).', example: 42 })
  @IsInt()
  total!: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { new: 4, in_progress: 7, on_hold: 1, resolved: 2, closed: 30, canceled: 0, merged: 1 } })
  @Allow()
  byState!: Record<IncidentState, number>;
}

export class CommentView extends CommentFields {
  @ApiProperty({ format: 'uuid', example: '281fe83c-4da6-44b2-b4d0-d637a88cadf2' })
  @IsUUID()
  incidentId!: string;
}

export const CommentList = ListOf(() => CommentView, 'CommentList');
export type CommentList = { items: CommentView[] };

/** One changed field: its value before and after. */
export class FieldChange {
  @ApiProperty({ example: 'priority' })
  @IsString()
  field!: string;

  @ApiProperty({ ...ANY_JSON_VALUE, description: 'The value before the change: any JSON value (string, number, boolean, array, object or null).', example: 'P3' })
  @Allow()
  from!: unknown;

  @ApiProperty({ ...ANY_JSON_VALUE, description: 'The value after the change: any JSON value (string, number, boolean, array, object or null).', example: 'P1' })
  @Allow()
  to!: unknown;
}

export class HistoryEntry {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;

  @ApiProperty({ nullable: true, type: String, description: 'Who (`sub`); `system` for automatic changes.', example: 'sam' })
  @IsOptional()
  @IsString()
  actorId!: string | null;

  @ApiProperty({ example: 'updated', description: 'created, updated, state_changed, comment_added, major_declared, escalated, …' })
  @IsString()
  action!: string;

  @ApiProperty({ type: [FieldChange] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FieldChange)
  changes!: FieldChange[];

  @ApiPropertyOptional({ type: CommentView, description: 'The comment, for `comment_added`.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CommentView)
  comment?: CommentView;
}

export const IncidentHistory = ListOf(() => HistoryEntry, 'IncidentHistory');
export type IncidentHistory = { items: HistoryEntry[] };

