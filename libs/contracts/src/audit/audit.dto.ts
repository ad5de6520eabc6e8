import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ANY_JSON_VALUE } from '../any-json-value';
import { IsInstant } from '../field-rules';
import type { Domain } from '../message';
import { type Page, PageOf, PageRequest } from '../paging';
import { OptionalNotNull } from '../transforms';

/** Every service that keeps an audit trail (`<service>.audit_log`), in the order a merged page breaks ties of time. */
export const AUDITED_SERVICES = ['change', 'cmdb', 'incident', 'knowledge', 'notification', 'problem', 'sla'] as const satisfies readonly Domain[];
export type AuditedService = (typeof AUDITED_SERVICES)[number];

export const AUDIT_EXAMPLE_RECORD = '3f0c2a9e-6b1d-4c55-9a57-2f1d7f0b8e21';

/**
 * `?record=&actor=&type=&from=&to=&limit=&cursor=` of the audit trail: every filter given must hold (AND). Newest
 * first; `from` inclusive, `to` exclusive.
 */
export class AuditQuery extends PageRequest {
  @ApiPropertyOptional({ format: 'uuid', example: AUDIT_EXAMPLE_RECORD, description: 'Only entries about this record (its id, whichever its type).' })
  @OptionalNotNull()
  @IsUUID()
  record?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'sam', description: 'Only entries written by this actor: a user’s `sub`, `api-key:<keyId>` for an API key, `system` for automatic changes. Exact match.' })
  @OptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({
    maxLength: 60,
    pattern: '^[a-z][a-z0-9_]*$',
    example: 'incident',
    description: 'Only entries about records of this type (`incident`, `request`, `problem`, `known_error`, `change`, `ci`, `relationship`, `policy`, `article`, `subscription` …).',
  })
  @OptionalNotNull()
  @IsString()
  @MaxLength(60)
  @Matches(/^[a-z][a-z0-9_]*$/, { message: 'type must be a record type in lower case, such as incident or known_error' })
  type?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-01T00:00:00Z', description: 'Only entries written at or after this instant (inclusive).' })
  @OptionalNotNull()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T00:00:00Z', description: 'Only entries written before this instant (exclusive); after `from` (else 400 naming `to`).' })
  @OptionalNotNull()
  @IsInstant()
  to?: string;
}

/** One changed field of an audit entry: its value before and after. */
export class AuditFieldChange {
  @ApiProperty({ example: 'priority' })
  @IsString()
  field!: string;

  @ApiProperty({ ...ANY_JSON_VALUE, description: 'The value before the change: any JSON value (null when the record did not exist).', example: 'P3' })
  @Allow()
  from!: unknown;

  @ApiProperty({ ...ANY_JSON_VALUE, description: 'The value after the change: any JSON value (null when the record was deleted).', example: 'P1' })
  @Allow()
  to!: unknown;
}

/** One audit entry: who changed which record, when, from what to what, under which correlation id. */
export class AuditEntryView {
  @ApiProperty({ enum: AUDITED_SERVICES, example: 'incident', description: 'The service that wrote the entry (and keeps the record).' })
  @IsIn(AUDITED_SERVICES)
  service!: AuditedService;

  @ApiProperty({ example: '1042', description: 'Number of the entry within its service’s trail (a decimal string: it may exceed 2^53).' })
  @IsString()
  id!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-02T09:30:00.123456Z', description: 'When the change was committed, in UTC to the microsecond.' })
  @IsInstant()
  at!: string;

  @ApiProperty({ example: 'incident', description: 'Type of the record changed.' })
  @IsString()
  entityType!: string;

  @ApiProperty({ format: 'uuid', example: AUDIT_EXAMPLE_RECORD })
  @IsUUID()
  entityId!: string;

  @ApiProperty({ example: 'updated', description: 'What was done: `created`, `updated`, `deleted`, a transition such as `resolved`, and the like.' })
  @IsString()
  action!: string;

  @ApiProperty({ nullable: true, type: String, example: 'sam', description: 'Who (`sub`; `api-key:<keyId>` for an API key; `system` for automatic changes); null when nobody is known.' })
  @IsOptional()
  @IsString()
  actorId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'c0a8012e-5f1b-4b7e-9d7a-61b1f0c3a2d4', description: 'Correlation id of the request or event that led to the change.' })
  @IsOptional()
  @IsString()
  correlationId!: string | null;

  @ApiProperty({ type: [AuditFieldChange], description: 'Each field whose value differs between `before` and `after` (bookkeeping fields such as `version` and `updatedAt` left out).' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AuditFieldChange)
  changes!: AuditFieldChange[];

  @ApiProperty({ ...ANY_JSON_VALUE, nullable: true, description: 'The record as it was before the change; null for a creation.' })
  @Allow()
  before!: Record<string, unknown> | null;

  @ApiProperty({ ...ANY_JSON_VALUE, nullable: true, description: 'The record as it was after the change; null for a deletion.' })
  @Allow()
  after!: Record<string, unknown> | null;
}

export const AuditPage = PageOf(() => AuditEntryView, 'AuditPage');
export type AuditPage = Page<AuditEntryView>;
