import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { type Page, PageOf, PageRequest } from '../paging';
import { ApprovalType, CatalogItemStatus } from './request.enums';
import { OptionalNotNull } from '../transforms';
import { IsInstant } from '../field-rules';

export const MAX_APPROVERS = 50;

/** Example form of a catalog item: JSON Schema 2020-12 of the answers a requester gives. */
export const LAPTOP_FORM_SCHEMA_EXAMPLE = {
  type: 'object',
  properties: {
    laptopModel: { type: 'string', enum: ['standard-14', 'developer-16'], description: 'Which model' },
    keyboardLayout: { type: 'string', minLength: 2, maxLength: 10 },
    neededBy: { type: 'string', format: 'date' },
  },
  required: ['laptopModel'],
  additionalProperties: false,
};

/**
 * Who approves requests for an item: nobody (`none`), the requester's manager (`manager`), any one member of
 * `group` (`group`), or `required` of the `approvers` (`n_of_m`). Fields of other types must be left out.
 */
export class ApprovalPolicyDto {
  @ApiProperty({ enum: ApprovalType, enumName: 'ApprovalType', example: ApprovalType.NOfM })
  @IsEnum(ApprovalType)
  type!: ApprovalType;

  @ApiPropertyOptional({ description: 'Group whose members may decide. Required with `type: group`, and only with it.', example: 'it-procurement', minLength: 1, maxLength: 120 })
  @ValidateIf((policy: ApprovalPolicyDto) => policy.type === ApprovalType.Group || policy.group !== undefined)
  @IsString()
  @Length(1, 120)
  group?: string;

  @ApiPropertyOptional({
    type: [String],
    description: `Subjects (\`sub\`) of the approvers, 1 to ${MAX_APPROVERS}, no duplicates. Required with \`type: n_of_m\`, and only with it.`,
    example: ['carol', 'dave', 'erin'],
  })
  @ValidateIf((policy: ApprovalPolicyDto) => policy.type === ApprovalType.NOfM || policy.approvers !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_APPROVERS)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  approvers?: string[];

  @ApiPropertyOptional({ description: 'How many approvals settle it, at most the number of approvers. Required with `type: n_of_m`, and only with it.', example: 2, minimum: 1 })
  @ValidateIf((policy: ApprovalPolicyDto) => policy.type === ApprovalType.NOfM || policy.required !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_APPROVERS)
  required?: number;
}

/** Body of `POST /v1/catalog/items` and the `itsm.rpc.incident.catalog_item_create` request. */
export class CreateCatalogItemDto {
  @ApiProperty({ minLength: 3, maxLength: 120, example: 'New laptop' })
  @IsString()
  @Length(3, 120)
  name!: string;

  @ApiPropertyOptional({ maxLength: 5000, example: 'A laptop for a new hire or a replacement for a broken one.' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({ minLength: 1, maxLength: 80, example: 'hardware' })
  @IsString()
  @Length(1, 80)
  category!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'JSON Schema (draft 2020-12) of the answers a requester fills in; the top level must be `"type": "object"`. ' +
      'Checked when the item is saved (400 naming `formSchema`); answers are checked against it on submission.',
    example: LAPTOP_FORM_SCHEMA_EXAMPLE,
  })
  @IsObject()
  formSchema!: Record<string, unknown>;

  @ApiProperty({ type: () => ApprovalPolicyDto, example: { type: ApprovalType.Manager } })
  @IsObject()
  @ValidateNested()
  @Type(() => ApprovalPolicyDto)
  approval!: ApprovalPolicyDto;

  @ApiProperty({ minLength: 1, maxLength: 120, description: 'Group that gets the fulfillment task.', example: 'it-hardware' })
  @IsString()
  @Length(1, 120)
  fulfillmentGroup!: string;

  @ApiProperty({ minimum: 1, maximum: 8760, description: 'Expected delivery time after approval, in hours.', example: 72 })
  @IsInt()
  @Min(1)
  @Max(8760)
  expectedDeliveryHours!: number;
}

/** Body of `PATCH /v1/catalog/items/{id}`: only the fields to change. */
export class UpdateCatalogItemDto {
  @ApiPropertyOptional({ minLength: 3, maxLength: 120, example: 'New laptop (2027 models)' })
  @OptionalNotNull()
  @IsString()
  @Length(3, 120)
  name?: string;

  @ApiPropertyOptional({ maxLength: 5000, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @ApiPropertyOptional({ minLength: 1, maxLength: 80, example: 'hardware' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 80)
  category?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'New JSON Schema of the answers (draft 2020-12).', example: LAPTOP_FORM_SCHEMA_EXAMPLE })
  @OptionalNotNull()
  @IsObject()
  formSchema?: Record<string, unknown>;

  @ApiPropertyOptional({ type: () => ApprovalPolicyDto, example: { type: ApprovalType.Group, group: 'it-procurement' } })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => ApprovalPolicyDto)
  approval?: ApprovalPolicyDto;

  @ApiPropertyOptional({ minLength: 1, maxLength: 120, example: 'it-hardware' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 120)
  fulfillmentGroup?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 8760, example: 48 })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(8760)
  expectedDeliveryHours?: number;
}

export class UpdateCatalogItemCommand extends UpdateCatalogItemDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Version the change is based on (`If-Match`); a stale one is refused.' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class RetireCatalogItemCommand {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Version the change is based on (`If-Match`).' })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class GetCatalogItemQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** `GET /v1/catalog/items?category=&status=&limit=&cursor=`; only admins see retired items. */
export class ListCatalogItemsQuery extends PageRequest {
  @ApiPropertyOptional({ maxLength: 80, example: 'hardware' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 80)
  category?: string;

  @ApiPropertyOptional({ enum: CatalogItemStatus, enumName: 'CatalogItemStatus', description: 'Default `active`; `retired` is for admins.' })
  @OptionalNotNull()
  @IsEnum(CatalogItemStatus)
  status?: CatalogItemStatus;
}

/** A catalog item as the API and subscribers see it. */
export class CatalogItemView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'New laptop' })
  @IsString()
  name!: string;

  @ApiProperty({ nullable: true, type: String, example: 'A standard laptop with the developer image, delivered to your desk.' })
  @IsOptional()
  @IsString()
  description!: string | null;

  @ApiProperty({ example: 'hardware' })
  @IsString()
  category!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema (draft 2020-12) of the answers.', example: LAPTOP_FORM_SCHEMA_EXAMPLE })
  @IsObject()
  formSchema!: Record<string, unknown>;

  @ApiProperty({ type: () => ApprovalPolicyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ApprovalPolicyDto)
  approval!: ApprovalPolicyDto;

  @ApiProperty({ example: 'it-hardware' })
  @IsString()
  fulfillmentGroup!: string;

  @ApiProperty({ example: 72 })
  @IsInt()
  @Min(1)
  expectedDeliveryHours!: number;

  @ApiProperty({ enum: CatalogItemStatus, enumName: 'CatalogItemStatus' })
  @IsEnum(CatalogItemStatus)
  status!: CatalogItemStatus;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:05:00.000Z' })
  @IsInstant()
  updatedAt!: string;

  @ApiProperty({ description: 'Optimistic-concurrency version; also the ETag.', example: 1 })
  @IsInt()
  @Min(1)
  version!: number;
}

export const CatalogItemPage = PageOf(() => CatalogItemView, 'CatalogItemPage');
export type CatalogItemPage = Page<CatalogItemView>;
