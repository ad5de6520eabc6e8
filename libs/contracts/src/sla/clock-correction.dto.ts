import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { ClockHistoryEntry } from './clock.dto';
import { SlaClockRef } from './sla.dto';

const ENTRY_STATES = ['running', 'paused', 'achieved', 'breached', 'canceled'] as const;

/** One entry of a clock's history as a lifecycle event announces it: its step and the state it left the clock in. */
export class SlaClockEntryV1 extends ClockHistoryEntry {
  @ApiProperty({ enum: ENTRY_STATES, description: 'State of the clock after the step, as the lifecycle event carries it.' })
  @IsIn(ENTRY_STATES)
  state!: (typeof ENTRY_STATES)[number];
}

/**
 * Payload of `itsm.events.sla.clock_corrected.v1`: an entry of a clock's history that was announced before reads
 * differently now that the clocks were rebuilt (a policy or calendar changed, or a ticket event arrived late).
 */
export class SlaClockCorrectedV1 extends SlaClockRef {
  @ApiProperty({ example: 'INC0001001' })
  @IsString()
  ticketNumber!: string;

  @ApiProperty({ description: 'Which entry of the clock’s history is corrected, from 0 (the start).', example: 0 })
  @IsInt()
  @Min(0)
  index!: number;

  @ApiProperty({
    format: 'uuid',
    description: 'Id of the lifecycle event that first announced this entry (every correction of one entry names the same event).',
  })
  @IsUUID()
  correctsEventId!: string;

  @ApiProperty({ type: SlaClockEntryV1, description: 'The entry as it was announced last.' })
  @IsObject()
  @ValidateNested()
  @Type(() => SlaClockEntryV1)
  previous!: SlaClockEntryV1;

  @ApiProperty({ type: SlaClockEntryV1, nullable: true, description: 'The entry now; null when the rebuilt history no longer has it (it is retracted).' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SlaClockEntryV1)
  current!: SlaClockEntryV1 | null;
}
