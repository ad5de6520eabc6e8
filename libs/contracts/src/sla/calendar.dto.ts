import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ListOf } from '../paging';
import { RecordStamps } from '../records';
import { OptionalNotNull } from '../transforms';
import { type BusinessDuration, IsBusinessDuration } from './duration';
import { IsCalendarDate, IsInstant } from '../field-rules';

/** Id of the built-in calendar in which every instant is business time. */
export const ALWAYS_CALENDAR_ID = '24x7';
/** A calendar id: a UUID, or `24x7`. */
export const CALENDAR_ID = /^(24x7|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** A calendar id as the service keys it: in lower case, whatever case it was sent in (`24X7` is `24x7`). */
export const LowerCaseCalendarId = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value));
const TIME_OF_DAY = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Business hours within one day, in the calendar's local time. */
export class BusinessIntervalDto {
  @ApiProperty({ example: '09:00', description: 'Local time `HH:mm`.' })
  @Matches(TIME_OF_DAY, { message: '$property must be a time HH:mm' })
  start!: string;

  @ApiProperty({ example: '17:00', description: 'Local time `HH:mm` (`24:00` for midnight at the end of the day); after `start` unless `overnight`.' })
  @Matches(TIME_OF_DAY, { message: '$property must be a time HH:mm (or 24:00)' })
  end!: string;

  @ApiPropertyOptional({ description: 'The interval ends on the next day (e.g. 22:00–06:00).', default: false })
  @OptionalNotNull()
  @IsBoolean()
  overnight?: boolean;
}

const day = (example: BusinessIntervalDto[] | undefined): PropertyDecorator[] => [
  ApiPropertyOptional({ type: [BusinessIntervalDto], ...(example ? { example } : {}) }),
  OptionalNotNull(),
  IsArray(),
  ArrayMaxSize(24),
  ValidateNested({ each: true }),
  Type(() => BusinessIntervalDto),
];
const applyAll =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const decorator of decorators) decorator(target, key);
  };
const OFFICE = [{ start: '09:00', end: '17:00' }];

/** Business hours per weekday; a day left out or empty has none. */
export class WeeklyHoursDto {
  @applyAll(day(OFFICE)) monday?: BusinessIntervalDto[];
  @applyAll(day(OFFICE)) tuesday?: BusinessIntervalDto[];
  @applyAll(day(OFFICE)) wednesday?: BusinessIntervalDto[];
  @applyAll(day(OFFICE)) thursday?: BusinessIntervalDto[];
  @applyAll(day(OFFICE)) friday?: BusinessIntervalDto[];
  @applyAll(day(undefined)) saturday?: BusinessIntervalDto[];
  @applyAll(day(undefined)) sunday?: BusinessIntervalDto[];
}

export class HolidayDto {
  @ApiProperty({ format: 'date', example: '2026-12-25', description: 'Local date: the whole day has no business time.' })
  @IsCalendarDate()
  date!: string;

  @ApiProperty({ example: 'Christmas Day' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

/** What an admin defines of a business-hours calendar. */
export class CalendarDefinitionDto {
  @ApiProperty({ example: 'Berlin office hours', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone the hours and holidays are in.' })
  @IsString()
  @Length(1, 100)
  timeZone!: string;

  @ApiProperty({ type: WeeklyHoursDto })
  @IsObject()
  @ValidateNested()
  @Type(() => WeeklyHoursDto)
  weekly!: WeeklyHoursDto;

  @ApiPropertyOptional({ type: [HolidayDto], description: 'Days without business time; also imported from iCalendar.', default: [] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => HolidayDto)
  holidays?: HolidayDto[];
}

/** Body of `POST /v1/sla/calendars`. */
export class CreateCalendarDto extends CalendarDefinitionDto {}

export class CalendarIdRequest {
  @ApiProperty({ example: ALWAYS_CALENDAR_ID, description: 'A calendar id, or `24x7`.' })
  @LowerCaseCalendarId()
  @Matches(CALENDAR_ID, { message: '$property must be a calendar id (a UUID or 24x7)' })
  id!: string;
}

/** `PUT /v1/sla/calendars/{id}`: the whole definition, optionally based on a known version (`If-Match`). */
export class UpdateCalendarRequest extends CalendarDefinitionDto {
  @ApiProperty({ format: 'uuid' })
  @LowerCaseCalendarId()
  @Matches(CALENDAR_ID, { message: '$property must be a calendar id' })
  id!: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class ListCalendarsRequest {
  @ApiPropertyOptional({ description: 'Only calendars whose name contains this text.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  name?: string;
}

export class CalendarView extends RecordStamps {
  @ApiProperty({ example: '5c0f7f1e-6d55-4f3e-9a7c-0b7c6f3d2a11', description: 'UUID, or `24x7` for the built-in calendar.' })
  @Matches(CALENDAR_ID)
  id!: string;

  @ApiProperty({ example: 'Berlin office hours' })
  @IsString()
  name!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Monday to Friday, 08:00 to 18:00 Europe/Berlin, without public holidays.' })
  @IsOptional()
  @IsString()
  description!: string | null;

  @ApiProperty({ example: 'Europe/Berlin' })
  @IsString()
  timeZone!: string;

  @ApiProperty({ type: WeeklyHoursDto })
  @IsObject()
  @ValidateNested()
  @Type(() => WeeklyHoursDto)
  weekly!: WeeklyHoursDto;

  @ApiProperty({ type: [HolidayDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => HolidayDto)
  holidays!: HolidayDto[];

  @ApiProperty({ description: 'The built-in `24x7` calendar; it cannot be changed.', example: false })
  @IsBoolean()
  builtIn!: boolean;
}

export const CalendarList = ListOf(() => CalendarView, 'CalendarList');
export type CalendarList = { items: CalendarView[] };

/** Body of `POST /v1/sla/calendars/{id}/holidays/import`: an iCalendar (`.ics`) file of holidays. */
export class ImportHolidaysDto {
  @ApiProperty({ description: 'The iCalendar text (`BEGIN:VCALENDAR` …). All-day events are holidays; recurring ones are expanded.', maxLength: 2_000_000 })
  @IsString()
  @Length(1, 2_000_000)
  ics!: string;

  @ApiPropertyOptional({ description: 'First year to take recurring holidays for; default this year.', example: 2026 })
  @OptionalNotNull()
  @IsInt()
  @Min(1970)
  @Max(2200)
  fromYear?: number;

  @ApiPropertyOptional({ description: 'Last year to take recurring holidays for; default five years after `fromYear`.', example: 2030 })
  @OptionalNotNull()
  @IsInt()
  @Min(1970)
  @Max(2200)
  toYear?: number;

  @ApiPropertyOptional({ description: 'Replace the calendar’s holidays instead of adding to them.', default: false })
  @OptionalNotNull()
  @IsBoolean()
  replace?: boolean;
}

export class ImportHolidaysRequest extends ImportHolidaysDto {
  @ApiProperty()
  @LowerCaseCalendarId()
  @Matches(CALENDAR_ID, { message: '$property must be a calendar id' })
  id!: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/** Body of `POST /v1/sla/calendars/{id}/add`. */
export class CalendarAddDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-06T15:00:00+01:00' })
  @IsInstant()
  start!: string;

  @ApiProperty({ oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', example: 'PT4H' }], description: 'Business time to add: seconds, or ISO 8601 such as `PT4H30M`.' })
  @IsBusinessDuration()
  duration!: BusinessDuration;
}

export class CalendarAddRequest extends CalendarAddDto {
  @ApiProperty()
  @LowerCaseCalendarId()
  @Matches(CALENDAR_ID, { message: '$property must be a calendar id' })
  id!: string;
}

export class CalendarAddResult {
  @ApiProperty({ format: 'date-time', description: 'When the business time will have passed (UTC).', example: '2026-03-09T10:00:00.000Z' })
  @IsInstant()
  due!: string;

  @ApiProperty({ example: 14400 })
  @IsInt()
  @Min(0)
  durationSeconds!: number;

  @ApiProperty({ description: 'Wall-clock seconds from start to due.', example: 244800 })
  @IsInt()
  @Min(0)
  wallSeconds!: number;
}

/** Body of `POST /v1/sla/calendars/{id}/between`. */
export class CalendarBetweenDto {
  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  start!: string;

  @ApiProperty({ format: 'date-time', description: 'Not before `start`.' })
  @IsInstant()
  end!: string;
}

export class CalendarBetweenRequest extends CalendarBetweenDto {
  @ApiProperty()
  @LowerCaseCalendarId()
  @Matches(CALENDAR_ID, { message: '$property must be a calendar id' })
  id!: string;
}

export class CalendarBetweenResult {
  @ApiProperty({ example: 7200 })
  @IsInt()
  @Min(0)
  businessSeconds!: number;

  @ApiProperty({ example: 244800 })
  @IsInt()
  @Min(0)
  wallSeconds!: number;
}
