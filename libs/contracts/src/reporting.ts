import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { } from 'class-validator';
import { IsInstant, IsIntegerFrom } from './field-rules';
import { OptionalNotNull } from './transforms';

/** The period and row limit every report of the suite takes; each domain names its own subclasses (schema names). */

export const DEFAULT_REPORT_ROWS = 10;
export const MAX_REPORT_ROWS = 100;

/** `?from=&to=` of a report: the period, `from` inclusive, `to` exclusive. */
export class ReportPeriodQuery {
  @ApiProperty({ format: 'date-time', example: '2026-11-01T00:00:00Z', description: 'Start of the period (inclusive).' })
  @IsInstant()
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T00:00:00Z', description: 'End of the period (exclusive); after `from` (else 400 naming `to`).' })
  @IsInstant()
  to!: string;
}

/** `?from=&to=&limit=` of the reports that rank: the period and how many rows of the top to give. */
export class TopReportPeriodQuery extends ReportPeriodQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_REPORT_ROWS, default: DEFAULT_REPORT_ROWS, description: 'Rows per list, the largest counts first.' })
  @OptionalNotNull()
  @Type(() => Number)
  @IsIntegerFrom(1, MAX_REPORT_ROWS)
  limit?: number;
}

/** The period a report covers, as asked. */
export class ReportPeriod {
  @ApiProperty({ format: 'date-time', example: '2026-03-01T00:00:00.000Z' })
  @IsInstant()
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-04-01T00:00:00.000Z' })
  @IsInstant()
  to!: string;
}
