import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { HoldReason, Priority } from '../incident/incident.enums';
import { ListOf } from '../paging';
import { RecordStamps, VersionedCommand } from '../records';
import { OptionalNotNull, QueryBoolean } from '../transforms';
import { ALWAYS_CALENDAR_ID, CALENDAR_ID, LowerCaseCalendarId } from './calendar.dto';
import { type BusinessDuration, IsBusinessDuration } from './duration';
import { SLA_KINDS, SLA_METRICS, SLA_TICKET_TYPES, type SlaKind, type SlaMetric, type SlaTicketType } from './sla.dto';

/**
 * Which tickets a policy applies to. Every condition given must hold (AND); within one condition any listed
 * value matches (OR). A condition left out matches everything.
 */
export class PolicyConditionsDto {
  @ApiPropertyOptional({ enum: SLA_TICKET_TYPES, isArray: true, example: ['incident'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SLA_TICKET_TYPES, { each: true })
  ticketTypes?: SlaTicketType[];

  @ApiPropertyOptional({ enum: Priority, enumName: 'Priority', isArray: true, example: ['P1', 'P2'], description: 'Incidents only.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsEnum(Priority, { each: true })
  priorities?: Priority[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Incidents whose affected service is one of these (CMDB ids).', example: ['7d1a790a-7382-4f20-983d-37ecbadec6f2'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  serviceIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Incidents that name one of these CIs.', example: ['b6323677-26c1-4ad0-82e8-a63df02bbf4e'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['vip'], description: 'Tickets whose caller (requester) belongs to one of these groups.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  callerGroups?: string[];

  @ApiPropertyOptional({ type: [String], example: ['network'], description: 'Incident categories.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  categories?: string[];

  @ApiPropertyOptional({ type: [String], example: ['service-desk'], description: 'Assignment groups; required for OLAs (the group the internal target is for).' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  assignmentGroups?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Service requests for one of these catalog items.', example: ['2943a3a8-f845-49b1-9910-c8971ae6e3f3'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  catalogItemIds?: string[];

  @ApiPropertyOptional({ description: 'Major incidents only (true) or never (false).', example: false })
  @OptionalNotNull()
  @IsBoolean()
  major?: boolean;
}

/** OpenAPI of a {@link BusinessDuration}: seconds, or ISO 8601 (`PT8H`). */
const BUSINESS_DURATION = { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string' }] };

/** Target durations per priority, overriding the default `duration`. */
export class PriorityDurationsDto {
  @ApiPropertyOptional({ ...BUSINESS_DURATION, example: 'PT1H' }) @OptionalNotNull() @IsBusinessDuration() P1?: BusinessDuration;
  @ApiPropertyOptional({ ...BUSINESS_DURATION, example: 'PT4H' }) @OptionalNotNull() @IsBusinessDuration() P2?: BusinessDuration;
  @ApiPropertyOptional({ ...BUSINESS_DURATION, example: 'PT8H' }) @OptionalNotNull() @IsBusinessDuration() P3?: BusinessDuration;
  @ApiPropertyOptional({ ...BUSINESS_DURATION, example: 'PT24H' }) @OptionalNotNull() @IsBusinessDuration() P4?: BusinessDuration;
  @ApiPropertyOptional({ ...BUSINESS_DURATION, example: 'PT40H' }) @OptionalNotNull() @IsBusinessDuration() P5?: BusinessDuration;
}

/** One metric of a policy: how long, on which calendar, what pauses it, when to warn. */
export class PolicyTargetDto {
  @ApiProperty({ enum: SLA_METRICS, description: '`response`: until the first agent response (assignee set, work started or a comment to the caller); `resolution`: until resolved (fulfilled).' })
  @IsIn(SLA_METRICS)
  metric!: SlaMetric;

  @ApiPropertyOptional({
    ...BUSINESS_DURATION,
    example: 'PT8H',
    description: 'Business time allowed: seconds or ISO 8601 (`PT8H`). Needed unless `durationByPriority` covers every priority a ticket can have.',
  })
  @OptionalNotNull()
  @IsBusinessDuration()
  duration?: BusinessDuration;

  @ApiPropertyOptional({ type: PriorityDurationsDto, description: 'Per-priority targets; a priority change re-targets a running clock.' })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => PriorityDurationsDto)
  durationByPriority?: PriorityDurationsDto;

  @ApiPropertyOptional({ default: ALWAYS_CALENDAR_ID, description: 'Business-hours calendar the time counts in.' })
  @OptionalNotNull()
  @LowerCaseCalendarId()
  @Matches(CALENDAR_ID, { message: '$property must be a calendar id (a UUID or 24x7)' })
  calendarId?: string;

  @ApiPropertyOptional({ type: [String], example: ['on_hold'], description: 'Ticket states in which the clock is paused (incident or request states).', default: [] })
  @OptionalNotNull()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  pauseStates?: string[];

  @ApiPropertyOptional({
    enum: HoldReason,
    enumName: 'HoldReason',
    isArray: true,
    example: ['awaiting_caller'],
    description: 'With `on_hold` among `pauseStates`: pause only for these hold reasons (default: any).',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayUnique()
  @IsEnum(HoldReason, { each: true })
  pauseHoldReasons?: HoldReason[];

  @ApiPropertyOptional({ type: [Number], example: [50, 75, 90], description: 'Warn when this percentage of the target has passed.', default: [] })
  @OptionalNotNull()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(99, { each: true })
  warnAt?: number[];
}

/** What an admin defines of an SLA or OLA policy. */
export class PolicyDefinitionDto {
  @ApiProperty({ example: 'Incidents: standard', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({ enum: SLA_KINDS, description: '`sla`: the promise to the customer; `ola`: an internal target of an assignment group.' })
  @IsIn(SLA_KINDS)
  kind!: SlaKind;

  @ApiPropertyOptional({ default: 100, description: 'Matching order: of the enabled policies of a kind, the first (lowest order) that matches a ticket applies.' })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  order?: number;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ type: PolicyConditionsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PolicyConditionsDto)
  conditions!: PolicyConditionsDto;

  @ApiProperty({ type: [PolicyTargetDto], description: 'At most one target per metric.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => PolicyTargetDto)
  targets!: PolicyTargetDto[];
}

/** Body of `POST /v1/sla/policies`. */
export class CreatePolicyDto extends PolicyDefinitionDto {}

export class PolicyIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** `PUT /v1/sla/policies/{id}`: the whole definition, optionally based on a known version (`If-Match`). */
export class UpdatePolicyRequest extends IntersectionType(PolicyDefinitionDto, VersionedCommand) {}

export class ListPoliciesRequest {
  @ApiPropertyOptional({ enum: SLA_KINDS })
  @OptionalNotNull()
  @IsIn(SLA_KINDS)
  kind?: SlaKind;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  enabled?: boolean;
}

/** A target as stored: durations in seconds, defaults filled in. */
export class PolicyTargetView {
  @ApiProperty({ enum: SLA_METRICS })
  @IsIn(SLA_METRICS)
  metric!: SlaMetric;

  @ApiProperty({ nullable: true, type: Number, example: 28800, description: 'Default target in business seconds.' })
  @IsOptional()
  @IsInt()
  durationSeconds!: number | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { P1: 3600, P2: 14400 }, description: 'Per-priority targets in business seconds.' })
  @IsObject()
  durationByPriority!: Partial<Record<Priority, number>>;

  @ApiProperty({ example: ALWAYS_CALENDAR_ID })
  @Matches(CALENDAR_ID)
  calendarId!: string;

  @ApiProperty({ type: [String], example: ['on_hold'] })
  @IsArray()
  @IsString({ each: true })
  pauseStates!: string[];

  @ApiProperty({ enum: HoldReason, enumName: 'HoldReason', isArray: true })
  @IsArray()
  @IsEnum(HoldReason, { each: true })
  pauseHoldReasons!: HoldReason[];

  @ApiProperty({ type: [Number], example: [50, 75, 90] })
  @IsArray()
  @IsInt({ each: true })
  warnAt!: number[];
}

export class PolicyView extends RecordStamps {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'P1 incidents, gold services' })
  @IsString()
  name!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Response within 15 minutes and resolution within 4 business hours.' })
  @IsOptional()
  @IsString()
  description!: string | null;

  @ApiProperty({ enum: SLA_KINDS })
  @IsIn(SLA_KINDS)
  kind!: SlaKind;

  @ApiProperty({ example: 1 })
  @IsInt()
  order!: number;

  @ApiProperty({ example: true })
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({ type: PolicyConditionsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PolicyConditionsDto)
  conditions!: PolicyConditionsDto;

  @ApiProperty({ type: [PolicyTargetView] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PolicyTargetView)
  targets!: PolicyTargetView[];
}

export const PolicyList = ListOf(() => PolicyView, 'PolicyList');
export type PolicyList = { items: PolicyView[] };
