import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { CiStatus, ImpactDirection } from './cmdb.enums';
import { OptionalNotNull } from '../transforms';

export const MAX_IMPACT_DEPTH = 10;
export const DEFAULT_IMPACT_DEPTH = 5;
/** Most CIs listed in `ImpactResult.items`: a reply must fit one NATS message (1 MB by default). */
export const MAX_IMPACT_ITEMS = 1_000;

/** `itsm.rpc.cmdb.impact`: the impact of one CI or of a set (a change touching several). */
export class ImpactRequest {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 500 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  ciIds!: string[];

  @ApiPropertyOptional({ enum: ImpactDirection, enumName: 'ImpactDirection', default: ImpactDirection.Upstream })
  @OptionalNotNull()
  @IsEnum(ImpactDirection)
  direction?: ImpactDirection;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_IMPACT_DEPTH, default: DEFAULT_IMPACT_DEPTH })
  @OptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_IMPACT_DEPTH)
  depth?: number;
}

/** Query of `GET /v1/cis/{id}/impact`. */
export class ImpactQuery {
  @ApiPropertyOptional({ enum: ImpactDirection, enumName: 'ImpactDirection', default: ImpactDirection.Upstream })
  @IsOptional()
  @IsEnum(ImpactDirection)
  direction?: ImpactDirection;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_IMPACT_DEPTH, default: DEFAULT_IMPACT_DEPTH })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_IMPACT_DEPTH)
  depth?: number;
}

export class CiSummary {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'db-payments-01' })
  @IsString()
  name!: string;

  @ApiProperty({ example: 'application' })
  @IsString()
  className!: string;

  @ApiProperty({ example: 'prod' })
  @IsString()
  environment!: string;

  @ApiProperty({ enum: CiStatus, enumName: 'CiStatus' })
  @IsEnum(CiStatus)
  status!: CiStatus;

  @ApiProperty({ enum: [1, 2, 3, 4], type: 'integer' })
  @IsIn([1, 2, 3, 4])
  criticality!: number;
}

export class ImpactedCi {
  @ApiProperty({ type: CiSummary })
  @IsObject()
  @ValidateNested()
  @Type(() => CiSummary)
  ci!: CiSummary;

  @ApiProperty({ description: 'Relationships between the nearest starting CI and this one.', example: 2 })
  @IsInt()
  @Min(1)
  depth!: number;

  @ApiProperty({ type: [String], description: 'One shortest path: CI ids from a starting CI to this one.' })
  @IsArray()
  @IsUUID('all', { each: true })
  path!: string[];
}

export class ImpactedService {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'Payroll' })
  @IsString()
  name!: string;

  @ApiProperty({ enum: [1, 2, 3, 4], type: 'integer' })
  @IsIn([1, 2, 3, 4])
  criticality!: number;

  @ApiProperty()
  @IsInt()
  @Min(0)
  depth!: number;
}

export class ImpactResult {
  @ApiProperty({ enum: ImpactDirection, enumName: 'ImpactDirection' })
  @IsEnum(ImpactDirection)
  direction!: ImpactDirection;

  @ApiProperty()
  @IsInt()
  depth!: number;

  @ApiProperty({ type: [CiSummary], description: 'The starting CIs.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CiSummary)
  roots!: CiSummary[];

  @ApiProperty({
    type: [ImpactedCi],
    description: `Every CI reached, nearest first; each once, with one shortest path. At most ${MAX_IMPACT_ITEMS} (fewer when they would not fit one message): \`totalItems\` says how many were reached.`,
  })
  @IsArray()
  @ArrayMaxSize(MAX_IMPACT_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ImpactedCi)
  items!: ImpactedCi[];

  @ApiProperty({ type: [ImpactedService], description: 'Business services among the starting and reached CIs, most critical first.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ImpactedService)
  businessServices!: ImpactedService[];

  @ApiProperty({ description: 'True when CIs lie beyond the depth limit.' })
  @IsBoolean()
  truncated!: boolean;

  @ApiProperty({ description: 'How many CIs were reached within the depth limit; more than `items.length` when the list was cut to fit one reply. `businessServices` is complete either way.', example: 14 })
  @IsInt()
  @Min(0)
  totalItems!: number;
}
