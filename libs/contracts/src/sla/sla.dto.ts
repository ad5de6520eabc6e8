import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { IsInstant } from '../field-rules';

export const SLA_METRICS = ['response', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];
export const SLA_TICKET_TYPES = ['incident', 'request'] as const;
export type SlaTicketType = (typeof SLA_TICKET_TYPES)[number];
export const SLA_KINDS = ['sla', 'ola'] as const;
export type SlaKind = (typeof SLA_KINDS)[number];

/** Which clock of which ticket an SLA event is about: the fields every SLA event starts with. */
export class SlaClockRef {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  clockId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  policyId!: string;

  @ApiProperty({ example: 'P1 incidents' })
  @IsString()
  policyName!: string;

  @ApiProperty({ enum: SLA_KINDS })
  @IsIn(SLA_KINDS)
  kind!: SlaKind;

  @ApiProperty({ enum: SLA_TICKET_TYPES })
  @IsIn(SLA_TICKET_TYPES)
  ticketType!: SlaTicketType;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  ticketId!: string;

  @ApiProperty({ enum: SLA_METRICS })
  @IsIn(SLA_METRICS)
  metric!: SlaMetric;

  @ApiProperty({ description: 'Business seconds the target allows.' })
  @IsInt()
  @Min(0)
  targetSeconds!: number;
}

/** A running SLA clock of one ticket and one policy target, as warnings and breaches announce it. */
export class SlaClockAlertV1 extends SlaClockRef {
  @ApiPropertyOptional({ example: 'INC0001001', description: 'Human number of the ticket.' })
  @IsOptional()
  @IsString()
  ticketNumber?: string;

  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  dueAt!: string;

  @ApiProperty({ description: 'Business seconds the clock has run.' })
  @IsInt()
  @Min(0)
  elapsedSeconds!: number;
}

/** Payload of `itsm.events.sla.warning.v1`: a clock passed one of its warning thresholds. */
export class SlaWarningV1 extends SlaClockAlertV1 {
  @ApiProperty({ description: 'The threshold passed, in percent of the target.', example: 75 })
  @IsInt()
  @Min(1)
  @Max(99)
  thresholdPercent!: number;
}

/** Payload of `itsm.events.sla.breached.v1`: a clock ran past its target. */
export class SlaBreachedV1 extends SlaClockAlertV1 {}

/** Payload of the clock lifecycle events (`clock_started`, `clock_paused`, `clock_resumed`, `clock_retargeted`, `achieved`, `clock_stopped`, `clock_canceled`). */
export class SlaClockChangedV1 extends SlaClockRef {
  @ApiProperty({ example: 'INC0001001' })
  @IsString()
  ticketNumber!: string;

  @ApiProperty({ enum: ['running', 'paused', 'achieved', 'breached', 'canceled'], description: 'State of the clock after the change.' })
  @IsIn(['running', 'paused', 'achieved', 'breached', 'canceled'])
  state!: 'running' | 'paused' | 'achieved' | 'breached' | 'canceled';

  @ApiProperty({ format: 'date-time', description: 'When the ticket change that caused it happened.' })
  @IsInstant()
  at!: string;

  @ApiProperty({ example: 'state on_hold (awaiting_caller)' })
  @IsString()
  reason!: string;

  @ApiProperty({ description: 'Business seconds the clock has run.' })
  @IsInt()
  @Min(0)
  elapsedSeconds!: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Due time while running; null when paused, stopped or canceled.' })
  @IsOptional()
  @IsInstant()
  dueAt!: string | null;
}
