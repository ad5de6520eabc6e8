import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Role } from '../actor';
import { INSTANT_EXAMPLE, IsInstant } from '../field-rules';
import { AddCommentDto, FieldChange } from '../incident/incident.dto';
import { type Page, ListOf, PageOf, PageRequest } from '../paging';
import { CommaList, OptionalNotNull } from '../transforms';
import { CHANGE_SORTS, ChangeApprovalState, ChangeOutcome, ChangeSort, ChangeState, ChangeType, ChangeVote, ChangeWindowKind, ConflictKind, RiskLevel } from './change.enums';
import { CommentFields } from '../comments';

/** An assignment group, the same shape as on incidents and problems. */
export const CHANGE_LABEL_PATTERN = /^[\w .:/@-]{1,100}$/u;
export const CHANGE_LABEL_MESSAGE = 'must be 1 to 100 letters, digits, spaces or . : / @ - _';
/** Longest description or justification. */
export const MAX_CHANGE_TEXT = 10000;
/** Longest implementation, backout or test plan. */
export const MAX_CHANGE_PLAN = 20000;
/** Most CIs one change touches. */
export const MAX_CHANGE_CIS = 100;
/** Most incidents, or problems, one change names. */
export const MAX_CHANGE_LINKS = 50;
export const CHANGE_NUMBER = /^CHG\d{7,}$/;

const CI_IDS_DOC =
  'The configuration items the change touches: 1 to 100 for a normal or emergency change (none is refused with 400 naming `ciIds`); for a standard change all of a class its template allows (else 422 `CHANGE_CI_CLASS_NOT_ALLOWED` naming them). Ids the CMDB does not know are refused with 422 `CHANGE_UNKNOWN_CIS` listing them.';
const PLANNED_START_DOC = 'When implementation may begin: an instant with its offset from UTC.';
const PLANNED_END_DOC =
  'When implementation must be done: after `plannedStart` (else 400 naming `plannedEnd`); for a standard change at most the template’s `maxDurationMinutes` after it (else 422 `CHANGE_WINDOW_TOO_LONG`).';

/** Body of `POST /v1/changes`. */
export class CreateChangeDto {
  @ApiProperty({
    enum: ChangeType,
    enumName: 'ChangeType',
    example: ChangeType.Normal,
    description: '`standard` needs `templateId` (its plans come from the template); `normal` and `emergency` take none (400 naming `templateId`).',
  })
  @IsEnum(ChangeType)
  type!: ChangeType;

  @ApiPropertyOptional({ format: 'uuid', description: 'The template of a standard change (404 `CHANGE_TEMPLATE_NOT_FOUND` when there is none; 422 `CHANGE_TEMPLATE_DISABLED` when disabled).' })
  @OptionalNotNull()
  @IsUUID()
  templateId?: string;

  @ApiProperty({ minLength: 3, maxLength: 200, example: 'Upgrade the VPN gateway firmware to 9.4' })
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_TEXT, default: '', example: 'Firmware 9.4 enlarges the session table to 4096 tunnels.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_TEXT)
  description?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_TEXT, default: '', description: 'Why the change is needed.', example: 'Fixes PRB0001001: tunnels drop above 256 users.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_TEXT)
  justification?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_PLAN, default: '', description: 'How it is done; a standard change takes its template’s (a value given here is ignored).', example: '1. Drain vpn1. 2. Flash 9.4. 3. Reboot.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_PLAN)
  implementationPlan?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_PLAN, default: '', description: 'How it is undone; a standard change takes its template’s.', example: 'Flash 9.3 from the backup partition.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_PLAN)
  backoutPlan?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_PLAN, default: '', description: 'How success is checked; a standard change takes its template’s.', example: 'Connect 300 test clients.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_PLAN)
  testPlan?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_CHANGE_CIS, default: [], description: CI_IDS_DOC })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_CHANGE_CIS)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE, description: PLANNED_START_DOC })
  @IsInstant()
  plannedStart!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-02T11:30:00Z', description: PLANNED_END_DOC })
  @IsInstant()
  plannedEnd!: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, pattern: CHANGE_LABEL_PATTERN.source, example: 'network-ops' })
  @OptionalNotNull()
  @Matches(CHANGE_LABEL_PATTERN, { message: `$property ${CHANGE_LABEL_MESSAGE}` })
  assignmentGroup?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'The agent (`sub`) who implements the change.', example: 'sam' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  implementerId?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_CHANGE_LINKS, default: [], description: 'Incidents the change answers.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_CHANGE_LINKS)
  @IsUUID('all', { each: true })
  incidentIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_CHANGE_LINKS, default: [], description: 'Problems the change fixes.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_CHANGE_LINKS)
  @IsUUID('all', { each: true })
  problemIds?: string[];
}

/** `itsm.rpc.change.create`: the body plus the client's `Idempotency-Key`; `requestedBy` is the caller. */
export class CreateChangeRequest extends CreateChangeDto {
  @OptionalNotNull()
  @IsString()
  @Length(1, 255)
  idempotencyKey?: string;
}

/**
 * Body of `PATCH /v1/changes/{id}`: only the fields given change; `null` clears a clearable field. The type and
 * template are fixed at creation, the state changes only through transitions. Changing `ciIds` or the window
 * before implementation recomputes the risk (and the impact set the schedule check uses).
 */
export class UpdateChangeDto {
  @ApiPropertyOptional({ minLength: 3, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(3, 200)
  title?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_TEXT, description: 'An empty string clears it.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_TEXT)
  description?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_TEXT, description: 'An empty string clears it.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_TEXT)
  justification?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_PLAN, description: 'An empty string clears it.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_PLAN)
  implementationPlan?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_PLAN, description: 'An empty string clears it.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_PLAN)
  backoutPlan?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_PLAN, description: 'An empty string clears it.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_PLAN)
  testPlan?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_CHANGE_CIS, description: `Replaces the CIs. ${CI_IDS_DOC}` })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_CHANGE_CIS)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiPropertyOptional({ format: 'date-time', example: INSTANT_EXAMPLE, description: PLANNED_START_DOC })
  @OptionalNotNull()
  @IsInstant()
  plannedStart?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-02T11:30:00Z', description: `${PLANNED_END_DOC} Checked against the window as it is after the update.` })
  @OptionalNotNull()
  @IsInstant()
  plannedEnd?: string;

  @ApiPropertyOptional({ nullable: true, type: String, minLength: 1, maxLength: 100, pattern: CHANGE_LABEL_PATTERN.source, example: 'network-ops' })
  @IsOptional()
  @Matches(CHANGE_LABEL_PATTERN, { message: `$property ${CHANGE_LABEL_MESSAGE}` })
  assignmentGroup?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, minLength: 1, maxLength: 200, example: 'sam' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  implementerId?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_CHANGE_LINKS, description: 'Replaces the incidents.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_CHANGE_LINKS)
  @IsUUID('all', { each: true })
  incidentIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_CHANGE_LINKS, description: 'Replaces the problems.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_CHANGE_LINKS)
  @IsUUID('all', { each: true })
  problemIds?: string[];
}

/** A command on one existing change, optionally based on a known version (`If-Match`). */
export class ChangeCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class UpdateChangeRequest extends ChangeCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateChangeDto)
  changes!: UpdateChangeDto;
}

/** A manager's decision to schedule a change despite the conflicts the schedule check found. */
export class ConflictOverrideDto {
  @ApiProperty({ minLength: 3, maxLength: 2000, description: 'Why the conflicts are acceptable.', example: 'Both changes are run by the same team in one session.' })
  @IsString()
  @Length(3, 2000)
  reason!: string;
}

/** Body of `POST /v1/changes/{id}/transitions`: the target state and what that state needs. */
export class TransitionChangeDto {
  @ApiProperty({
    enum: ChangeState,
    enumName: 'ChangeState',
    example: ChangeState.Assess,
    description:
      'new → assess (computes the risk) → authorize (requests approval) → scheduled (runs the schedule check) → implement (only inside the planned window unless emergency, else 409 `CHANGE_OUTSIDE_WINDOW`) → review (needs `outcome`) → closed. A standard change goes new → scheduled. canceled from new, assess, authorize or scheduled (needs `reason`); rejected from new, assess or authorize (managers, needs `reason`; else 403 `CHANGE_REJECT_FORBIDDEN`). A move the state machine does not have answers 409 `CHANGE_INVALID_TRANSITION` with the allowed targets in `details.allowed`.',
  })
  @IsEnum(ChangeState)
  to!: ChangeState;

  @ApiPropertyOptional({ minLength: 3, maxLength: 2000, description: 'Required to cancel or reject (else 422 `CHANGE_REASON_REQUIRED`); otherwise optional.', example: 'Superseded by CHG0001042.' })
  @OptionalNotNull()
  @IsString()
  @Length(3, 2000)
  reason?: string;

  @ApiPropertyOptional({ enum: ChangeOutcome, enumName: 'ChangeOutcome', description: 'Required to move to `review` (else 422 `CHANGE_OUTCOME_REQUIRED`); refused on any other move (422 `CHANGE_TRANSITION_FIELDS_INVALID`).' })
  @OptionalNotNull()
  @IsEnum(ChangeOutcome)
  outcome?: ChangeOutcome;

  @ApiPropertyOptional({ type: Boolean, description: 'Whether the backout plan was run: required with outcome `failed` (else 422 `CHANGE_OUTCOME_REQUIRED` naming it); taken only on the move to `review`.' })
  @OptionalNotNull()
  @IsBoolean()
  backoutPerformed?: boolean;

  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_CHANGE_TEXT, description: 'What the review found; taken on the move to `closed` (optional there) and refused on any other move.', example: 'Done in 40 minutes; no user noticed.' })
  @OptionalNotNull()
  @IsString()
  @Length(1, MAX_CHANGE_TEXT)
  reviewNotes?: string;

  @ApiPropertyOptional({ type: ConflictOverrideDto, description: 'Schedule despite conflicts (move to `scheduled` only; managers and admins, else 403 `CHANGE_OVERRIDE_FORBIDDEN`). Recorded as the change’s `conflictOverride`.' })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => ConflictOverrideDto)
  override?: ConflictOverrideDto;
}

/**
 * `itsm.rpc.change.transition`: open to agents; rejecting and overriding conflicts are checked by the service to
 * come from a manager or an admin (403 `CHANGE_REJECT_FORBIDDEN`, `CHANGE_OVERRIDE_FORBIDDEN`), as one RPC serves every move.
 */
export class TransitionChangeRequest extends ChangeCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => TransitionChangeDto)
  transition!: TransitionChangeDto;
}

/** `itsm.rpc.change.add_comment`: a comment (`public`) or work note (`internal`); only agents and the CAB see changes either way. */
export class AddChangeCommentRequest extends ChangeCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => AddCommentDto)
  comment!: AddCommentDto;
}

export class GetChangeRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** Body of `POST /v1/changes/{id}/approvals`: a vote by a holder of the policy's role, or by a delegate on a holder's behalf. */
export class ChangeVoteDto {
  @ApiProperty({ enum: ChangeVote, enumName: 'ChangeVote', example: ChangeVote.Approve, description: 'Any `reject` vetoes: the change goes back to `new` with the rejection recorded.' })
  @IsEnum(ChangeVote)
  decision!: ChangeVote;

  @ApiPropertyOptional({ minLength: 1, maxLength: 2000, example: 'Backout plan is sound.' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 2000)
  comment?: string;
}

/**
 * `itsm.rpc.change.approval_vote`: the change must be in `authorize` with a pending approval (409
 * `CHANGE_NOT_AWAITING_APPROVAL`); the caller must hold the policy's role or be a delegate (403
 * `CHANGE_APPROVER_ROLE_REQUIRED`) and not have voted (409 `CHANGE_ALREADY_VOTED`).
 */
export class ChangeVoteRequest extends ChangeCommand {
  @IsEnum(ChangeVote)
  decision!: ChangeVote;

  @OptionalNotNull()
  @IsString()
  @Length(1, 2000)
  comment?: string;
}

/** Body of `POST /v1/changes/{id}/approvals/delegate`: let another user vote once on the caller's behalf. */
export class DelegateApprovalDto {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'The delegate (`sub`); they need not hold the role.', example: 'alex' })
  @IsString()
  @Length(1, 200)
  to!: string;
}

/** `itsm.rpc.change.approval_delegate`: by a holder of the policy's role (403 `CHANGE_APPROVER_ROLE_REQUIRED`) who has not voted, while the approval is pending. */
export class DelegateApprovalRequest extends ChangeCommand {
  @IsString()
  @Length(1, 200)
  to!: string;
}

/** Filters of `GET /v1/changes`, a page at a time. Lists take comma-separated values. */
export class ChangeFilters extends PageRequest {
  @ApiPropertyOptional({ type: [String], enum: ChangeState, description: 'Comma-separated states.', example: ['authorize', 'scheduled'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(ChangeState, { each: true })
  state?: ChangeState[];

  @ApiPropertyOptional({ type: [String], enum: ChangeType, description: 'Comma-separated types.', example: ['emergency'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(ChangeType, { each: true })
  type?: ChangeType[];

  @ApiPropertyOptional({ type: [String], enum: RiskLevel, description: 'Comma-separated risk levels; a change not yet assessed has none and matches none.', example: ['high', 'very_high'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(RiskLevel, { each: true })
  riskLevel?: RiskLevel[];

  @ApiPropertyOptional({ maxLength: 100, example: 'network-ops' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  assignmentGroup?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'sam' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  implementerId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Changes touching this CI.' })
  @OptionalNotNull()
  @IsUUID()
  ciId?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-01T00:00:00Z', description: 'Changes whose planned window ends after this instant.' })
  @OptionalNotNull()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T00:00:00Z', description: 'Changes whose planned window starts before this instant; with `from`, the windows overlapping [from, to).' })
  @OptionalNotNull()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Words to find in the title or the description (web-search syntax: "quoted phrase", -excluded, or).', example: 'vpn firmware' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ enum: CHANGE_SORTS, default: '-createdAt', description: 'Sort field; `-` for descending.' })
  @OptionalNotNull()
  @IsIn(CHANGE_SORTS)
  sort?: ChangeSort;
}

export class ListChangesRequest extends ChangeFilters {}

/** One input of the risk score: its value, its weight and the points it gave. */
export class RiskFactor {
  @ApiProperty({ example: 'ci_criticality', description: 'ci_criticality, service_count, service_criticality, change_type, business_hours, ci_count, window_hours, failure_rate, …' })
  @IsString()
  name!: string;

  @ApiProperty({ example: 1, description: 'The input as measured (a criticality, a count, hours, a rate).' })
  @IsNumber()
  value!: number;

  @ApiProperty({ example: 20, description: 'The most points this factor can give (`CHANGE_RISK_WEIGHTS`).' })
  @IsNumber()
  weight!: number;

  @ApiProperty({ example: 20, description: 'The points it gave, from 0 to `weight`.' })
  @IsNumber()
  points!: number;

  @ApiProperty({ example: 'Most critical CI: vpn1 (criticality 1)' })
  @IsString()
  detail!: string;
}

/** The risk of a change as last assessed: on the move to `assess`, and again when its CIs or window change before implementation. */
export class ChangeRisk {
  @ApiProperty({ enum: RiskLevel, enumName: 'RiskLevel' })
  @IsEnum(RiskLevel)
  level!: RiskLevel;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, example: 62, description: 'The sum of the factors’ points, scaled to 0–100; more impact never lowers it.' })
  @IsInt()
  @Min(0)
  @Max(100)
  score!: number;

  @ApiProperty({ type: [RiskFactor] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RiskFactor)
  factors!: RiskFactor[];

  @ApiProperty({ format: 'date-time', example: '2026-03-09T09:58:00.000Z' })
  @IsInstant()
  assessedAt!: string;
}

export class ChangeApprovalVote {
  @ApiProperty({ description: 'Who voted (`sub`).', example: 'morgan' })
  @IsString()
  approverId!: string;

  @ApiProperty({ nullable: true, type: String, description: 'The role holder a delegate voted for; null for a vote in one’s own name.', example: null })
  @IsOptional()
  @IsString()
  onBehalfOf!: string | null;

  @ApiProperty({ enum: ChangeVote, enumName: 'ChangeVote' })
  @IsEnum(ChangeVote)
  decision!: ChangeVote;

  @ApiProperty({ nullable: true, type: String, example: 'Backout plan looks sound.' })
  @IsOptional()
  @IsString()
  comment!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;
}

export class ChangeApprovalDelegation {
  @ApiProperty({ description: 'The role holder who delegated (`sub`).', example: 'morgan' })
  @IsString()
  from!: string;

  @ApiProperty({ description: 'The delegate (`sub`), who may vote once on their behalf.', example: 'alex' })
  @IsString()
  to!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;
}

/** The approval a change needs, by the policy for its type and risk level (`CHANGE_APPROVAL_POLICIES`), and the votes so far. */
export class ChangeApproval {
  @ApiProperty({ example: 'cab', description: 'The policy’s name, e.g. `manager`, `cab`, `ecab`.' })
  @IsString()
  policy!: string;

  @ApiProperty({ enum: Role, enumName: 'Role', example: Role.Cab, description: 'The role an approver must hold.' })
  @IsEnum(Role)
  role!: Role;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2, description: 'Approve votes of distinct approvers needed.' })
  @IsInt()
  @Min(1)
  quorum!: number;

  @ApiProperty({ enum: ChangeApprovalState, enumName: 'ChangeApprovalState' })
  @IsEnum(ChangeApprovalState)
  state!: ChangeApprovalState;

  @ApiProperty({ type: [ChangeApprovalVote] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeApprovalVote)
  votes!: ChangeApprovalVote[];

  @ApiProperty({ type: [ChangeApprovalDelegation] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeApprovalDelegation)
  delegations!: ChangeApprovalDelegation[];

  @ApiProperty({ format: 'date-time', example: '2026-03-09T10:00:00.000Z' })
  @IsInstant()
  requestedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the quorum was met or a reject vote vetoed; null while pending.', example: '2026-03-10T14:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  decidedAt!: string | null;
}

/** Something the change's window collides with: another change, a blackout occurrence, or a maintenance window it does not fit in. */
export class ChangeConflict {
  @ApiProperty({ enum: ConflictKind, enumName: 'ConflictKind' })
  @IsEnum(ConflictKind)
  kind!: ConflictKind;

  @ApiProperty({ format: 'uuid', description: 'The other change, the blackout window or the maintenance window.', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'CHG0001042', description: 'The other change’s number, or the window’s name.' })
  @IsString()
  name!: string;

  @ApiProperty({ format: 'date-time', description: 'Start of the other change’s window or of the window occurrence.', example: '2026-03-01T00:00:00.000Z' })
  @IsInstant()
  from!: string;

  @ApiProperty({ format: 'date-time', description: 'End of the other change’s window or of the window occurrence.', example: '2026-04-01T00:00:00.000Z' })
  @IsInstant()
  to!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The CIs of this change involved (all of them for a global blackout).', example: ['24012e21-1af9-420b-a2d3-bc7985f94264'] })
  @IsArray()
  @IsUUID('all', { each: true })
  ciIds!: string[];

  @ApiProperty({ example: 'CHG0001042 touches vpn1 from 09:00 to 10:00' })
  @IsString()
  detail!: string;
}

/** A manager's decision to schedule a change despite conflicts, as recorded. */
export class ConflictOverride {
  @ApiProperty({ example: 'The overlap is on a read replica only; accepted by the CAB.' })
  @IsString()
  reason!: string;

  @ApiProperty({ description: 'Who overrode (`sub`).', example: 'morgan' })
  @IsString()
  by!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;
}

/** A change request as the API and subscribers see it. */
export class ChangeView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'CHG0001001' })
  @IsString()
  @Matches(CHANGE_NUMBER)
  number!: string;

  @ApiProperty({ enum: ChangeType, enumName: 'ChangeType' })
  @IsEnum(ChangeType)
  type!: ChangeType;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The template of a standard change; null otherwise.', example: '3200a31f-c05d-44e9-95a0-465c36822e2f' })
  @IsOptional()
  @IsUUID()
  templateId!: string | null;

  @ApiProperty({ example: 'Upgrade the VPN gateway firmware to 9.4' })
  @IsString()
  title!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'Upgrade the payments database from PostgreSQL 15 to 16.' })
  @IsString()
  description!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'The certificate expires tonight.' })
  @IsString()
  justification!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'Apply the new configuration and restart the pods one at a time.' })
  @IsString()
  implementationPlan!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'Roll the deployment back to the previous image.' })
  @IsString()
  backoutPlan!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'Check the health endpoint and one test payment.' })
  @IsString()
  testPlan!: string;

  @ApiProperty({ type: [String], format: 'uuid', example: ['a11ad18f-9d76-4702-b0ee-989782c039a9'] })
  @IsArray()
  @IsUUID('all', { each: true })
  ciIds!: string[];

  @ApiProperty({ format: 'date-time', example: '2026-03-14T22:00:00.000Z' })
  @IsInstant()
  plannedStart!: string;

  @ApiProperty({ format: 'date-time', description: 'After `plannedStart`.', example: '2026-03-15T02:00:00.000Z' })
  @IsInstant()
  plannedEnd!: string;

  @ApiProperty({ nullable: true, type: String, example: 'network-ops' })
  @IsOptional()
  @IsString()
  assignmentGroup!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'sam' })
  @IsOptional()
  @IsString()
  implementerId!: string | null;

  @ApiProperty({ description: 'Who raised it (`sub`).', example: 'sam' })
  @IsString()
  requestedBy!: string;

  @ApiProperty({ type: [String], format: 'uuid', example: ['85113ee2-80f4-4f01-b1f5-575819bd9a90'] })
  @IsArray()
  @IsUUID('all', { each: true })
  incidentIds!: string[];

  @ApiProperty({ type: [String], format: 'uuid', example: ['afc054eb-c29a-4ed1-a173-44c39ea84a99'] })
  @IsArray()
  @IsUUID('all', { each: true })
  problemIds!: string[];

  @ApiProperty({ enum: ChangeState, enumName: 'ChangeState' })
  @IsEnum(ChangeState)
  state!: ChangeState;

  @ApiProperty({ type: ChangeRisk, nullable: true, description: 'Null until assessed (on the move to `assess`; a standard change is never assessed).' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeRisk)
  risk!: ChangeRisk | null;

  @ApiProperty({ type: ChangeApproval, nullable: true, description: 'Null until approval is requested (on the move to `authorize`); a rejection keeps it, state `rejected`, until approval is requested again.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeApproval)
  approval!: ChangeApproval | null;

  @ApiProperty({ type: [ChangeConflict], description: 'The conflicts as last checked; empty when none (or never checked).' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeConflict)
  conflicts!: ChangeConflict[];

  @ApiProperty({ type: ConflictOverride, nullable: true, description: 'Set when a manager scheduled the change despite conflicts.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConflictOverride)
  conflictOverride!: ConflictOverride | null;

  @ApiProperty({ enum: ChangeOutcome, enumName: 'ChangeOutcome', nullable: true, description: 'Set on the move to `review`.' })
  @IsOptional()
  @IsEnum(ChangeOutcome)
  outcome!: ChangeOutcome | null;

  @ApiProperty({ nullable: true, type: Boolean, description: 'Whether the backout plan was run; set on the move to `review`.', example: false })
  @IsOptional()
  @IsBoolean()
  backoutPerformed!: boolean | null;

  @ApiProperty({ nullable: true, type: String, example: 'Checked against the current client version.' })
  @IsOptional()
  @IsString()
  reviewNotes!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it was canceled or rejected; null otherwise.', example: 'Superseded by the March release.' })
  @IsOptional()
  @IsString()
  cancelReason!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-14T22:05:00.000Z' })
  @IsOptional()
  @IsInstant()
  implementationStartedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When it moved to `review` (implementation done).', example: '2026-03-15T01:10:00.000Z' })
  @IsOptional()
  @IsInstant()
  implementedAt!: string | null;

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

export const ChangePage = PageOf(() => ChangeView, 'ChangePage');
export type ChangePage = Page<ChangeView>;

/** The result of `GET /v1/changes/{id}/conflicts`: the schedule check run now (and recorded as the change's `conflicts`). */
export class ChangeConflictCheck {
  @ApiProperty({ format: 'uuid', example: 'a3efa87d-370f-4ba8-b640-1a6a95e7614f' })
  @IsUUID()
  changeId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-14T21:55:00.000Z' })
  @IsInstant()
  checkedAt!: string;

  @ApiProperty({ type: [ChangeConflict], description: 'Empty when the window is clear.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeConflict)
  conflicts!: ChangeConflict[];
}

/** Whether a pipeline may deploy now, and if not, why. */
export class GateAnswer {
  @ApiProperty({ example: false })
  @IsBoolean()
  allowed!: boolean;

  @ApiProperty({ type: [String], description: 'Why not; empty when allowed.', example: ['now is outside the planned window (2026-11-02T09:30:00Z – 2026-11-02T11:30:00Z)'] })
  @IsArray()
  @IsString({ each: true })
  reasons!: string[];

  @ApiProperty({ format: 'date-time', description: 'The instant the answer is for.', example: '2026-03-14T21:55:00.000Z' })
  @IsInstant()
  checkedAt!: string;
}

/** `?from=&to=` of the change calendar: changes and window occurrences overlapping [from, to), at most 366 days. */
export class ChangeCalendarQuery {
  @ApiProperty({ format: 'date-time', example: '2026-11-01T00:00:00Z', description: 'Start (inclusive).' })
  @IsInstant()
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T00:00:00Z', description: 'End (exclusive); after `from` and at most 366 days later (else 400 naming `to`).' })
  @IsInstant()
  to!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only changes touching this CI, and windows covering it (global blackouts always).' })
  @OptionalNotNull()
  @IsUUID()
  ciId?: string;
}

/** One occurrence of a blackout or maintenance window, as the calendar shows it. */
export class ChangeWindowOccurrence {
  @ApiProperty({ enum: ChangeWindowKind, enumName: 'ChangeWindowKind' })
  @IsEnum(ChangeWindowKind)
  kind!: ChangeWindowKind;

  @ApiProperty({ format: 'uuid', description: 'The blackout or maintenance window.', example: '1ef6110d-9a62-4e03-a2d6-00dc496d0d76' })
  @IsUUID()
  windowId!: string;

  @ApiProperty({ example: 'Year-end freeze' })
  @IsString()
  name!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-14T22:00:00.000Z' })
  @IsInstant()
  start!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-15T02:00:00.000Z' })
  @IsInstant()
  end!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The CIs (maintenance, blackout scope `ci`) or business services (blackout scope `service`) it covers; empty for a global blackout.', example: ['f94d52ee-2c7c-4daf-8250-fa39470f12de'] })
  @IsArray()
  @IsUUID('all', { each: true })
  targetIds!: string[];
}

/** The change calendar of a period: the changes scheduled or being implemented in it, and the window occurrences. */
export class ChangeCalendar {
  @ApiProperty({ format: 'date-time', example: '2026-03-01T00:00:00.000Z' })
  @IsInstant()
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-04-01T00:00:00.000Z' })
  @IsInstant()
  to!: string;

  @ApiProperty({ type: [ChangeView], description: 'Changes in scheduled, implement (or authorize with approval approved) whose planned window overlaps the period, by plannedStart.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeView)
  changes!: ChangeView[];

  @ApiProperty({ type: [ChangeWindowOccurrence], description: 'Blackout and maintenance window occurrences overlapping the period, by start.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeWindowOccurrence)
  windows!: ChangeWindowOccurrence[];
}

/** The change calendar as iCalendar text, one VEVENT per change and window occurrence (`GET /v1/changes/calendar.ics`, `text/calendar`). */
export class ChangeCalendarIcs {
  @ApiProperty({ example: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\n…\r\nEND:VCALENDAR\r\n' })
  @IsString()
  ics!: string;
}

export class ChangeCommentView extends CommentFields {
  @ApiProperty({ format: 'uuid', example: 'a3efa87d-370f-4ba8-b640-1a6a95e7614f' })
  @IsUUID()
  changeId!: string;
}

export const ChangeCommentList = ListOf(() => ChangeCommentView, 'ChangeCommentList');
export type ChangeCommentList = { items: ChangeCommentView[] };

export class ChangeHistoryEntry {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;

  @ApiProperty({ nullable: true, type: String, description: 'Who (`sub`); `system` for automatic changes (scheduling on approval, risk reassessment).', example: 'sam' })
  @IsOptional()
  @IsString()
  actorId!: string | null;

  @ApiProperty({
    example: 'updated',
    description: 'created, updated, state_changed, comment_added, risk_assessed, approval_requested, voted, delegated, approved, rejected, conflicts_checked, conflict_overridden, …',
  })
  @IsString()
  action!: string;

  @ApiProperty({ type: [FieldChange] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FieldChange)
  changes!: FieldChange[];

  @ApiPropertyOptional({ type: ChangeCommentView, description: 'The comment, for `comment_added`.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeCommentView)
  comment?: ChangeCommentView;
}

export const ChangeHistory = ListOf(() => ChangeHistoryEntry, 'ChangeHistory');
export type ChangeHistory = { items: ChangeHistoryEntry[] };
