import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min } from 'class-validator';
import { ListOf } from '../paging';
import { OptionalNotNull, QueryBoolean } from '../transforms';
import { CI_CLASS_NAME } from './ci.dto';
import { type CiIdentifierKey, RelationshipType } from './cmdb.enums';
import { IsInstant } from '../field-rules';

/** A class name in a relationship rule, or `*` for every class. */
export const CLASS_PATTERN = /^(\*|[a-z][a-z0-9_]{1,62})$/;

/** Example attribute schema of a class an admin adds. */
export const MESSAGE_QUEUE_SCHEMA_EXAMPLE = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    product: { enum: ['rabbitmq', 'kafka', 'nats', 'activemq', 'other'] },
    version: { type: 'string', maxLength: 50 },
    partitions: { type: 'integer', minimum: 1 },
  },
  required: ['product'],
};

/** What an admin defines of a CI class (body of `PUT /v1/ci-classes/{name}`). */
export class CiClassDefinitionDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Message queue' })
  @IsString()
  @Length(1, 100)
  label!: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true, type: String, example: 'A broker or queue that applications exchange messages through.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema (draft 2020-12) of the `attributes` of the CIs of this class; its top level is an object. Checked when saved.',
    example: MESSAGE_QUEUE_SCHEMA_EXAMPLE,
  })
  @IsObject()
  attributeSchema!: Record<string, unknown>;

  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'string', enum: ['hostname', 'serial', 'fqdn', 'ip', 'cloudId', 'k8sUid'] } },
    description: 'Ordered identifier sets: an imported CI matches an existing one on the first set whose identifiers it all has.',
    example: [['cloudId'], ['fqdn'], ['hostname', 'ip']],
  })
  @IsArray()
  @ArrayMaxSize(20)
  @IsArray({ each: true })
  identificationRules!: CiIdentifierKey[][];
}

/** Body of `POST /v1/ci-classes` and the `itsm.rpc.cmdb.class_create` request. */
export class CreateCiClassDto extends CiClassDefinitionDto {
  @ApiProperty({ example: 'message_queue', description: 'Lower case, digits and `_`; cannot be changed later.' })
  @Matches(CI_CLASS_NAME, { message: '$property must be lower case letters, digits and _ (2 to 63), starting with a letter' })
  name!: string;
}

/** `itsm.rpc.cmdb.class_update`: the new definition of a class, optionally based on a known version. */
export class UpdateCiClassRequest extends CiClassDefinitionDto {
  @ApiProperty({ example: 'message_queue' })
  @Matches(CI_CLASS_NAME)
  name!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class CiClassNameRequest {
  @ApiProperty({ example: 'database' })
  @Matches(CI_CLASS_NAME, { message: '$property must be a CI class name' })
  name!: string;
}

export class ListCiClassesRequest {
  @ApiPropertyOptional({ type: Boolean, description: '`false` lists only the classes admins added.' })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  builtIn?: boolean;
}

export class CiClassView {
  @ApiProperty({ example: 'database' })
  @IsString()
  name!: string;

  @ApiProperty({ example: 'Database' })
  @IsString()
  label!: string;

  @ApiProperty({ nullable: true, type: String, example: 'A database instance, whatever its engine.' })
  @IsOptional()
  @IsString()
  description!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { type: 'object', required: ['engine'], properties: { engine: { type: 'string', enum: ['postgres', 'mysql'] }, port: { type: 'integer' } } } })
  @IsObject()
  attributeSchema!: Record<string, unknown>;

  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' } }, example: [['cloudId'], ['fqdn'], ['hostname']] })
  @IsArray()
  identificationRules!: CiIdentifierKey[][];

  @ApiProperty({ description: 'Shipped with the suite (admins may still change its schema).', example: false })
  @IsBoolean()
  builtIn!: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:05:00.000Z' })
  @IsInstant()
  updatedAt!: string;

  @ApiProperty({ description: 'Optimistic-concurrency version; also the ETag.', example: 3 })
  @IsInt()
  @Min(1)
  version!: number;
}

export const CiClassList = ListOf(() => CiClassView, 'CiClassList');
export type CiClassList = { items: CiClassView[] };

/** Body of `POST /v1/cmdb/relationship-rules`: allows edges of `type` from CIs of `sourceClass` to CIs of `targetClass`. */
export class RelationshipRuleDto {
  @ApiProperty({ enum: RelationshipType, enumName: 'RelationshipType', example: RelationshipType.DependsOn })
  @IsEnum(RelationshipType)
  type!: RelationshipType;

  @ApiProperty({ example: 'application', description: 'A class name, or `*` for any class.' })
  @Matches(CLASS_PATTERN, { message: '$property must be a CI class name or *' })
  sourceClass!: string;

  @ApiProperty({ example: 'message_queue', description: 'A class name, or `*` for any class.' })
  @Matches(CLASS_PATTERN, { message: '$property must be a CI class name or *' })
  targetClass!: string;
}

export class RelationshipRuleView extends RelationshipRuleDto {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;
}

export class RelationshipRuleIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListRelationshipRulesRequest {
  @ApiPropertyOptional({ enum: RelationshipType, enumName: 'RelationshipType' })
  @OptionalNotNull()
  @IsEnum(RelationshipType)
  type?: RelationshipType;

  @ApiPropertyOptional({ example: 'application', description: 'Rules whose source is this class (or `*`).' })
  @OptionalNotNull()
  @IsString()
  @Matches(CLASS_PATTERN)
  sourceClass?: string;
}

export const RelationshipRuleList = ListOf(() => RelationshipRuleView, 'RelationshipRuleList');
export type RelationshipRuleList = { items: RelationshipRuleView[] };
