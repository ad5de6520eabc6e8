import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsDateString, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { OptionalNotNull } from '../transforms';
import { CiStatus, RelationshipType } from './cmdb.enums';

export const CI_CLASS_NAME = /^[a-z][a-z0-9_]{1,62}$/;
export const ENVIRONMENT = /^[a-z][a-z0-9_-]{0,31}$/;

/** Identifiers of a CI: what identification rules match on. All optional; values are compared exactly. */
export class CiIdentifiers {
  @ApiPropertyOptional({ example: 'db-01' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 253)
  hostname?: string;

  @ApiPropertyOptional({ example: 'SN-4C1D-9921' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  serial?: string;

  @ApiPropertyOptional({ example: 'db-01.prod.example.com' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 253)
  fqdn?: string;

  @ApiPropertyOptional({ example: '10.0.4.17' })
  @OptionalNotNull()
  @IsString()
  @Length(2, 45)
  ip?: string;

  @ApiPropertyOptional({ example: 'arn:aws:rds:eu-west-1:123456789012:db:payroll' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 500)
  cloudId?: string;

  @ApiPropertyOptional({ example: '0f7d7e6c-2b0a-4b52-9b7e-3c1f0e9d2a11', description: '`metadata.uid` of a Kubernetes object.' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  k8sUid?: string;
}

/** A configuration item as the API and subscribers see it. */
export class CiView {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'payroll-db' })
  @IsString()
  name!: string;

  @ApiProperty({ example: 'database', description: 'The CI class; `attributes` follow its schema.' })
  @Matches(CI_CLASS_NAME)
  className!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { engine: 'postgresql', version: '15.4' } })
  @IsObject()
  attributes!: Record<string, unknown>;

  @ApiProperty({ example: 'prod' })
  @Matches(ENVIRONMENT)
  environment!: string;

  @ApiProperty({ enum: CiStatus, enumName: 'CiStatus' })
  @IsEnum(CiStatus)
  status!: CiStatus;

  @ApiProperty({ enum: [1, 2, 3, 4], type: 'integer', description: '1 most critical … 4 least.' })
  @IsInt()
  @IsIn([1, 2, 3, 4])
  criticality!: number;

  @ApiProperty({ nullable: true, type: String, example: 'dba-team' })
  @IsOptional()
  @IsString()
  ownerGroup!: string | null;

  @ApiProperty({ type: CiIdentifiers })
  @ValidateNested()
  @Type(() => CiIdentifiers)
  identifiers!: CiIdentifiers;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The source that last set each attribute (and `name`, `environment`, …): `manual` or an import source.',
    example: { engine: 'discovery', version: 'manual' },
  })
  @IsObject()
  attributeSources!: Record<string, string>;

  @ApiProperty({ format: 'date-time' })
  @IsDateString()
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  @IsDateString()
  updatedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  @IsOptional()
  @IsDateString()
  retiredAt!: string | null;

  @ApiProperty({ description: 'Optimistic-concurrency version; also the ETag.' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class RelationshipView {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ enum: RelationshipType, enumName: 'RelationshipType' })
  @IsEnum(RelationshipType)
  type!: RelationshipType;

  @ApiProperty({ format: 'uuid', description: 'The CI that relies on the target.' })
  @IsUUID()
  sourceId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  targetId!: string;

  @ApiProperty({ example: 'manual', description: 'Who asserted it: `manual` or an import source.' })
  @IsString()
  @MaxLength(100)
  dataSource!: string;

  @ApiProperty({ format: 'date-time' })
  @IsDateString()
  createdAt!: string;
}

/** One changed field of a CI: attributes are named `attributes.<name>`. */
export class CiFieldChange {
  @ApiProperty({ example: 'attributes.version' })
  @IsString()
  field!: string;

  @ApiProperty({ nullable: true, description: 'Any JSON value.' })
  @Allow()
  from!: unknown;

  @ApiProperty({ nullable: true, description: 'Any JSON value.' })
  @Allow()
  to!: unknown;

  @ApiPropertyOptional({ description: 'Source of the new value.', example: 'discovery' })
  @IsOptional()
  @IsString()
  source?: string;
}

export class CiIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}
