import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { INSTANT_EXAMPLE, IsInstant } from '../field-rules';
import { type Page, PageOf, PageRequest } from '../paging';
import { CommaList, OptionalNotNull } from '../transforms';
import { CHANGE_NUMBER, GateAnswer, MAX_CHANGE_TEXT } from './change.dto';
import { ChangeState, RELEASE_SORTS, ReleaseSort, ReleaseState } from './change.enums';

/** Most changes one release bundles. */
export const MAX_RELEASE_CHANGES = 100;
export const RELEASE_NUMBER = /^REL\d{7,}$/;

const CHANGE_IDS_DOC = 'The changes the release bundles; ids of no change are refused with 422 `CHANGE_UNKNOWN_CHANGES` listing them.';
const RELEASE_END_DOC = 'After `plannedStart` (else 400 naming `plannedEnd`).';

/** Body of `POST /v1/releases`. */
export class CreateReleaseDto {
  @ApiProperty({ minLength: 3, maxLength: 200, example: 'November network release' })
  @IsString()
  @Length(3, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_TEXT, default: '' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_TEXT)
  description?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_RELEASE_CHANGES, default: [], description: CHANGE_IDS_DOC })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_RELEASE_CHANGES)
  @IsUUID('all', { each: true })
  changeIds?: string[];

  @ApiProperty({ format: 'date-time', example: INSTANT_EXAMPLE })
  @IsInstant()
  plannedStart!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-30T18:00:00Z', description: RELEASE_END_DOC })
  @IsInstant()
  plannedEnd!: string;
}

/** `itsm.rpc.change.release_create`: the body plus the client's `Idempotency-Key`. */
export class CreateReleaseRequest extends CreateReleaseDto {
  @OptionalNotNull()
  @IsString()
  @Length(1, 255)
  idempotencyKey?: string;
}

/** Body of `PATCH /v1/releases/{id}`: only the fields given change; the state changes only through transitions. */
export class UpdateReleaseDto {
  @ApiPropertyOptional({ minLength: 3, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(3, 200)
  name?: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_TEXT, description: 'An empty string clears it.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_TEXT)
  description?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_RELEASE_CHANGES, description: `Replaces the changes. ${CHANGE_IDS_DOC}` })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_RELEASE_CHANGES)
  @IsUUID('all', { each: true })
  changeIds?: string[];

  @ApiPropertyOptional({ format: 'date-time', example: INSTANT_EXAMPLE })
  @OptionalNotNull()
  @IsInstant()
  plannedStart?: string;

  @ApiPropertyOptional({ format: 'date-time', description: `${RELEASE_END_DOC} Checked against the window as it is after the update.` })
  @OptionalNotNull()
  @IsInstant()
  plannedEnd?: string;
}

/** A command on one existing release, optionally based on a known version (`If-Match`). */
export class ReleaseCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/** `itsm.rpc.change.release_update`: a closed or canceled release answers 409 `CHANGE_FINAL_STATE`. */
export class UpdateReleaseRequest extends ReleaseCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateReleaseDto)
  changes!: UpdateReleaseDto;
}

/** Body of `POST /v1/releases/{id}/transitions`. */
export class TransitionReleaseDto {
  @ApiProperty({
    enum: ReleaseState,
    enumName: 'ReleaseState',
    example: ReleaseState.Build,
    description:
      'planning → build → test → deploy → closed; canceled from any state but closed (needs `reason`, else 422 `CHANGE_REASON_REQUIRED`). Another move answers 409 `CHANGE_RELEASE_INVALID_TRANSITION` with the allowed targets in `details.allowed`.',
  })
  @IsEnum(ReleaseState)
  to!: ReleaseState;

  @ApiPropertyOptional({ minLength: 3, maxLength: 2000, example: 'Postponed to the December release.' })
  @OptionalNotNull()
  @IsString()
  @Length(3, 2000)
  reason?: string;
}

export class TransitionReleaseRequest extends ReleaseCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => TransitionReleaseDto)
  transition!: TransitionReleaseDto;
}

export class GetReleaseRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** Filters of `GET /v1/releases`, a page at a time. */
export class ListReleasesRequest extends PageRequest {
  @ApiPropertyOptional({ type: [String], enum: ReleaseState, description: 'Comma-separated states.', example: ['build', 'test'] })
  @OptionalNotNull()
  @CommaList()
  @IsEnum(ReleaseState, { each: true })
  state?: ReleaseState[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Releases bundling this change.' })
  @OptionalNotNull()
  @IsUUID()
  changeId?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Words to find in the name or description.', example: 'november' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ enum: RELEASE_SORTS, default: '-createdAt', description: 'Sort field; `-` for descending.' })
  @OptionalNotNull()
  @IsIn(RELEASE_SORTS)
  sort?: ReleaseSort;
}

/** A bundle of changes deployed together. */
export class ReleaseView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'REL0001001' })
  @IsString()
  @Matches(RELEASE_NUMBER)
  number!: string;

  @ApiProperty({ example: 'November network release' })
  @IsString()
  name!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'Payments platform release for March.' })
  @IsString()
  description!: string;

  @ApiProperty({ type: [String], format: 'uuid', example: ['51848ce0-ce74-483f-9adf-5ededb73e4ab'] })
  @IsArray()
  @IsUUID('all', { each: true })
  changeIds!: string[];

  @ApiProperty({ format: 'date-time', example: '2026-03-14T22:00:00.000Z' })
  @IsInstant()
  plannedStart!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-15T02:00:00.000Z' })
  @IsInstant()
  plannedEnd!: string;

  @ApiProperty({ enum: ReleaseState, enumName: 'ReleaseState' })
  @IsEnum(ReleaseState)
  state!: ReleaseState;

  @ApiProperty({ nullable: true, type: String, description: 'Why it was canceled; null otherwise.', example: 'Superseded by the March release.' })
  @IsOptional()
  @IsString()
  cancelReason!: string | null;

  @ApiProperty({ description: 'Who created it (`sub`).', example: 'sam' })
  @IsString()
  createdBy!: string;

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

export const ReleasePage = PageOf(() => ReleaseView, 'ReleasePage');
export type ReleasePage = Page<ReleaseView>;

/** One change's gate, as part of its release's. */
export class ReleaseChangeGate {
  @ApiProperty({ format: 'uuid', example: 'a3efa87d-370f-4ba8-b640-1a6a95e7614f' })
  @IsUUID()
  changeId!: string;

  @ApiProperty({ example: 'CHG0001001' })
  @IsString()
  @Matches(CHANGE_NUMBER)
  number!: string;

  @ApiProperty({ enum: ChangeState, enumName: 'ChangeState' })
  @IsEnum(ChangeState)
  state!: ChangeState;

  @ApiProperty({ example: false })
  @IsBoolean()
  allowed!: boolean;

  @ApiProperty({ type: [String], description: 'Why not; empty when allowed.', example: ['The change is not approved yet.'] })
  @IsArray()
  @IsString({ each: true })
  reasons!: string[];
}

/** `GET /v1/releases/{id}/gate`: allowed only when every change's gate is (and the release has changes); `reasons` prefixes each change's with its number. */
export class ReleaseGateAnswer extends GateAnswer {
  @ApiProperty({ type: [ReleaseChangeGate] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReleaseChangeGate)
  changes!: ReleaseChangeGate[];
}
