import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { Impact, IncidentState, Priority, Urgency } from './incident.enums';

/** Body of `POST /v1/incidents` and of the `itsm.rpc.incident.create` request. */
export class CreateIncidentDto {
  @ApiProperty({ minLength: 3, maxLength: 200, example: 'VPN drops every 10 minutes' })
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiPropertyOptional({ maxLength: 20000, example: 'Since this morning the VPN client disconnects for all of floor 3.' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiProperty({ enum: Impact, enumName: 'Impact', description: 'How widely the business is affected.' })
  @IsEnum(Impact)
  impact!: Impact;

  @ApiProperty({ enum: Urgency, enumName: 'Urgency', description: 'How soon the business needs a resolution.' })
  @IsEnum(Urgency)
  urgency!: Urgency;
}

export class GetIncidentRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** An incident as the API and subscribers see it. */
export class IncidentView {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'INC0001001' })
  @IsString()
  @Matches(/^INC\d{7,}$/)
  number!: string;

  @ApiProperty()
  @IsString()
  title!: string;

  @ApiProperty({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  description!: string | null;

  @ApiProperty({ enum: Impact, enumName: 'Impact' })
  @IsEnum(Impact)
  impact!: Impact;

  @ApiProperty({ enum: Urgency, enumName: 'Urgency' })
  @IsEnum(Urgency)
  urgency!: Urgency;

  @ApiProperty({ enum: Priority, enumName: 'Priority', description: '1 critical … 5 planning, from the impact × urgency matrix.' })
  @IsInt()
  @Min(1)
  @Max(5)
  priority!: Priority;

  @ApiProperty({ enum: IncidentState, enumName: 'IncidentState' })
  @IsEnum(IncidentState)
  state!: IncidentState;

  @ApiProperty({ description: 'Subject (`sub`) of the user who opened it.' })
  @IsString()
  requesterId!: string;

  @ApiProperty({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  requesterName!: string | null;

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
