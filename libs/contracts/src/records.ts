import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsInt, IsUUID, Min } from 'class-validator';
import { OptionalNotNull } from './transforms';

/** When a definition record was made and last changed, and its version (the ETag). */
export class RecordStamps {
  @ApiProperty({ format: 'date-time' })
  @IsDateString()
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  @IsDateString()
  updatedAt!: string;

  @ApiProperty({ description: 'Optimistic-concurrency version; also the ETag.' })
  @IsInt()
  @Min(1)
  version!: number;
}

/** The record a replace command is about, optionally based on a known version (`If-Match`). */
export class VersionedCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}
