import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { PageOf, PageRequest, type Page } from '../paging';
import { CommaList, OptionalNotNull, QueryBoolean } from '../transforms';
import { CALENDAR_ID } from './calendar.dto';
import { SLA_KINDS, SLA_METRICS, SLA_TICKET_TYPES, type SlaKind, type SlaMetric, type SlaTicketType } from './sla.dto';
import { IsInstant } from '../field-rules';

/** Where a clock stands. `achieved`, `breached` (stopped late, or past due while still running) and `canceled` are outcomes. */
export enum ClockState {
  Running = 'running',
  Paused = 'paused',
  Achieved = 'achieved',
  Breached = 'breached',
  Canceled = 'canceled',
}

/** Steps in the life of a clock, each caused by a ticket event. */
export enum ClockAction {
  Started = 'started',
  Paused = 'paused',
  Resumed = 'resumed',
  Retargeted = 'retargeted',
  Stopped = 'stopped',
  Canceled = 'canceled',
}

export class ClockHistoryEntry {
  @ApiProperty({ enum: ClockAction, enumName: 'ClockAction' })
  @IsEnum(ClockAction)
  action!: ClockAction;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;

  @ApiProperty({ example: 'state on_hold (awaiting_caller)', description: 'What in the ticket caused it.' })
  @IsString()
  reason!: string;

  @ApiProperty({ description: 'Business seconds elapsed at that moment.', example: 5400 })
  @IsInt()
  @Min(0)
  elapsedSeconds!: number;

  @ApiProperty({ description: 'Target in business seconds from then on.', example: 14400 })
  @IsInt()
  @Min(0)
  targetSeconds!: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Due time from then on; null while paused or stopped.', example: '2026-03-02T13:30:00.000Z' })
  @IsOptional()
  @IsInstant()
  dueAt!: string | null;
}

/** A warning or breach sent for a clock (exactly once each). */
export class ClockAlertView {
  @ApiProperty({ enum: ['warning', 'breached'] })
  @IsIn(['warning', 'breached'])
  kind!: 'warning' | 'breached';

  @ApiProperty({ example: 75, description: 'Percent of the target; 100 for the breach.' })
  @IsInt()
  @Min(1)
  @Max(100)
  thresholdPercent!: number;

  @ApiProperty({ format: 'date-time', description: 'When the clock crossed the threshold.', example: '2026-03-02T13:30:00.000Z' })
  @IsInstant()
  dueAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When the event was emitted.', example: '2026-03-02T09:30:01.000Z' })
  @IsInstant()
  emittedAt!: string;
}

export class ClockView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ enum: SLA_TICKET_TYPES })
  @IsIn(SLA_TICKET_TYPES)
  ticketType!: SlaTicketType;

  @ApiProperty({ format: 'uuid', example: 'e1ff8454-1ec1-456c-9fa2-ddb7f70d5041' })
  @IsUUID()
  ticketId!: string;

  @ApiProperty({ example: 'INC0001001' })
  @IsString()
  ticketNumber!: string;

  @ApiProperty({ format: 'uuid', example: '5853e1a4-92c2-4491-9ba3-7a97463077eb' })
  @IsUUID()
  policyId!: string;

  @ApiProperty({ example: 'P1 incidents, gold services' })
  @IsString()
  policyName!: string;

  @ApiProperty({ enum: SLA_KINDS })
  @IsIn(SLA_KINDS)
  kind!: SlaKind;

  @ApiProperty({ enum: SLA_METRICS })
  @IsIn(SLA_METRICS)
  metric!: SlaMetric;

  @ApiProperty({ description: 'Counts the clocks of one policy and metric on one ticket (an OLA restarts when the ticket comes back to the group).', example: 1 })
  @IsInt()
  @Min(1)
  cycle!: number;

  @ApiProperty({ example: '24x7' })
  @Matches(CALENDAR_ID)
  calendarId!: string;

  @ApiProperty({ enum: ClockState, enumName: 'ClockState' })
  @IsEnum(ClockState)
  state!: ClockState;

  @ApiProperty({ description: 'Running or paused (not stopped, not canceled).', example: true })
  @IsBoolean()
  active!: boolean;

  @ApiProperty({ description: 'Paused now (a running clock past its target is `breached` and may also be paused).', example: false })
  @IsBoolean()
  paused!: boolean;

  @ApiProperty({ description: 'Past its target (now, or when it stopped).', example: false })
  @IsBoolean()
  breached!: boolean;

  @ApiProperty({ example: 14400 })
  @IsInt()
  @Min(0)
  targetSeconds!: number;

  @ApiProperty({ description: 'Business seconds elapsed, up to now for an active clock.', example: 3600 })
  @IsInt()
  @Min(0)
  elapsedSeconds!: number;

  @ApiProperty({ description: 'Target minus elapsed; negative once breached.', example: 10800 })
  @IsInt()
  remainingSeconds!: number;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  startedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When it breaches (or breached) if it keeps running; null while paused, stopped or canceled.', example: '2026-03-02T13:30:00.000Z' })
  @IsOptional()
  @IsInstant()
  dueAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-02T11:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  stoppedAt!: string | null;

  @ApiProperty({ type: [ClockHistoryEntry] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ClockHistoryEntry)
  history!: ClockHistoryEntry[];

  @ApiProperty({ type: [ClockAlertView] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ClockAlertView)
  alerts!: ClockAlertView[];
}

export const ClockPage = PageOf(() => ClockView, 'ClockPage');
export type ClockPage = Page<ClockView>;

export class ListClocksRequest extends PageRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Clocks of one ticket (incident or request id).' })
  @OptionalNotNull()
  @IsUUID()
  ticket?: string;

  @ApiPropertyOptional({ enum: SLA_TICKET_TYPES })
  @OptionalNotNull()
  @IsIn(SLA_TICKET_TYPES)
  ticketType?: SlaTicketType;

  @ApiPropertyOptional({ enum: ClockState, isArray: true, description: 'Comma-separated states.' })
  @OptionalNotNull()
  @CommaList()
  @IsArray()
  @IsEnum(ClockState, { each: true })
  state?: ClockState[];

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  policyId?: string;

  @ApiPropertyOptional({ enum: SLA_METRICS })
  @OptionalNotNull()
  @IsIn(SLA_METRICS)
  metric?: SlaMetric;

  @ApiPropertyOptional({ description: 'Only clocks past their target (true) or within it (false).' })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  breached?: boolean;
}

export class RecomputeClocksRequest {
  @ApiProperty({ format: 'uuid', description: 'The ticket whose clocks are rebuilt from its events.' })
  @IsUUID()
  ticket!: string;
}

/** One value that a rebuild found different from what was stored. */
export class ClockDifference {
  @ApiProperty({ format: 'uuid', example: '6e41308d-8dcc-4724-b51c-26cdb3daadc0' })
  @IsUUID()
  clockId!: string;

  @ApiProperty({ example: 'elapsedSeconds' })
  @IsString()
  field!: string;

  @ApiProperty({ nullable: true, description: 'Stored before the rebuild (JSON).', example: { elapsedSeconds: 7200, breached: true } })
  @IsOptional()
  stored!: unknown;

  @ApiProperty({ nullable: true, description: 'Computed from the events.', example: { elapsedSeconds: 5400, breached: false } })
  @IsOptional()
  recomputed!: unknown;
}

export class RecomputeClocksResult {
  @ApiProperty({ format: 'uuid', example: 'e1ff8454-1ec1-456c-9fa2-ddb7f70d5041' })
  @IsUUID()
  ticketId!: string;

  @ApiProperty({ description: 'Ticket events the clocks were rebuilt from.', example: 18 })
  @IsInt()
  @Min(0)
  events!: number;

  @ApiProperty({ type: [ClockDifference], description: 'Empty when the stored clocks were exactly what the events give.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ClockDifference)
  differences!: ClockDifference[];

  @ApiProperty({ type: [ClockView] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ClockView)
  clocks!: ClockView[];
}
