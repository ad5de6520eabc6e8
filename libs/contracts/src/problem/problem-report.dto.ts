import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsInt, IsNumber, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { ReportPeriod, ReportPeriodQuery, TopReportPeriodQuery } from '../reporting';
import { KnownErrorState, ProblemState } from './problem.enums';

/** `?from=&to=` of every problem report: the period, `from` inclusive, `to` exclusive. */
export class ProblemReportQuery extends ReportPeriodQuery {}

/** `?from=&to=&limit=` of the problem reports that rank. */
export class ProblemTopReportQuery extends TopReportPeriodQuery {}

/** The period a problem report covers, as asked. */
export class ProblemReportPeriod extends ReportPeriod {}

export class RecurringCategoryRow {
  @ApiProperty({ nullable: true, type: String, example: 'network', description: 'The incident category; null for incidents without one.' })
  @IsOptional()
  @IsString()
  category!: string | null;

  @ApiProperty({ description: 'Incidents of this category created in the period.', example: 42 })
  @IsInt()
  @Min(0)
  incidents!: number;

  @ApiProperty({ description: 'Problems of this category opened in the period.', example: 3 })
  @IsInt()
  @Min(0)
  problems!: number;
}

export class RecurringCiRow {
  @ApiProperty({ format: 'uuid', example: '96d4cda4-2f91-496b-87f7-097faa618597' })
  @IsUUID()
  ciId!: string;

  @ApiProperty({ description: 'Incidents involving this CI created in the period.', example: 17 })
  @IsInt()
  @Min(0)
  incidents!: number;

  @ApiProperty({ description: 'Problems involving this CI opened in the period.', example: 1 })
  @IsInt()
  @Min(0)
  problems!: number;
}

/** Where incidents recur: the categories and CIs with the most incidents created in the period. */
export class RecurringPatternsReport extends ProblemReportPeriod {
  @ApiProperty({ type: [RecurringCategoryRow], description: 'The top categories by incidents.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RecurringCategoryRow)
  categories!: RecurringCategoryRow[];

  @ApiProperty({ type: [RecurringCiRow], description: 'The top CIs by incidents.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RecurringCiRow)
  cis!: RecurringCiRow[];
}

export class ProblemIncidentsRow {
  @ApiProperty({ format: 'uuid', example: 'ab31c9ba-beb4-4ed4-ab10-984962608a12' })
  @IsUUID()
  problemId!: string;

  @ApiProperty({ example: 'PRB0001001' })
  @IsString()
  number!: string;

  @ApiProperty({ example: 'VPN gateway drops tunnels under load' })
  @IsString()
  title!: string;

  @ApiProperty({ enum: ProblemState, enumName: 'ProblemState' })
  @IsEnum(ProblemState)
  state!: ProblemState;

  @ApiProperty({ description: 'Incidents linked to it now.', example: 12 })
  @IsInt()
  @Min(0)
  incidents!: number;
}

/** How many incidents the problems opened in the period explain. */
export class IncidentsPerProblemReport extends ProblemReportPeriod {
  @ApiProperty({ description: 'Problems opened in the period.', example: 8 })
  @IsInt()
  @Min(0)
  problems!: number;

  @ApiProperty({ description: 'Incidents linked to those problems.', example: 37 })
  @IsInt()
  @Min(0)
  incidents!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'incidents / problems (two decimals); null when no problem was opened.', example: 4.63 })
  @IsOptional()
  @IsNumber()
  meanIncidentsPerProblem!: number | null;

  @ApiProperty({ type: [ProblemIncidentsRow], description: 'The problems with the most linked incidents.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProblemIncidentsRow)
  top!: ProblemIncidentsRow[];
}

/** Hours from opening a problem to identifying its root cause, for the problems whose root cause was identified in the period. */
export class TimeToRootCauseReport extends ProblemReportPeriod {
  @ApiProperty({ description: 'Problems whose root cause was identified in the period.', example: 5 })
  @IsInt()
  @Min(0)
  count!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'Mean hours (two decimals); null when `count` is 0.', example: 30.5 })
  @IsOptional()
  @IsNumber()
  meanHours!: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Median hours (two decimals); null when `count` is 0.', example: 26 })
  @IsOptional()
  @IsNumber()
  medianHours!: number | null;
}

export class KnownErrorUseRow {
  @ApiProperty({ format: 'uuid', example: '744f2f91-5061-44f5-b150-64a9407c128e' })
  @IsUUID()
  knownErrorId!: string;

  @ApiProperty({ example: 'KE0001001' })
  @IsString()
  number!: string;

  @ApiProperty({ example: 'VPN tunnels drop above 256 users' })
  @IsString()
  title!: string;

  @ApiProperty({ enum: KnownErrorState, enumName: 'KnownErrorState' })
  @IsEnum(KnownErrorState)
  state!: KnownErrorState;

  @ApiProperty({ format: 'uuid', example: 'ab31c9ba-beb4-4ed4-ab10-984962608a12' })
  @IsUUID()
  problemId!: string;

  @ApiProperty({ example: 'PRB0001001' })
  @IsString()
  problemNumber!: string;

  @ApiProperty({ description: 'Incidents linked to its problem and resolved in the period with resolution code `known_error`.', example: 9 })
  @IsInt()
  @Min(0)
  incidents!: number;
}

/** Which known errors resolve incidents: per known error, the linked incidents resolved with `known_error`, most first. */
export class KnownErrorsInUseReport extends ProblemReportPeriod {
  @ApiProperty({ type: [KnownErrorUseRow] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => KnownErrorUseRow)
  items!: KnownErrorUseRow[];
}

/** What became of the candidate problems detected in the period: `detected` = `accepted` + `canceled` + `open`. */
export class CandidatesReport extends ProblemReportPeriod {
  @ApiProperty({ description: 'Candidate problems opened by detection in the period.', example: 6 })
  @IsInt()
  @Min(0)
  detected!: number;

  @ApiProperty({ description: 'Of those, moved past `new` (whatever their state now).', example: 4 })
  @IsInt()
  @Min(0)
  accepted!: number;

  @ApiProperty({ description: 'Of those, canceled while still `new` (rejected).', example: 1 })
  @IsInt()
  @Min(0)
  canceled!: number;

  @ApiProperty({ description: 'Of those, still `new`.', example: 1 })
  @IsInt()
  @Min(0)
  open!: number;
}
