import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsObject, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ListOf } from '../paging';
import { OptionalNotNull, QueryBoolean } from '../transforms';
import { Priority } from './incident.enums';
import { IsInstant } from '../field-rules';

/** What an incident must match for a rule to apply; every condition given must hold (an empty set matches all). */
export class RoutingConditions {
  @ApiPropertyOptional({ type: [String], example: ['network'], description: 'Category is one of these.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  categories?: string[];

  @ApiPropertyOptional({ type: [String], example: ['vpn'], description: 'Subcategory is one of these.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  subcategories?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Affected service is one of these.', example: ['ecb5a190-6900-49bf-a9e1-c9cb5e076242'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  serviceIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'One of the affected CIs is one of these.', example: ['b0678918-b9ae-4f79-8c70-e81fd24204a2'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  ciIds?: string[];

  @ApiPropertyOptional({ type: [String], enum: Priority, example: ['P1', 'P2'], description: 'Priority is one of these.' })
  @OptionalNotNull()
  @IsArray()
  @IsEnum(Priority, { each: true })
  priorities?: Priority[];

  @ApiPropertyOptional({ type: [String], example: ['vpn', 'tunnel'], description: 'Title or description contains one of these words (case-insensitive).' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(2, 100, { each: true })
  keywords?: string[];
}

/** Body of `POST /v1/routing-rules` and `PUT /v1/routing-rules/{id}`. */
export class RoutingRuleDto {
  @ApiProperty({ example: 'VPN problems to network operations' })
  @IsString()
  @Length(3, 200)
  name!: string;

  @ApiProperty({ description: 'Rules are tried in ascending position; the first match wins.', example: 10 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  position!: number;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ type: RoutingConditions })
  @IsObject()
  @ValidateNested()
  @Type(() => RoutingConditions)
  conditions!: RoutingConditions;

  @ApiProperty({ example: 'network-ops' })
  @Matches(/^[\w .:/@-]{1,100}$/u, { message: '$property must be 1 to 100 letters, digits, spaces or . : / @ - _' })
  assignmentGroup!: string;
}

export class CreateRoutingRuleRequest extends RoutingRuleDto {}

export class UpdateRoutingRuleRequest extends RoutingRuleDto {
  @IsUUID()
  id!: string;

  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class RoutingRuleIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListRoutingRulesRequest {
  @ApiPropertyOptional({ description: 'Only enabled (true) or disabled (false) rules.' })
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  enabled?: boolean;
}

export class RoutingRuleView extends RoutingRuleDto {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

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

export const RoutingRuleList = ListOf(() => RoutingRuleView, 'RoutingRuleList');
export type RoutingRuleList = { items: RoutingRuleView[] };
