import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateNested } from 'class-validator';
import { ReportPeriod, ReportPeriodQuery } from '../reporting';
import { OptionalNotNull } from '../transforms';
import { Priority } from './incident.enums';

/** The longest period a service-desk report covers: a year, so a daily series has at most 366 buckets. */
export const MAX_SERVICE_DESK_REPORT_DAYS = 366;

/** The steps of a series: buckets start at `from` and each is a UTC day, 7 days, or a calendar month (UTC) long. */
export const REPORT_INTERVALS = ['day', 'week', 'month'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

/** What the rows of volume and backlog are split by: the state, priority, assignment group or service. */
export const INCIDENT_SERIES_GROUPINGS = ['state', 'priority', 'group', 'service'] as const;
export type IncidentSeriesGrouping = (typeof INCIDENT_SERIES_GROUPINGS)[number];

export const RESOLUTION_TIME_GROUPINGS = ['group', 'priority'] as const;
export type ResolutionTimeGrouping = (typeof RESOLUTION_TIME_GROUPINGS)[number];

export const FIRST_CONTACT_GROUPINGS = ['group', 'channel'] as const;
export type FirstContactGrouping = (typeof FIRST_CONTACT_GROUPINGS)[number];

export const REOPEN_GROUPINGS = ['group', 'priority'] as const;
export type ReopenGrouping = (typeof REOPEN_GROUPINGS)[number];

/** Reassignment counts of this many or more share the last row of the distribution (`5+`). */
export const REASSIGNMENT_DISTRIBUTION_CAP = 5;

/** `?from=&to=` and the filters every incident report takes. */
export class IncidentReportQuery extends ReportPeriodQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only incidents of this business service.' })
  @OptionalNotNull()
  @IsUUID()
  service?: string;

  @ApiPropertyOptional({ example: 'network-ops', description: 'Only incidents assigned to this group now.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  assignmentGroup?: string;

  @ApiPropertyOptional({ enum: Priority, enumName: 'Priority', description: 'Only incidents of this priority now.' })
  @OptionalNotNull()
  @IsEnum(Priority)
  priority?: Priority;
}

/** `?interval=&groupBy=` of the incident series (volume, backlog). */
export class IncidentSeriesQuery extends IncidentReportQuery {
  @ApiPropertyOptional({ enum: REPORT_INTERVALS, default: 'day', description: 'Length of each bucket; buckets start at `from`, the last one ends at `to`.' })
  @OptionalNotNull()
  @IsIn(REPORT_INTERVALS)
  interval?: ReportInterval;

  @ApiPropertyOptional({ enum: INCIDENT_SERIES_GROUPINGS, description: 'Split each bucket by this; without it, one row per bucket (also for empty buckets).' })
  @OptionalNotNull()
  @IsIn(INCIDENT_SERIES_GROUPINGS)
  groupBy?: IncidentSeriesGrouping;
}

export class ResolutionTimesQuery extends IncidentReportQuery {
  @ApiPropertyOptional({ enum: RESOLUTION_TIME_GROUPINGS, default: 'group' })
  @OptionalNotNull()
  @IsIn(RESOLUTION_TIME_GROUPINGS)
  groupBy?: ResolutionTimeGrouping;
}

export class FirstContactResolutionQuery extends IncidentReportQuery {
  @ApiPropertyOptional({ enum: FIRST_CONTACT_GROUPINGS, default: 'group' })
  @OptionalNotNull()
  @IsIn(FIRST_CONTACT_GROUPINGS)
  groupBy?: FirstContactGrouping;
}

export class ReopenRateQuery extends IncidentReportQuery {
  @ApiPropertyOptional({ enum: REOPEN_GROUPINGS, default: 'group' })
  @OptionalNotNull()
  @IsIn(REOPEN_GROUPINGS)
  groupBy?: ReopenGrouping;
}

/** `?from=&to=` of the request fulfilment report. */
export class FulfilmentTimesQuery extends ReportPeriodQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only requests for this catalog item.' })
  @OptionalNotNull()
  @IsUUID()
  itemId?: string;
}

/** The period of a service-desk report as asked. */
export class ServiceDeskReportPeriod extends ReportPeriod {}

const KEY_DESCRIPTION = 'The value grouped by (state, priority, group name, service id or channel); null for incidents without one, and for the rows of a report not grouped.';

class SeriesRowBase {
  @ApiProperty({ format: 'date-time', description: 'Start of the bucket (inclusive).', example: '2026-03-14T22:00:00.000Z' })
  @IsString()
  start!: string;

  @ApiProperty({ format: 'date-time', description: 'End of the bucket (exclusive).', example: '2026-03-15T02:00:00.000Z' })
  @IsString()
  end!: string;

  @ApiProperty({ nullable: true, type: String, example: 'P2', description: KEY_DESCRIPTION })
  @IsOptional()
  @IsString()
  key!: string | null;
}

export class IncidentVolumeRow extends SeriesRowBase {
  @ApiProperty({ description: 'Incidents opened in the bucket.', example: 12 })
  @IsInt()
  @Min(0)
  opened!: number;

  @ApiProperty({ description: 'Incidents whose (latest) resolution falls in the bucket.', example: 9 })
  @IsInt()
  @Min(0)
  resolved!: number;

  @ApiProperty({ description: 'Incidents closed in the bucket (canceled and merged ones are not counted).', example: 7 })
  @IsInt()
  @Min(0)
  closed!: number;
}

class SeriesReport extends ServiceDeskReportPeriod {
  @ApiProperty({ enum: REPORT_INTERVALS })
  @IsIn(REPORT_INTERVALS)
  interval!: ReportInterval;

  @ApiProperty({ enum: INCIDENT_SERIES_GROUPINGS, nullable: true, type: String })
  @IsOptional()
  @IsIn(INCIDENT_SERIES_GROUPINGS)
  groupBy!: IncidentSeriesGrouping | null;
}

/** Incidents opened, resolved and closed per bucket. */
export class IncidentVolumeReport extends SeriesReport {
  @ApiProperty({ type: [IncidentVolumeRow], description: 'By bucket, then key; when grouped, only the keys with a figure in the bucket.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IncidentVolumeRow)
  rows!: IncidentVolumeRow[];
}

export class IncidentBacklogRow extends SeriesRowBase {
  @ApiProperty({ description: 'Incidents open at the end of the bucket.', example: 31 })
  @IsInt()
  @Min(0)
  open!: number;
}

/** Incidents open at the end of each bucket. */
export class IncidentBacklogReport extends SeriesReport {
  @ApiProperty({ type: [IncidentBacklogRow], description: 'By bucket, then key; when grouped, only the keys with open incidents.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IncidentBacklogRow)
  rows!: IncidentBacklogRow[];
}

/** Count, mean, median and 90th percentile of one duration, in seconds of wall-clock time. */
export class DurationFigures {
  @ApiProperty({ example: 40 })
  @IsInt()
  @Min(0)
  count!: number;

  @ApiProperty({ nullable: true, type: Number, example: 5400.5, description: 'Seconds, two decimals; null when count is 0.' })
  @IsOptional()
  @IsNumber()
  mean!: number | null;

  @ApiProperty({ nullable: true, type: Number, example: 3600, description: 'Seconds (interpolated between the two middle values), two decimals.' })
  @IsOptional()
  @IsNumber()
  median!: number | null;

  @ApiProperty({ nullable: true, type: Number, example: 12600, description: 'Seconds (linear interpolation, as PostgreSQL `percentile_cont`), two decimals.' })
  @IsOptional()
  @IsNumber()
  p90!: number | null;
}

export class ResolutionTimesRow {
  @ApiProperty({ nullable: true, type: String, description: KEY_DESCRIPTION, example: 'network-ops' })
  @IsOptional()
  @IsString()
  key!: string | null;

  @ApiProperty({ type: DurationFigures, description: 'Time to respond: opened → first response, of the incidents first responded to in the period.' })
  @IsObject()
  @ValidateNested()
  @Type(() => DurationFigures)
  mtta!: DurationFigures;

  @ApiProperty({ type: DurationFigures, description: 'Time to resolve: opened → (latest) resolution, of the incidents resolved in the period.' })
  @IsObject()
  @ValidateNested()
  @Type(() => DurationFigures)
  mttr!: DurationFigures;
}

/** MTTA and MTTR in wall-clock seconds. */
export class ResolutionTimesReport extends ServiceDeskReportPeriod {
  @ApiProperty({ enum: RESOLUTION_TIME_GROUPINGS })
  @IsIn(RESOLUTION_TIME_GROUPINGS)
  groupBy!: ResolutionTimeGrouping;

  @ApiProperty({ type: [ResolutionTimesRow] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ResolutionTimesRow)
  rows!: ResolutionTimesRow[];

  @ApiProperty({ type: ResolutionTimesRow, description: 'All incidents together (key null).' })
  @IsObject()
  @ValidateNested()
  @Type(() => ResolutionTimesRow)
  overall!: ResolutionTimesRow;
}

export class FirstContactResolutionRow {
  @ApiProperty({ nullable: true, type: String, description: KEY_DESCRIPTION, example: 'network-ops' })
  @IsOptional()
  @IsString()
  key!: string | null;

  @ApiProperty({ description: 'Incidents resolved in the period.', example: 50 })
  @IsInt()
  @Min(0)
  resolved!: number;

  @ApiProperty({ description: 'Of those, resolved at first contact: never reassigned and never reopened.', example: 31 })
  @IsInt()
  @Min(0)
  firstContact!: number;

  @ApiProperty({ nullable: true, type: Number, example: 62, description: 'firstContact / resolved in percent (one decimal); null when resolved is 0.' })
  @IsOptional()
  @IsNumber()
  percent!: number | null;
}

/** Share of the incidents resolved in the period that were resolved at first contact. */
export class FirstContactResolutionReport extends ServiceDeskReportPeriod {
  @ApiProperty({ enum: FIRST_CONTACT_GROUPINGS })
  @IsIn(FIRST_CONTACT_GROUPINGS)
  groupBy!: FirstContactGrouping;

  @ApiProperty({ type: [FirstContactResolutionRow] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FirstContactResolutionRow)
  rows!: FirstContactResolutionRow[];

  @ApiProperty({ type: FirstContactResolutionRow, description: 'All incidents together (key null).' })
  @IsObject()
  @ValidateNested()
  @Type(() => FirstContactResolutionRow)
  overall!: FirstContactResolutionRow;
}

export class ReassignmentBucket {
  @ApiProperty({ example: '0', description: `Number of reassignments; the last, \`${REASSIGNMENT_DISTRIBUTION_CAP}+\`, is that many or more.` })
  @IsString()
  reassignments!: string;

  @ApiProperty({ example: 20 })
  @IsInt()
  @Min(0)
  incidents!: number;
}

export class ReassignmentRow {
  @ApiProperty({ nullable: true, type: String, description: 'Assignment group; null for incidents without one, and for the overall row.', example: 'network-ops' })
  @IsOptional()
  @IsString()
  key!: string | null;

  @ApiProperty({ description: 'Incidents resolved in the period.', example: 35 })
  @IsInt()
  @Min(0)
  incidents!: number;

  @ApiProperty({ nullable: true, type: Number, example: 0.74, description: 'Mean reassignments per incident, two decimals; null when there are none.' })
  @IsOptional()
  @IsNumber()
  mean!: number | null;

  @ApiProperty({ type: [ReassignmentBucket], description: `Incidents per reassignment count, 0 to ${REASSIGNMENT_DISTRIBUTION_CAP}+, every count listed.` })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReassignmentBucket)
  distribution!: ReassignmentBucket[];
}

/** How often the incidents resolved in the period were passed from one group or agent to another. */
export class ReassignmentReport extends ServiceDeskReportPeriod {
  @ApiProperty({ type: [ReassignmentRow], description: 'Per assignment group (the group the incident ended with).' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReassignmentRow)
  rows!: ReassignmentRow[];

  @ApiProperty({ type: ReassignmentRow })
  @IsObject()
  @ValidateNested()
  @Type(() => ReassignmentRow)
  overall!: ReassignmentRow;
}

export class ReopenRateRow {
  @ApiProperty({ nullable: true, type: String, description: KEY_DESCRIPTION, example: 'network-ops' })
  @IsOptional()
  @IsString()
  key!: string | null;

  @ApiProperty({ description: 'Incidents resolved in the period.', example: 50 })
  @IsInt()
  @Min(0)
  resolved!: number;

  @ApiProperty({ description: 'Of those, reopened at least once.', example: 4 })
  @IsInt()
  @Min(0)
  reopened!: number;

  @ApiProperty({ nullable: true, type: Number, example: 8, description: 'reopened / resolved in percent (one decimal); null when resolved is 0.' })
  @IsOptional()
  @IsNumber()
  percent!: number | null;
}

export class ReopenRateReport extends ServiceDeskReportPeriod {
  @ApiProperty({ enum: REOPEN_GROUPINGS })
  @IsIn(REOPEN_GROUPINGS)
  groupBy!: ReopenGrouping;

  @ApiProperty({ type: [ReopenRateRow] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReopenRateRow)
  rows!: ReopenRateRow[];

  @ApiProperty({ type: ReopenRateRow })
  @IsObject()
  @ValidateNested()
  @Type(() => ReopenRateRow)
  overall!: ReopenRateRow;
}

export class FulfilmentTimesRow {
  @ApiProperty({ format: 'uuid', example: '59a814aa-020a-4b32-8467-4a5887a35022' })
  @IsUUID()
  itemId!: string;

  @ApiProperty({ example: 'New laptop', description: 'The catalog item’s name now.' })
  @IsString()
  itemName!: string;

  @ApiProperty({ type: DurationFigures, description: 'Submitted → first fulfilled (or closed), wall-clock seconds.' })
  @IsObject()
  @ValidateNested()
  @Type(() => DurationFigures)
  fulfilment!: DurationFigures;
}

/** Fulfilment time of the service requests fulfilled in the period, per catalog item. */
export class FulfilmentTimesReport extends ServiceDeskReportPeriod {
  @ApiProperty({ type: [FulfilmentTimesRow], description: 'Per catalog item, by name.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FulfilmentTimesRow)
  rows!: FulfilmentTimesRow[];

  @ApiProperty({ type: DurationFigures, description: 'All items together.' })
  @IsObject()
  @ValidateNested()
  @Type(() => DurationFigures)
  overall!: DurationFigures;
}
