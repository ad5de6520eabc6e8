import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID } from 'class-validator';
import { CommentVisibility } from './incident/incident.enums';
import { IsInstant } from './field-rules';

/** What every comment or work note of a record shows; each record type adds the id of its record (`incidentId`, `problemId`, …). */
export abstract class CommentFields {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'Restarted the VPN concentrator; the caller confirms it holds.' })
  @IsString()
  body!: string;

  @ApiProperty({ enum: CommentVisibility, enumName: 'CommentVisibility' })
  @IsEnum(CommentVisibility)
  visibility!: CommentVisibility;

  @ApiProperty({ example: 'sam' })
  @IsString()
  authorId!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Sam Agent' })
  @IsOptional()
  @IsString()
  authorName!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;
}
