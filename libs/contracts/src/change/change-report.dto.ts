import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsInt, IsNumber, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { ReportPeriod, ReportPeriodQuery, TopReportPeriodQuery } from '../reporting';
import { ChangeOutcome, ChangeType } from './change.enums';
import { IsInstant } from '../field-rules';

/** `?from=&to=` of every change report: the period, `from` inclusive, `to` exclusive. */
export class ChangeReportQuery extends ReportPeriodQuery {}

/** `?from=&to=&limit=` of the change reports that rank. */
export class ChangeTopReportQuery extends TopReportPeriodQuery {}

/** The period a change report covers, as asked. */
export class ChangeReportPeriod extends ReportPeriod {}

export class ChangeOutcomeRow {
  @ApiProperty({ enum: ChangeOutcome, enumName: 'ChangeOutcome' })
  @IsEnum(ChangeOutcome)
  outcome!: ChangeOutcome;

  @ApiProperty({ description: 'Changes implemented in the period with this outcome.', example: 40 })
  @IsInt()
  @Min(0)
  count!: number;
}

/** `GET /v1/reports/changes/success-rate`: the changes implemented (moved to `review`) in the period, by outcome. */
export class ChangeSuccessRateReport extends ChangeReportPeriod {
  @ApiProperty({ description: 'Changes implemented in the period.', example: 50 })
  @IsInt()
  @Min(0)
  implemented!: number;

  @ApiProperty({ type: [ChangeOutcomeRow], description: 'One row per outcome, every outcome listed (0 when none).' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeOutcomeRow)
  outcomes!: ChangeOutcomeRow[];

  @ApiProperty({ description: 'Of the implemented, those whose backout plan was run.', example: 2 })
  @IsInt()
  @Min(0)
  backedOut!: number;

  @ApiProperty({ nullable: true, type: Number, description: '(successful + successful_with_issues) / implemented, from 0 to 1 (four decimals); null when none was implemented.', example: 0.94 })
  @IsOptional()
  @IsNumber()
  successRate!: number | null;
}

export class ChangeTypeRow {
  @ApiProperty({ enum: ChangeType, enumName: 'ChangeType' })
  @IsEnum(ChangeType)
  type!: ChangeType;

  @ApiProperty({ description: 'Changes of this type raised in the period.', example: 12 })
  @IsInt()
  @Min(0)
  count!: number;
}

/** `GET /v1/reports/changes/emergency-ratio`: of the changes raised in the period, how many were emergencies. */
export class ChangeEmergencyRatioReport extends ChangeReportPeriod {
  @ApiProperty({ description: 'Changes raised in the period.', example: 60 })
  @IsInt()
  @Min(0)
  total!: number;

  @ApiProperty({ type: [ChangeTypeRow], description: 'One row per type, every type listed (0 when none).' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeTypeRow)
  types!: ChangeTypeRow[];

  @ApiProperty({ nullable: true, type: Number, description: 'emergency / total, from 0 to 1 (four decimals); null when none was raised.', example: 0.05 })
  @IsOptional()
  @IsNumber()
  emergencyRatio!: number | null;
}

export class ChangeCausedIncidentsRow {
  @ApiProperty({ format: 'uuid', example: 'a3efa87d-370f-4ba8-b640-1a6a95e7614f' })
  @IsUUID()
  changeId!: string;

  @ApiProperty({ example: 'CHG0001001' })
  @IsString()
  number!: string;

  @ApiProperty({ example: 'Upgrade the VPN gateway firmware to 9.4' })
  @IsString()
  title!: string;

  @ApiProperty({ enum: ChangeOutcome, enumName: 'ChangeOutcome', nullable: true })
  @IsOptional()
  @IsEnum(ChangeOutcome)
  outcome!: ChangeOutcome | null;

  @ApiProperty({ format: 'date-time', example: '2026-03-15T01:10:00.000Z' })
  @IsInstant()
  implementedAt!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Incidents opened on a CI it touched within `CHANGE_INCIDENT_WINDOW_HOURS` after `implementedAt`.', example: ['df694e08-0f8a-4bea-b3e4-3f2e64e3c48c'] })
  @IsArray()
  @IsUUID('all', { each: true })
  incidentIds!: string[];
}

/**
 * `GET /v1/reports/changes/caused-incidents`: of the changes implemented in the period, those followed by an
 * incident on a CI they touched within `CHANGE_INCIDENT_WINDOW_HOURS` (default 24) of `implementedAt`.
 */
export class ChangeCausedIncidentsReport extends ChangeReportPeriod {
  @ApiProperty({ description: 'Changes implemented in the period.', example: 50 })
  @IsInt()
  @Min(0)
  implemented!: number;

  @ApiProperty({ description: 'Of those, followed by at least one incident.', example: 3 })
  @IsInt()
  @Min(0)
  withIncidents!: number;

  @ApiProperty({ description: 'Incidents that followed them (each counted once).', example: 5 })
  @IsInt()
  @Min(0)
  incidents!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'withIncidents / implemented, from 0 to 1 (four decimals); null when none was implemented.', example: 0.06 })
  @IsOptional()
  @IsNumber()
  ratio!: number | null;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The window used, in hours.', example: 24 })
  @IsInt()
  @Min(1)
  windowHours!: number;

  @ApiProperty({ type: [ChangeCausedIncidentsRow], description: 'The changes followed by the most incidents, up to `limit`.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeCausedIncidentsRow)
  top!: ChangeCausedIncidentsRow[];
}
