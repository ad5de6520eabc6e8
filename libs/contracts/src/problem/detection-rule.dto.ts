import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { IsInstant, IsIntegerFrom } from '../field-rules';
import { ListOf } from '../paging';
import { OptionalNotNull, QueryBoolean } from '../transforms';
import { PROBLEM_LABEL_MESSAGE, PROBLEM_LABEL_PATTERN } from './problem.dto';
import { DetectionScope } from './problem.enums';

export const MIN_DETECTION_THRESHOLD = 2;
export const MAX_DETECTION_THRESHOLD = 1000;
export const MAX_DETECTION_WINDOW_HOURS = 720;

/**
 * Body of `POST /v1/problems/detection-rules` and `PUT /v1/problems/detection-rules/{id}` (a rule is replaced
 * whole): when `threshold` incidents of one CI (scope `ci`) or one business service (scope `service`) and one
 * category are created within `windowHours` of each other, a candidate problem is opened for that pattern.
 */
export class DetectionRuleDto {
  @ApiProperty({ minLength: 3, maxLength: 200, description: 'Unique among the rules (else 409 `DETECTION_RULE_NAME_TAKEN`).', example: '5 incidents with the same CI and category within 24 hours' })
  @IsString()
  @Length(3, 200)
  name!: string;

  @ApiProperty({ enum: DetectionScope, enumName: 'DetectionScope', description: 'Count incidents per CI and category (`ci`) or per business service and category (`service`).', example: DetectionScope.Ci })
  @IsEnum(DetectionScope)
  scope!: DetectionScope;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'Only incidents of this business service; null or left out: every service.' })
  @IsOptional()
  @IsUUID()
  serviceId?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, minLength: 1, maxLength: 100, pattern: PROBLEM_LABEL_PATTERN.source, description: 'Only incidents of this category; null or left out: every category.', example: 'network' })
  @IsOptional()
  @Matches(PROBLEM_LABEL_PATTERN, { message: `$property ${PROBLEM_LABEL_MESSAGE}` })
  category?: string | null;

  @ApiProperty({ type: 'integer', minimum: MIN_DETECTION_THRESHOLD, maximum: MAX_DETECTION_THRESHOLD, description: 'How many distinct incidents make a pattern.', example: 5 })
  @IsIntegerFrom(MIN_DETECTION_THRESHOLD, MAX_DETECTION_THRESHOLD)
  threshold!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_DETECTION_WINDOW_HOURS, description: 'Within how many hours of each other the incidents were created.', example: 24 })
  @IsIntegerFrom(1, MAX_DETECTION_WINDOW_HOURS)
  windowHours!: number;

  @ApiPropertyOptional({ default: true, description: 'A disabled rule detects nothing.' })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateDetectionRuleRequest extends DetectionRuleDto {}

export class UpdateDetectionRuleRequest extends DetectionRuleDto {
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/** Get and delete of one rule. */
export class DetectionRuleIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListDetectionRulesRequest {
  @ApiPropertyOptional({ type: Boolean, description: 'Only enabled (true) or disabled (false) rules.' })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  enabled?: boolean;
}

export class DetectionRuleView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: '5 incidents with the same CI and category within 24 hours' })
  @IsString()
  name!: string;

  @ApiProperty({ enum: DetectionScope, enumName: 'DetectionScope' })
  @IsEnum(DetectionScope)
  scope!: DetectionScope;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'Only incidents of this business service; null: every service.', example: 'd0ff59f8-80ee-444b-823c-8edf928a2d68' })
  @IsOptional()
  @IsUUID()
  serviceId!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Only incidents of this category; null: every category.', example: 'network' })
  @IsOptional()
  @IsString()
  category!: string | null;

  @ApiProperty({ type: 'integer', minimum: MIN_DETECTION_THRESHOLD, maximum: MAX_DETECTION_THRESHOLD, example: 5 })
  @IsInt()
  threshold!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_DETECTION_WINDOW_HOURS, example: 24 })
  @IsInt()
  windowHours!: number;

  @ApiProperty({ example: true })
  @IsBoolean()
  enabled!: boolean;

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

export const DetectionRuleList = ListOf(() => DetectionRuleView, 'DetectionRuleList');
export type DetectionRuleList = { items: DetectionRuleView[] };
