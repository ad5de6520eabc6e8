import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDefined, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import type { FieldError } from '../errors';
import { ListOf } from '../paging';
import { OptionalNotNull } from '../transforms';
import { CI_CLASS_NAME, CI_FIELD_REQUIRED, CI_FIELD_SENT, CiIdentifiers, ENVIRONMENT } from './ci.dto';
import { CiStatus, RelationshipType } from './cmdb.enums';
import { IsInstant } from '../field-rules';

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
  @IsDefined(CI_FIELD_REQUIRED)
  @Matches(CI_CLASS_NAME, { ...CI_FIELD_SENT, message: '$property must be a CI class name' })
  className!: string;

  @ApiProperty({ example: 'payroll-db' })
  @IsDefined(CI_FIELD_REQUIRED)
  @IsString(CI_FIELD_SENT)
  @Length(1, 200, CI_FIELD_SENT)
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
  @IsObject()
  @ValidateNested()
  @Type(() => CiIdentifiers)
  identifiers!: CiIdentifiers;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Checked against the class schema.', example: { engine: 'postgres', port: 5432 } })
  @OptionalNotNull()
  @IsObject()
  attributes?: Record<string, unknown>;
}

/** A CI named in a relationship: a row of this batch (`key`), an existing CI (`ciId`), or identifiers of a class. */
export class ImportReference {
  @ApiPropertyOptional({ example: 'db-payments-01' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  key?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '96d4cda4-2f91-496b-87f7-097faa618597' })
  @OptionalNotNull()
  @IsUUID()
  ciId?: string;

  @ApiPropertyOptional({ example: 'server' })
  @OptionalNotNull()
  @Matches(CI_CLASS_NAME)
  className?: string;

  @ApiPropertyOptional({ type: CiIdentifiers })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => CiIdentifiers)
  identifiers?: CiIdentifiers;
}

export class ImportRelationship {
  @ApiProperty({ enum: RelationshipType, enumName: 'RelationshipType' })
  @IsEnum(RelationshipType)
  type!: RelationshipType;

  @ApiProperty({ type: ImportReference })
  @IsObject()
  @ValidateNested()
  @Type(() => ImportReference)
  source!: ImportReference;

  @ApiProperty({ type: ImportReference })
  @IsObject()
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

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'A Kubernetes `List` (kind: List, items: [...]) of Namespaces, Nodes, Deployments, StatefulSets, Services and Pods.', example: { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } }] } })
  @IsObject()
  list!: Record<string, unknown>;
}

export const IMPORT_OUTCOMES = ['created', 'updated', 'unchanged', 'conflict', 'error', 'retired'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

export class ImportCounts {
  @ApiProperty({ example: 12 }) @IsInt() @Min(0) created!: number;
  @ApiProperty({ example: 3 }) @IsInt() @Min(0) updated!: number;
  @ApiProperty({ example: 85 }) @IsInt() @Min(0) unchanged!: number;
  @ApiProperty({ example: 1 }) @IsInt() @Min(0) conflicts!: number;
  @ApiProperty({ example: 0 }) @IsInt() @Min(0) errors!: number;
  @ApiProperty({ description: 'CIs retired because a full snapshot no longer has them.', example: 2 }) @IsInt() @Min(0) retired!: number;
  @ApiProperty({ example: 8 }) @IsInt() @Min(0) relationshipsAdded!: number;
  @ApiProperty({ example: 40 }) @IsInt() @Min(0) relationshipsUnchanged!: number;
  @ApiProperty({ description: 'Relationships removed because a full snapshot no longer has them.', example: 1 }) @IsInt() @Min(0) relationshipsRemoved!: number;
  @ApiPropertyOptional({ description: 'Objects of a Kubernetes list whose kind is not imported (ReplicaSets, ConfigMaps, …).', example: 14 }) @IsOptional() @IsInt() @Min(0) skipped?: number;
}

export const IMPORT_ROW_KINDS = ['item', 'relationship', 'snapshot'] as const;

/** What is wrong with one field of an import row. */
export class ImportFieldError implements FieldError {
  @ApiProperty({ description: 'Dotted path of the field in the row; empty for the row as a whole.', example: 'attributes.os' })
  @IsString()
  field!: string;

  @ApiProperty({ example: 'attributes.os must be a string' })
  @IsString()
  message!: string;
}

export class ImportRowResult {
  @ApiProperty({ enum: IMPORT_ROW_KINDS, description: '`snapshot`: a CI a full Kubernetes snapshot no longer lists (outcome `retired`).' })
  @IsIn(IMPORT_ROW_KINDS)
  kind!: (typeof IMPORT_ROW_KINDS)[number];

  @ApiProperty({ description: 'Index of the row in `items` or `relationships` (for `snapshot`, the rank among the CIs retired).', example: 4 })
  @IsInt()
  @Min(0)
  index!: number;

  @ApiProperty({ enum: IMPORT_OUTCOMES })
  @IsIn(IMPORT_OUTCOMES)
  outcome!: ImportOutcome;

  @ApiPropertyOptional({ format: 'uuid', example: '96d4cda4-2f91-496b-87f7-097faa618597' })
  @IsOptional()
  @IsUUID()
  ciId?: string;

  @ApiPropertyOptional({ type: [String], description: 'For a conflict: the CIs the row matched.', example: ['5b1f8c2e-3d4a-4e6b-9c7d-8e9f0a1b2c3d', 'c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f'] })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  candidates?: string[];

  @ApiPropertyOptional({ type: [ImportFieldError], description: 'For an error: what is wrong, one entry per field.' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ImportFieldError)
  errors?: ImportFieldError[];
}

export class ImportResult {
  @ApiProperty({ format: 'uuid', example: '495a73fe-6d33-4785-9f63-4a689771d209' })
  @IsUUID()
  importId!: string;

  @ApiProperty({ example: 'discovery' })
  @IsString()
  source!: string;

  @ApiProperty({ type: ImportCounts })
  @IsObject()
  @ValidateNested()
  @Type(() => ImportCounts)
  counts!: ImportCounts;

  @ApiProperty({ type: [ImportRowResult], description: 'One entry per row that was not unchanged (errors and conflicts first when the list is cut).' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ImportRowResult)
  rows!: ImportRowResult[];

  @ApiPropertyOptional({ description: 'Entries left out of `rows` so that the reply fits one NATS message; `counts` include them.', example: 0 })
  @IsOptional()
  @IsInt()
  @Min(1)
  rowsLeftOut?: number;
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
  @IsObject()
  @ValidateNested()
  @Type(() => ImportCounts)
  counts!: ImportCounts;
}

/** A field a reconciliation rule may name: a CI field, `attributes` (all), `attributes.<name>` or `identifiers.<key>`. */
export const RECONCILIATION_FIELD = /^(name|environment|status|criticality|ownerGroup|attributes|attributes\.[A-Za-z_][A-Za-z0-9_-]{0,62}|identifiers\.(hostname|serial|fqdn|ip|cloudId|k8sUid))$/;

/** Body of `POST /v1/cmdb/reconciliation-rules` and `PUT /v1/cmdb/reconciliation-rules/{id}`. */
export class ReconciliationRuleDto {
  @ApiProperty({ example: 10, description: 'Rules are tried by ascending position; the first covering the class and field decides.' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  position!: number;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'server', description: 'The class the rule is for; null or left out for every class.' })
  @IsOptional()
  @Matches(CI_CLASS_NAME, { message: '$property must be a CI class name' })
  className?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: [String],
    example: ['name', 'attributes.os', 'identifiers.serial'],
    description: 'Fields the rule covers (`attributes` covers every attribute); null or left out for every field.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(RECONCILIATION_FIELD, { each: true, message: '$property must name CI fields such as name, attributes.version or identifiers.serial' })
  fields?: string[] | null;

  @ApiProperty({ type: [String], example: ['manual', 'discovery', 'kubernetes'], description: 'Sources, highest authority first; a source not listed ranks below all listed ones.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(/^[a-z][a-z0-9_-]{0,62}$/, { each: true, message: '$property must be source names such as manual or discovery' })
  sources!: string[];
}

export class CreateReconciliationRuleRequest extends ReconciliationRuleDto {}

export class UpdateReconciliationRuleRequest extends ReconciliationRuleDto {
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class ReconciliationRuleIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListReconciliationRulesRequest {
  @ApiPropertyOptional({ example: 'server', description: 'Only the rules that cover this class (its own and those for every class).' })
  @OptionalNotNull()
  @Matches(CI_CLASS_NAME, { message: '$property must be a CI class name' })
  className?: string;
}

export class ReconciliationRuleView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  position!: number;

  @ApiProperty({ nullable: true, type: String, example: 'database' })
  @IsOptional()
  @IsString()
  className!: string | null;

  @ApiProperty({ nullable: true, type: [String], example: ['environment', 'ownerGroup'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  fields!: string[] | null;

  @ApiProperty({ type: [String], example: ['manual', 'discovery', 'kubernetes'] })
  @IsArray()
  @IsString({ each: true })
  sources!: string[];

  @ApiProperty({ example: 3 })
  @IsInt()
  version!: number;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:05:00.000Z' })
  @IsInstant()
  updatedAt!: string;
}

export const ReconciliationRuleList = ListOf(() => ReconciliationRuleView, 'ReconciliationRuleList');
export type ReconciliationRuleList = { items: ReconciliationRuleView[] };
