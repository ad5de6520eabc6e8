import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateNested } from 'class-validator';
import { OptionalNotNull } from '../transforms';
import { CiIdentifiers, CI_CLASS_NAME, ENVIRONMENT } from './ci.dto';
import { CiStatus, RelationshipType } from './cmdb.enums';

/** Name of a data source: lower case; `manual` is reserved for changes made through the API. */
export const DATA_SOURCE = /^(?!manual$)[a-z][a-z0-9_-]{0,62}$/;

/** One CI as a source reports it. */
export class ImportItem {
  @ApiPropertyOptional({ description: 'Reference of this row within the batch, for relationships.', example: 'db-1' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  key?: string;

  @ApiProperty({ example: 'database' })
  @Matches(CI_CLASS_NAME, { message: '$property must be a CI class name' })
  className!: string;

  @ApiProperty({ example: 'payroll-db' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'prod' })
  @OptionalNotNull()
  @Matches(ENVIRONMENT, { message: '$property must be a lower-case environment name such as prod' })
  environment?: string;

  @ApiPropertyOptional({ enum: CiStatus, enumName: 'CiStatus' })
  @OptionalNotNull()
  @IsEnum(CiStatus)
  status?: CiStatus;

  @ApiPropertyOptional({ enum: [1, 2, 3, 4], type: 'integer' })
  @OptionalNotNull()
  @IsIn([1, 2, 3, 4], { message: '$property must be 1, 2, 3 or 4' })
  criticality?: number;

  @ApiPropertyOptional({ example: 'dba-team' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  ownerGroup?: string;

  @ApiProperty({ type: CiIdentifiers })
  @ValidateNested()
  @Type(() => CiIdentifiers)
  identifiers!: CiIdentifiers;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Checked against the class schema.' })
  @OptionalNotNull()
  @IsObject()
  attributes?: Record<string, unknown>;
}

/** A CI named in a relationship: a row of this batch (`key`), an existing CI (`ciId`), or identifiers of a class. */
export class ImportReference {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  key?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  ciId?: string;

  @ApiPropertyOptional({ example: 'server' })
  @OptionalNotNull()
  @Matches(CI_CLASS_NAME)
  className?: string;

  @ApiPropertyOptional({ type: CiIdentifiers })
  @OptionalNotNull()
  @ValidateNested()
  @Type(() => CiIdentifiers)
  identifiers?: CiIdentifiers;
}

export class ImportRelationship {
  @ApiProperty({ enum: RelationshipType, enumName: 'RelationshipType' })
  @IsEnum(RelationshipType)
  type!: RelationshipType;

  @ApiProperty({ type: ImportReference })
  @ValidateNested()
  @Type(() => ImportReference)
  source!: ImportReference;

  @ApiProperty({ type: ImportReference })
  @ValidateNested()
  @Type(() => ImportReference)
  target!: ImportReference;
}

/** Body of `POST /v1/cmdb/imports`. */
export class RunImportRequest {
  @ApiProperty({ example: 'discovery', description: 'The data source; reconciliation rules rank sources.' })
  @Matches(DATA_SOURCE, { message: '$property must be a lower-case source name other than manual' })
  source!: string;

  @ApiProperty({ type: [ImportItem], maxItems: 5000 })
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ImportItem)
  items!: ImportItem[];

  @ApiPropertyOptional({ type: [ImportRelationship], maxItems: 20000 })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20000)
  @ValidateNested({ each: true })
  @Type(() => ImportRelationship)
  relationships?: ImportRelationship[];
}

/** Body of `POST /v1/cmdb/imports/kubernetes`: the output of `kubectl get … -o json`. */
export class KubernetesImportRequest {
  @ApiProperty({ example: 'prod-eu-1', description: 'Name of the cluster; its CI is keyed by it.' })
  @Matches(ENVIRONMENT, { message: '$property must be a lower-case cluster name' })
  cluster!: string;

  @ApiPropertyOptional({ example: 'prod', description: 'Environment of the CIs created (default: prod).' })
  @OptionalNotNull()
  @Matches(ENVIRONMENT)
  environment?: string;

  @ApiPropertyOptional({ default: true, description: 'The list is everything the cluster has: CIs of objects missing from it are retired.' })
  @OptionalNotNull()
  @IsBoolean()
  fullSnapshot?: boolean;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'A Kubernetes `List` (kind: List, items: [...]) of Namespaces, Nodes, Deployments, StatefulSets, Services and Pods.' })
  @IsObject()
  list!: Record<string, unknown>;
}

export const IMPORT_OUTCOMES = ['created', 'updated', 'unchanged', 'conflict', 'error', 'retired'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

export class ImportCounts {
  @ApiProperty() @IsInt() @Min(0) created!: number;
  @ApiProperty() @IsInt() @Min(0) updated!: number;
  @ApiProperty() @IsInt() @Min(0) unchanged!: number;
  @ApiProperty() @IsInt() @Min(0) conflicts!: number;
  @ApiProperty() @IsInt() @Min(0) errors!: number;
  @ApiProperty({ description: 'CIs retired because a full snapshot no longer has them.' }) @IsInt() @Min(0) retired!: number;
  @ApiProperty() @IsInt() @Min(0) relationshipsAdded!: number;
  @ApiProperty() @IsInt() @Min(0) relationshipsUnchanged!: number;
  @ApiProperty({ description: 'Relationships removed because a full snapshot no longer has them.' }) @IsInt() @Min(0) relationshipsRemoved!: number;
}

export class ImportRowResult {
  @ApiProperty({ enum: ['item', 'relationship'] })
  @IsIn(['item', 'relationship'])
  kind!: 'item' | 'relationship';

  @ApiProperty({ description: 'Index of the row in `items` or `relationships`.' })
  @IsInt()
  @Min(0)
  index!: number;

  @ApiProperty({ enum: IMPORT_OUTCOMES })
  @IsIn(IMPORT_OUTCOMES)
  outcome!: ImportOutcome;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  ciId?: string;

  @ApiPropertyOptional({ type: [String], description: 'For a conflict: the CIs the row matched.' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  candidates?: string[];

  @ApiPropertyOptional({ description: 'For an error: what is wrong, with field names.' })
  @IsOptional()
  @Allow()
  errors?: Array<{ field: string; message: string }>;
}

export class ImportResult {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  importId!: string;

  @ApiProperty()
  @IsString()
  source!: string;

  @ApiProperty({ type: ImportCounts })
  @ValidateNested()
  @Type(() => ImportCounts)
  counts!: ImportCounts;

  @ApiProperty({ type: [ImportRowResult], description: 'One entry per row that was not unchanged.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ImportRowResult)
  rows!: ImportRowResult[];
}

/** Payload of `itsm.events.cmdb.import_completed.v1`. */
export class ImportCompletedV1 {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  importId!: string;

  @ApiProperty()
  @IsString()
  source!: string;

  @ApiProperty({ type: ImportCounts })
  @ValidateNested()
  @Type(() => ImportCounts)
  counts!: ImportCounts;
}
