import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsDefined, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min, ValidateNested, type ValidationOptions } from 'class-validator';
import { ANY_JSON_VALUE } from '../any-json-value';
import { IsInstant } from '../field-rules';
import { type Page, PageOf, PageRequest } from '../paging';
import { CommaList, OptionalNotNull } from '../transforms';
import { CiStatus, RelationshipType } from './cmdb.enums';
import { CiSummary } from './impact.dto';

export const CI_CLASS_NAME = /^[a-z][a-z0-9_]{1,62}$/;
export const ENVIRONMENT = /^[a-z][a-z0-9_-]{0,31}$/;

/** A required field of a CI (class, name, environment) left out, or null, is told just that. */
export const CI_FIELD_REQUIRED: ValidationOptions = { message: '$property is required' };
/** The other rules of a required CI field judge only a value that was sent. */
export const CI_FIELD_SENT: ValidationOptions = { validateIf: (_object: object, value: unknown) => value !== undefined && value !== null };

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
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
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
  @IsObject()
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

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:05:00.000Z' })
  @IsInstant()
  updatedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-06-01T08:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  retiredAt!: string | null;

  @ApiProperty({ description: 'Optimistic-concurrency version; also the ETag.', example: 3 })
  @IsInt()
  @Min(1)
  version!: number;
}

export class RelationshipView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ enum: RelationshipType, enumName: 'RelationshipType' })
  @IsEnum(RelationshipType)
  type!: RelationshipType;

  @ApiProperty({ format: 'uuid', description: 'The CI that relies on the target.', example: '52195dae-0174-459c-9f06-6fa0df053c26' })
  @IsUUID()
  sourceId!: string;

  @ApiProperty({ format: 'uuid', example: '67a9c66b-ba46-47a8-9024-a7a615de8ab8' })
  @IsUUID()
  targetId!: string;

  @ApiProperty({ example: 'manual', description: 'Who asserted it: `manual` or an import source.' })
  @IsString()
  @MaxLength(100)
  dataSource!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;
}

/** One changed field of a CI: attributes are named `attributes.<name>`. */
export class CiFieldChange {
  @ApiProperty({ example: 'attributes.version' })
  @IsString()
  field!: string;

  @ApiProperty({ ...ANY_JSON_VALUE, description: 'The value before the change: any JSON value (string, number, boolean, array, object or null).', example: 'staging' })
  @Allow()
  from!: unknown;

  @ApiProperty({ ...ANY_JSON_VALUE, description: 'The value after the change: any JSON value (string, number, boolean, array, object or null).', example: 'production' })
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

/** Body of `POST /v1/cis` and the `itsm.rpc.cmdb.ci_create` request. */
export class CreateCiDto {
  @ApiProperty({ example: 'database', description: 'The CI class; `attributes` must fit its schema.' })
  @IsDefined(CI_FIELD_REQUIRED)
  @Matches(CI_CLASS_NAME, { ...CI_FIELD_SENT, message: '$property must be a CI class name' })
  className!: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'payroll-db' })
  @IsDefined(CI_FIELD_REQUIRED)
  @IsString(CI_FIELD_SENT)
  @Length(1, 200, CI_FIELD_SENT)
  name!: string;

  @ApiProperty({ example: 'prod' })
  @IsDefined(CI_FIELD_REQUIRED)
  @Matches(ENVIRONMENT, { ...CI_FIELD_SENT, message: '$property must be a lower-case environment name such as prod' })
  environment!: string;

  @ApiPropertyOptional({ enum: [CiStatus.Planned, CiStatus.Operational, CiStatus.Maintenance], default: CiStatus.Operational })
  @OptionalNotNull()
  @IsIn([CiStatus.Planned, CiStatus.Operational, CiStatus.Maintenance], { message: '$property must be planned, operational or maintenance' })
  status?: CiStatus;

  @ApiPropertyOptional({ enum: [1, 2, 3, 4], type: 'integer', default: 3, description: '1 most critical … 4 least.' })
  @OptionalNotNull()
  @IsIn([1, 2, 3, 4], { message: '$property must be 1, 2, 3 or 4' })
  criticality?: number;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'dba-team' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  ownerGroup?: string | null;

  @ApiPropertyOptional({ type: CiIdentifiers })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => CiIdentifiers)
  identifiers?: CiIdentifiers;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { engine: 'postgresql', version: '15.4', port: 5432 } })
  @OptionalNotNull()
  @IsObject()
  attributes?: Record<string, unknown>;
}

/** `itsm.rpc.cmdb.ci_create`: the body plus the client's `Idempotency-Key`. */
export class CreateCiRequest extends CreateCiDto {
  @OptionalNotNull()
  @IsString()
  @Length(1, 255)
  idempotencyKey?: string;
}

/** Identifiers in a change: a value sets it, `null` removes it, a key left out stays. */
export class CiIdentifiersPatch {
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @Length(1, 253) hostname?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @Length(1, 200) serial?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @Length(1, 253) fqdn?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @Length(2, 45) ip?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @Length(1, 500) cloudId?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @Length(1, 100) k8sUid?: string | null;
}

/** Body of `PATCH /v1/cis/{id}`: only the fields given change; `attributes` and `identifiers` are merged, `null` removes a key. */
export class UpdateCiDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'prod' })
  @OptionalNotNull()
  @Matches(ENVIRONMENT, { message: '$property must be a lower-case environment name such as prod' })
  environment?: string;

  @ApiPropertyOptional({ enum: [CiStatus.Planned, CiStatus.Operational, CiStatus.Maintenance], description: 'Retire with `POST /v1/cis/{id}/retire`; another status brings a retired CI back.' })
  @OptionalNotNull()
  @IsIn([CiStatus.Planned, CiStatus.Operational, CiStatus.Maintenance], { message: '$property must be planned, operational or maintenance (retire through /retire)' })
  status?: CiStatus;

  @ApiPropertyOptional({ enum: [1, 2, 3, 4], type: 'integer' })
  @OptionalNotNull()
  @IsIn([1, 2, 3, 4], { message: '$property must be 1, 2, 3 or 4' })
  criticality?: number;

  @ApiPropertyOptional({ nullable: true, type: String, description: '`null` clears it.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  ownerGroup?: string | null;

  @ApiPropertyOptional({ type: CiIdentifiersPatch })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => CiIdentifiersPatch)
  identifiers?: CiIdentifiersPatch;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Merged into the attributes: a value sets the key, `null` removes it.', example: { version: '16.1', sizeGb: null } })
  @OptionalNotNull()
  @IsObject()
  attributes?: Record<string, unknown>;
}

/** A command on one existing CI, optionally based on a known version (`If-Match`). */
export class CiCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class UpdateCiRequest extends CiCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateCiDto)
  changes!: UpdateCiDto;
}

/** Body of `POST /v1/cis/{id}/retire`. */
export class RetireCiDto {
  @ApiPropertyOptional({ maxLength: 2000, nullable: true, type: String, example: 'Decommissioned with CHG0001042.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string | null;
}

export class RetireCiRequest extends CiCommand {
  @ApiPropertyOptional({ maxLength: 2000, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string | null;
}

export const CI_SORTS = ['name', '-name', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'criticality', '-criticality'] as const;
export type CiSort = (typeof CI_SORTS)[number];

/** `key:value` of the `attr` filter: a top-level attribute (or a dotted path into objects) and its value. */
export const ATTRIBUTE_FILTER = /^[A-Za-z0-9_-]{1,100}(\.[A-Za-z0-9_-]{1,100}){0,4}:.{0,500}$/s;

/** Filters of `GET /v1/cis`. */
export class CiFilters extends PageRequest {
  @ApiPropertyOptional({ example: 'database' })
  @OptionalNotNull()
  @Matches(CI_CLASS_NAME, { message: '$property must be a CI class name' })
  className?: string;

  @ApiPropertyOptional({ example: 'prod' })
  @OptionalNotNull()
  @Matches(ENVIRONMENT, { message: '$property must be a lower-case environment name such as prod' })
  environment?: string;

  @ApiPropertyOptional({ type: [String], enum: CiStatus, description: 'Comma-separated statuses (all by default).', example: ['operational', 'maintenance'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(CiStatus, { each: true })
  status?: CiStatus[];

  @ApiPropertyOptional({ example: 'dba-team' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  ownerGroup?: string;

  @ApiPropertyOptional({ description: 'Part of the name, any case.', example: 'payroll' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ description: 'Exact identifier.' }) @OptionalNotNull() @IsString() @Length(1, 253) hostname?: string;
  @ApiPropertyOptional({ description: 'Exact identifier.' }) @OptionalNotNull() @IsString() @Length(1, 200) serial?: string;
  @ApiPropertyOptional({ description: 'Exact identifier.' }) @OptionalNotNull() @IsString() @Length(1, 253) fqdn?: string;
  @ApiPropertyOptional({ description: 'Exact identifier.' }) @OptionalNotNull() @IsString() @Length(1, 45) ip?: string;
  @ApiPropertyOptional({ description: 'Exact identifier.' }) @OptionalNotNull() @IsString() @Length(1, 500) cloudId?: string;
  @ApiPropertyOptional({ description: 'Exact identifier.' }) @OptionalNotNull() @IsString() @Length(1, 100) k8sUid?: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Attribute equals value, as `key:value`; repeat for several (all must hold). A dotted key reaches into objects (`labels.app:web`). A value that reads as a number or true/false matches that JSON value or the same text.',
    example: ['engine:postgresql', 'port:5432'],
  })
  @OptionalNotNull()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(ATTRIBUTE_FILTER, { each: true, message: 'each $property must be key:value' })
  attr?: string[];

  @ApiPropertyOptional({ enum: CI_SORTS, default: 'name', description: 'Sort field; `-` for descending.' })
  @OptionalNotNull()
  @IsIn(CI_SORTS)
  sort?: CiSort;
}

export class ListCisRequest extends CiFilters {}

export const CiPage = PageOf(() => CiView, 'CiPage');
export type CiPage = Page<CiView>;

/** Body of `POST /v1/relationships` and the `itsm.rpc.cmdb.relationship_add` request. */
export class CreateRelationshipDto {
  @ApiProperty({ enum: RelationshipType, enumName: 'RelationshipType', example: RelationshipType.DependsOn })
  @IsEnum(RelationshipType)
  type!: RelationshipType;

  @ApiProperty({ format: 'uuid', description: 'The CI that relies on the target.' })
  @IsUUID()
  sourceId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  targetId!: string;
}

export class RelationshipIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** One relationship of a CI seen from that CI: `outgoing` when the CI is the source, with the CI at the other end. */
export class RelatedCi {
  @ApiProperty({ type: RelationshipView })
  @IsObject()
  @ValidateNested()
  @Type(() => RelationshipView)
  relationship!: RelationshipView;

  @ApiProperty({ enum: ['outgoing', 'incoming'], description: '`outgoing`: this CI relies on `ci`; `incoming`: `ci` relies on this one.' })
  @IsIn(['outgoing', 'incoming'])
  direction!: 'outgoing' | 'incoming';

  @ApiProperty({ type: CiSummary, description: 'The CI at the other end.' })
  @IsObject()
  @ValidateNested()
  @Type(() => CiSummary)
  ci!: CiSummary;
}

/** Query of `GET /v1/cis/{id}/relationships`: a CI at the centre of a cluster can have thousands, so they come in pages. */
export class CiRelationshipsQuery extends PageRequest {
  @ApiPropertyOptional({ enum: ['outgoing', 'incoming'], description: 'Only edges from this CI (`outgoing`) or to it (`incoming`).' })
  @OptionalNotNull()
  @IsIn(['outgoing', 'incoming'])
  direction?: 'outgoing' | 'incoming';

  @ApiPropertyOptional({ enum: RelationshipType, enumName: 'RelationshipType' })
  @OptionalNotNull()
  @IsEnum(RelationshipType)
  type?: RelationshipType;
}

export class CiRelationshipsRequest extends CiRelationshipsQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export const CiRelationshipList = PageOf(() => RelatedCi, 'CiRelationshipList');
export type CiRelationshipList = Page<RelatedCi>;

/** One entry of a CI's history: a change of the CI, or a relationship added to or removed from it. */
export class CiHistoryEntry {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;

  @ApiProperty({ nullable: true, type: String, example: 'sam', description: 'Who (`sub`); for imports, who ran the import.' })
  @IsOptional()
  @IsString()
  actorId!: string | null;

  @ApiProperty({ enum: ['created', 'updated', 'retired', 'relationship_added', 'relationship_removed'] })
  @IsString()
  action!: string;

  @ApiProperty({ nullable: true, type: String, example: 'manual', description: '`manual` or the import source that made the change.' })
  @IsOptional()
  @IsString()
  source!: string | null;

  @ApiProperty({ type: [CiFieldChange], description: 'For created, updated and retired: each field with its value before and after.' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CiFieldChange)
  changes!: CiFieldChange[];

  @ApiPropertyOptional({ nullable: true, type: String, description: 'For retired: why.', example: 'Decommissioned after the move to the new cluster.' })
  @IsOptional()
  @IsString()
  reason?: string | null;

  @ApiPropertyOptional({ type: RelationshipView, description: 'For relationship_added and relationship_removed.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RelationshipView)
  relationship?: RelationshipView;
}

/** Query of `GET /v1/cis/{id}/history`: `?limit=&cursor=`, oldest first. */
export class CiHistoryQuery extends PageRequest {}

export class CiHistoryRequest extends CiHistoryQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export const CiHistory = PageOf(() => CiHistoryEntry, 'CiHistory');
export type CiHistory = Page<CiHistoryEntry>;

/** Query of `GET /v1/cis/{id}/at`. */
export class CiAtQuery {
  @ApiProperty({ format: 'date-time', example: '2026-11-02T09:30:00Z', description: 'The instant to look at.' })
  @IsInstant()
  time!: string;
}

export class CiAtRequest extends CiAtQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** A CI as it was at an instant, with the relationships it had then. */
export class CiAtView {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;

  @ApiProperty({ type: CiView })
  @IsObject()
  @ValidateNested()
  @Type(() => CiView)
  ci!: CiView;

  @ApiProperty({ type: [RelationshipView] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RelationshipView)
  relationships!: RelationshipView[];
}
