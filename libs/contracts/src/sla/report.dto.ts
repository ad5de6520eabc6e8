import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { IsInstant } from '../field-rules';
import { PageOf, PageRequest, type Page } from '../paging';
import { ClockView } from './clock.dto';
import { SLA_KINDS, SLA_METRICS, SLA_TICKET_TYPES, type SlaKind, type SlaMetric, type SlaTicketType } from './sla.dto';
import { OptionalNotNull } from '../transforms';

export const COMPLIANCE_GROUPINGS = ['policy', 'priority', 'service', 'group'] as const;
export type ComplianceGrouping = (typeof COMPLIANCE_GROUPINGS)[number];

/** `?from=&to=` and the filters every SLA report takes. */
export class SlaReportQuery {
  @ApiProperty({ format: 'date-time', example: '2026-11-01T00:00:00Z', description: 'Start of the period (inclusive).' })
  @IsInstant()
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T00:00:00Z', description: 'End of the period (exclusive); after `from`.' })
  @IsInstant()
  to!: string;

  @ApiPropertyOptional({ enum: SLA_TICKET_TYPES })
  @OptionalNotNull()
  @IsIn(SLA_TICKET_TYPES)
  ticketType?: SlaTicketType;

  @ApiPropertyOptional({ enum: SLA_KINDS, default: 'sla' })
  @OptionalNotNull()
  @IsIn(SLA_KINDS)
  kind?: SlaKind;

  @ApiPropertyOptional({ enum: SLA_METRICS })
  @OptionalNotNull()
  @IsIn(SLA_METRICS)
  metric?: SlaMetric;

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  policyId?: string;
}

export class ComplianceReportQuery extends SlaReportQuery {
  @ApiPropertyOptional({ enum: COMPLIANCE_GROUPINGS, default: 'policy' })
  @OptionalNotNull()
  @IsIn(COMPLIANCE_GROUPINGS)
  groupBy?: ComplianceGrouping;
}

export class ComplianceRow {
  @ApiProperty({ nullable: true, type: String, example: 'P1', description: 'Policy id, priority, service id or group; null for tickets without one.' })
  @IsOptional()
  @IsString()
  key!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Incidents: standard', description: 'Policy name when grouped by policy.' })
  @IsOptional()
  @IsString()
  label!: string | null;

  @ApiProperty({ description: 'Clocks counted: those that achieved their target in the period (by when they stopped) and those that breached in it (by when they passed the target, whether they stopped later or still run).', example: 200 })
  @IsInt()
  @Min(0)
  total!: number;

  @ApiProperty({ example: 193 })
  @IsInt()
  @Min(0)
  achieved!: number;

  @ApiProperty({ example: 7 })
  @IsInt()
  @Min(0)
  breached!: number;

  @ApiProperty({ nullable: true, type: Number, example: 96.5, description: 'achieved / total in percent (one decimal); null when total is 0.' })
  @IsOptional()
  @IsNumber()
  compliancePercent!: number | null;
}

export class ComplianceReport {
  @ApiProperty({ format: 'date-time', example: '2026-03-01T00:00:00.000Z' })
  @IsInstant()
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-04-01T00:00:00.000Z' })
  @IsInstant()
  to!: string;

  @ApiProperty({ enum: COMPLIANCE_GROUPINGS })
  @IsIn(COMPLIANCE_GROUPINGS)
  groupBy!: ComplianceGrouping;

  @ApiProperty({ type: [ComplianceRow] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ComplianceRow)
  rows!: ComplianceRow[];

  @ApiProperty({ type: ComplianceRow, description: 'All rows together.' })
  @IsObject()
  @ValidateNested()
  @Type(() => ComplianceRow)
  overall!: ComplianceRow;
}

/** Mean and 90th percentile of one duration, in seconds. */
export class DurationStats {
  @ApiProperty({ nullable: true, type: Number, example: 5400 })
  @IsOptional()
  @IsNumber()
  mean!: number | null;

  @ApiProperty({ nullable: true, type: Number, example: 12600 })
  @IsOptional()
  @IsNumber()
  p90!: number | null;
}

export class TimeToMetric {
  @ApiProperty({ description: 'Clocks measured (stopped in the period).', example: 37 })
  @IsInt()
  @Min(0)
  count!: number;

  @ApiProperty({ type: DurationStats, description: 'Business time (the clock’s calendar, pauses excluded).' })
  @IsObject()
  @ValidateNested()
  @Type(() => DurationStats)
  business!: DurationStats;

  @ApiProperty({ type: DurationStats, description: 'Wall-clock time from start to stop.' })
  @IsObject()
  @ValidateNested()
  @Type(() => DurationStats)
  wall!: DurationStats;
}

/** MTTA (mean time to acknowledge: the response clocks) and MTTR (mean time to resolve: the resolution clocks). */
export class ResponseTimesReport {
  @ApiProperty({ format: 'date-time', example: '2026-03-01T00:00:00.000Z' })
  @IsInstant()
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-04-01T00:00:00.000Z' })
  @IsInstant()
  to!: string;

  @ApiProperty({ type: TimeToMetric })
  @IsObject()
  @ValidateNested()
  @Type(() => TimeToMetric)
  mtta!: TimeToMetric;

  @ApiProperty({ type: TimeToMetric })
  @IsObject()
  @ValidateNested()
  @Type(() => TimeToMetric)
  mttr!: TimeToMetric;
}

/** `?from=&to=` and the filters of MTTA/MTTR: both metrics are measured, so there is no `metric`. */
export class ResponseTimesQuery extends OmitType(SlaReportQuery, ['metric'] as const) {}

/** `?from=&to=` (when the clocks breached) with the filters of the other reports but `metric`, a page at a time. */
export class BreachesQuery extends IntersectionType(PageRequest, OmitType(SlaReportQuery, ['metric'] as const)) {}

/** Breached clocks, most recent breach first. */
export const BreachPage = PageOf(() => ClockView, 'BreachPage');
export type BreachPage = Page<ClockView>;
