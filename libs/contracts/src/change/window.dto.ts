import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min } from 'class-validator';
import { INSTANT_EXAMPLE, IsInstant, IsTimeZone, TIME_ZONE_EXAMPLE } from '../field-rules';
import { ListOf } from '../paging';
import { RecordStamps } from '../records';
import { OptionalNotNull } from '../transforms';
import { MAX_CHANGE_TEXT } from './change.dto';
import { BlackoutScope } from './change.enums';

/** Most CIs or services one window covers. */
export const MAX_WINDOW_TARGETS = 100;
/**
 * The shape of a recurrence rule (RFC 5545 `RRULE` value, without the `RRULE:` prefix): a daily, weekly, monthly or
 * yearly frequency and `NAME=value` parts. What passes the shape but not ical.js (a bad BYDAY) answers 422
 * `CHANGE_INVALID_RRULE`.
 */
export const RRULE_PATTERN = /^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Za-z0-9,+:-]+)*$/;
export const MAX_RRULE_LENGTH = 500;

const RRULE_DOC =
  'RFC 5545 recurrence rule, without the `RRULE:` prefix (e.g. `FREQ=WEEKLY;BYDAY=FR`, `FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20;COUNT=5`): occurrences repeat `start`–`end` in `timeZone`, keeping their local times across daylight saving changes. Frequencies daily, weekly, monthly, yearly; a rule ical.js cannot read answers 422 `CHANGE_INVALID_RRULE`. Null or left out: one occurrence.';
const TIME_ZONE_DOC = 'IANA time zone in which the occurrences are computed.';
const WINDOW_END_DOC = 'End of the first occurrence: after `start` (else 400 naming `end`).';

/** What blackout and maintenance windows share: a first occurrence, how it repeats, and in which zone. */
class WindowTimesDto {
  @ApiProperty({ minLength: 3, maxLength: 200, example: 'Friday freeze' })
  @IsString()
  @Length(3, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_TEXT, default: '' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_TEXT)
  description?: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-06T14:00:00+01:00', description: 'Start of the first occurrence.' })
  @IsInstant()
  start!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-06T23:59:00+01:00', description: WINDOW_END_DOC })
  @IsInstant()
  end!: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: MAX_RRULE_LENGTH, pattern: RRULE_PATTERN.source, description: RRULE_DOC, example: 'FREQ=WEEKLY;BYDAY=FR' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_RRULE_LENGTH)
  @Matches(RRULE_PATTERN, { message: '$property must be an RFC 5545 recurrence rule such as FREQ=WEEKLY;BYDAY=FR' })
  rrule?: string | null;

  @ApiProperty({ maxLength: 100, description: TIME_ZONE_DOC, example: TIME_ZONE_EXAMPLE })
  @IsTimeZone()
  timeZone!: string;
}

/**
 * Body of `POST /v1/changes/blackouts` and `PUT /v1/changes/blackouts/{id}` (replaced whole): while an occurrence
 * lasts, no change may be implemented on what it covers; a change whose window overlaps one conflicts.
 */
export class BlackoutWindowDto extends WindowTimesDto {
  @ApiProperty({ enum: BlackoutScope, enumName: 'BlackoutScope', example: BlackoutScope.Service, description: 'Everything (`global`), the CIs in the impact of some business services (`service`), or some CIs (`ci`).' })
  @IsEnum(BlackoutScope)
  scope!: BlackoutScope;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_WINDOW_TARGETS,
    default: [],
    description: 'The business services (scope `service`) or CIs (scope `ci`) it covers: at least one for those scopes, none for `global` (else 400 naming `targetIds`).',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_WINDOW_TARGETS)
  @IsUUID('all', { each: true })
  targetIds?: string[];
}

export class CreateBlackoutWindowRequest extends BlackoutWindowDto {}

export class UpdateBlackoutWindowRequest extends BlackoutWindowDto {
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/**
 * Body of `POST /v1/changes/maintenance-windows` and `PUT /v1/changes/maintenance-windows/{id}` (replaced whole):
 * a change touching one of its CIs must lie entirely inside one occurrence, else it conflicts.
 */
export class MaintenanceWindowDto extends WindowTimesDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: MAX_WINDOW_TARGETS, description: 'The CIs whose changes must fit in it.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_WINDOW_TARGETS)
  @IsUUID('all', { each: true })
  ciIds!: string[];
}

export class CreateMaintenanceWindowRequest extends MaintenanceWindowDto {}

export class UpdateMaintenanceWindowRequest extends MaintenanceWindowDto {
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/** Get and delete of one blackout or maintenance window. */
export class ChangeWindowIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListBlackoutWindowsRequest {
  @ApiPropertyOptional({ enum: BlackoutScope, enumName: 'BlackoutScope', description: 'Only windows of this scope.' })
  @OptionalNotNull()
  @IsEnum(BlackoutScope)
  scope?: BlackoutScope;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only windows naming this CI or service.' })
  @OptionalNotNull()
  @IsUUID()
  targetId?: string;
}

export class ListMaintenanceWindowsRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only windows covering this CI.' })
  @OptionalNotNull()
  @IsUUID()
  ciId?: string;
}

/** What blackout and maintenance windows show alike. */
class WindowTimesView extends RecordStamps {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'Friday freeze' })
  @IsString()
  name!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'No changes to payment services during the quarter-end close.' })
  @IsString()
  description!: string;

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE, description: 'Start of the first occurrence.' })
  @IsInstant()
  start!: string;

  @ApiProperty({ format: 'date-time', description: 'End of the first occurrence.', example: '2026-03-15T02:00:00.000Z' })
  @IsInstant()
  end!: string;

  @ApiProperty({ nullable: true, type: String, example: 'FREQ=WEEKLY;BYDAY=FR', description: 'Null: one occurrence.' })
  @IsOptional()
  @IsString()
  rrule!: string | null;

  @ApiProperty({ example: TIME_ZONE_EXAMPLE })
  @IsString()
  timeZone!: string;
}

export class BlackoutWindowView extends WindowTimesView {
  @ApiProperty({ enum: BlackoutScope, enumName: 'BlackoutScope' })
  @IsEnum(BlackoutScope)
  scope!: BlackoutScope;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Services (scope `service`) or CIs (scope `ci`); empty for `global`.', example: ['d22158d4-fc84-40e5-9dd2-ac4b84c47be6'] })
  @IsArray()
  @IsUUID('all', { each: true })
  targetIds!: string[];
}

export class MaintenanceWindowView extends WindowTimesView {
  @ApiProperty({ type: [String], format: 'uuid', example: ['e2f5d86e-233b-4eb4-9e1f-f1354e62d0e2'] })
  @IsArray()
  @IsUUID('all', { each: true })
  ciIds!: string[];
}

export const BlackoutWindowList = ListOf(() => BlackoutWindowView, 'BlackoutWindowList');
export type BlackoutWindowList = { items: BlackoutWindowView[] };

export const MaintenanceWindowList = ListOf(() => MaintenanceWindowView, 'MaintenanceWindowList');
export type MaintenanceWindowList = { items: MaintenanceWindowView[] };
