import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsString, IsUUID, Length, Matches, MaxLength, Min } from 'class-validator';
import { CI_CLASS_NAME } from '../cmdb/ci.dto';
import { IsIntegerFrom } from '../field-rules';
import { ListOf } from '../paging';
import { RecordStamps } from '../records';
import { OptionalNotNull, QueryBoolean } from '../transforms';
import { MAX_CHANGE_PLAN, MAX_CHANGE_TEXT } from './change.dto';

/** Longest window a template may allow: 7 days. */
export const MAX_TEMPLATE_DURATION_MINUTES = 10080;
/** Most CI classes one template allows. */
export const MAX_TEMPLATE_CI_CLASSES = 50;

/**
 * Body of `POST /v1/changes/templates` and `PUT /v1/changes/templates/{id}` (a template is replaced whole): a
 * pre-approved way of doing a standard change. A standard change takes its plans from it, may touch only CIs of
 * its classes and lasts at most `maxDurationMinutes`.
 */
export class ChangeTemplateDto {
  @ApiProperty({ minLength: 3, maxLength: 200, description: 'Unique among the templates (else 409 `CHANGE_TEMPLATE_NAME_TAKEN`).', example: 'Restart an application server' })
  @IsString()
  @Length(3, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_TEXT, default: '', example: 'Rolling restart of one application server outside business hours.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_TEXT)
  description?: string;

  @ApiProperty({ minLength: 1, maxLength: MAX_CHANGE_PLAN, example: '1. Drain the node. 2. Restart the service. 3. Re-enable the node.' })
  @IsString()
  @Length(1, MAX_CHANGE_PLAN)
  implementationPlan!: string;

  @ApiProperty({ minLength: 1, maxLength: MAX_CHANGE_PLAN, example: 'Re-enable the node; the previous process keeps serving until then.' })
  @IsString()
  @Length(1, MAX_CHANGE_PLAN)
  backoutPlan!: string;

  @ApiPropertyOptional({ maxLength: MAX_CHANGE_PLAN, default: '', example: 'The health check answers 200 within 2 minutes.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_CHANGE_PLAN)
  testPlan?: string;

  @ApiProperty({
    type: [String],
    maxItems: MAX_TEMPLATE_CI_CLASSES,
    pattern: CI_CLASS_NAME.source,
    description: 'CMDB class names the CIs of its changes must be of (else 422 `CHANGE_CI_CLASS_NOT_ALLOWED`); empty allows none.',
    example: ['application_server', 'virtual_machine'],
  })
  @IsArray()
  @ArrayMaxSize(MAX_TEMPLATE_CI_CLASSES)
  @Matches(CI_CLASS_NAME, { each: true, message: '$property must be CI class names' })
  allowedCiClasses!: string[];

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_TEMPLATE_DURATION_MINUTES, description: 'Longest planned window of its changes (else 422 `CHANGE_WINDOW_TOO_LONG`).', example: 60 })
  @IsIntegerFrom(1, MAX_TEMPLATE_DURATION_MINUTES)
  maxDurationMinutes!: number;

  @ApiPropertyOptional({ default: true, description: 'A disabled template takes no new changes (422 `CHANGE_TEMPLATE_DISABLED`).' })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateChangeTemplateRequest extends ChangeTemplateDto {}

export class UpdateChangeTemplateRequest extends ChangeTemplateDto {
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

/** Get and delete of one template. Deleting one keeps its changes, which name it still. */
export class ChangeTemplateIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListChangeTemplatesRequest {
  @ApiPropertyOptional({ type: Boolean, description: 'Only enabled (true) or disabled (false) templates.' })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  enabled?: boolean;
}

export class ChangeTemplateView extends RecordStamps {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'Restart an application server' })
  @IsString()
  name!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'Restart an application pod after a configuration change.' })
  @IsString()
  description!: string;

  @ApiProperty({ example: 'Apply the new configuration and restart the pods one at a time.' })
  @IsString()
  implementationPlan!: string;

  @ApiProperty({ example: 'Roll the deployment back to the previous image.' })
  @IsString()
  backoutPlan!: string;

  @ApiProperty({ description: 'Empty when none was given.', example: 'Check the health endpoint and one test payment.' })
  @IsString()
  testPlan!: string;

  @ApiProperty({ type: [String], example: ['application_server'] })
  @IsArray()
  @IsString({ each: true })
  allowedCiClasses!: string[];

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_TEMPLATE_DURATION_MINUTES, example: 60 })
  @IsInt()
  maxDurationMinutes!: number;

  @ApiProperty({ example: true })
  @IsBoolean()
  enabled!: boolean;
}

export const ChangeTemplateList = ListOf(() => ChangeTemplateView, 'ChangeTemplateList');
export type ChangeTemplateList = { items: ChangeTemplateView[] };
