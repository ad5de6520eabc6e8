import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
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
import { Priority } from '../incident/incident.enums';
import { PageOf, PageRequest, type Page } from '../paging';
import { RecordStamps, VersionedCommand } from '../records';
import { OptionalNotNull, QueryBoolean } from '../transforms';
import { IsInstant } from '../field-rules';

export const NOTIFICATION_CHANNELS = ['webhook', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Who gets an email: an address, or a person or group of the ticket the event is about. */
export const RECIPIENT_KINDS = ['address', 'caller', 'assignee', 'assignment_group'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

/** Conditions on the ticket an event is about; every one given must hold, any listed value within one. */
export class SubscriptionConditionsDto {
  @ApiPropertyOptional({ type: [String], enum: ['incident', 'request'], example: ['incident'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(['incident', 'request'], { each: true })
  ticketTypes?: Array<'incident' | 'request'>;

  @ApiPropertyOptional({ enum: Priority, enumName: 'Priority', isArray: true, example: ['P1', 'P2'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(Object.values(Priority), { each: true })
  priorities?: Priority[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Affected services (CMDB ids).', example: ['3b1bc771-784a-475d-8ebe-25b3322e4103'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  serviceIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['network'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  assignmentGroups?: string[];

  @ApiPropertyOptional({ type: [String], example: ['network'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  categories?: string[];

  @ApiPropertyOptional({ type: [String], example: ['resolved'], description: 'Ticket states (after the change).' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  states?: string[];

  @ApiPropertyOptional({ description: 'Major incidents only (true) or never (false).', example: false })
  @OptionalNotNull()
  @IsBoolean()
  major?: boolean;
}

export class WebhookTargetDto {
  @ApiProperty({ example: 'https://hooks.example.com/itsm', description: 'http(s) URL; loopback, link-local, private and metadata addresses are refused unless allowed by configuration.' })
  @IsString()
  @Length(1, 2000)
  url!: string;

  @ApiPropertyOptional({ minimum: 1000, maximum: 60000, default: 10000, description: 'Time a receiver has to answer one attempt.' })
  @OptionalNotNull()
  @IsInt()
  @Min(1000)
  @Max(60000)
  timeoutMs?: number;
}

export class RecipientDto {
  @ApiProperty({ enum: RECIPIENT_KINDS, description: '`caller`, `assignee` and `assignment_group` are looked up in the contacts directory.' })
  @IsIn(RECIPIENT_KINDS)
  kind!: RecipientKind;

  @ApiPropertyOptional({ example: 'oncall@example.com', description: 'Required with `kind: address`, and only with it.' })
  @ValidateIf((recipient: RecipientDto) => recipient.kind === 'address' || recipient.address !== undefined)
  @IsEmail()
  address?: string;
}

export class EmailTargetDto {
  @ApiProperty({ type: [RecipientDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RecipientDto)
  recipients!: RecipientDto[];
}

/** Mustache templates over `event.*`, `ticket.*` and `data.*` of the event; checked against the subscribed event types. */
export class NotificationTemplateDto {
  @ApiPropertyOptional({ example: '[{{ticket.priority}}] {{ticket.number}} {{ticket.title}}', maxLength: 500 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(500)
  subject?: string;

  @ApiPropertyOptional({ example: '{{ticket.number}} is now {{ticket.state}}.', maxLength: 20000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(20000)
  text?: string;

  @ApiPropertyOptional({ example: '<p><b>{{ticket.number}}</b> is now {{ticket.state}}.</p>', maxLength: 50000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(50000)
  html?: string;
}

/** What a subscription is: which events, under which conditions, to where, how worded. */
export class SubscriptionDefinitionDto {
  @ApiProperty({ example: 'P1/P2 incidents to the on-call bot', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({
    type: [String],
    example: ['incident.*', 'sla.breached'],
    description: '`*`, `<domain>.*`, `<domain>.<event>` (any version) or a full type `itsm.<domain>.<event>.v<N>`.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  eventTypes!: string[];

  @ApiPropertyOptional({ type: SubscriptionConditionsDto, default: {} })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => SubscriptionConditionsDto)
  conditions?: SubscriptionConditionsDto;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  @IsIn(NOTIFICATION_CHANNELS)
  channel!: NotificationChannel;

  @ApiPropertyOptional({ type: WebhookTargetDto, description: 'Required with `channel: webhook`, and only with it.' })
  @ValidateIf((definition: SubscriptionDefinitionDto) => definition.channel === 'webhook' || definition.webhook !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookTargetDto)
  webhook?: WebhookTargetDto;

  @ApiPropertyOptional({ type: EmailTargetDto, description: 'Required with `channel: email`, and only with it.' })
  @ValidateIf((definition: SubscriptionDefinitionDto) => definition.channel === 'email' || definition.email !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => EmailTargetDto)
  email?: EmailTargetDto;

  @ApiPropertyOptional({ type: NotificationTemplateDto, description: 'Email wording; a webhook always carries the CloudEvent itself.' })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => NotificationTemplateDto)
  template?: NotificationTemplateDto;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateSubscriptionDto extends SubscriptionDefinitionDto {}

export class SubscriptionIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class UpdateSubscriptionRequest extends IntersectionType(SubscriptionDefinitionDto, VersionedCommand) {}

export class RotateSecretDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 604800, default: 86400, description: 'Seconds the previous secret stays valid beside the new one.' })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(604800)
  previousValidForSeconds?: number;
}

export class RotateSecretRequest extends RotateSecretDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListSubscriptionsRequest extends PageRequest {
  @ApiPropertyOptional({ enum: NOTIFICATION_CHANNELS })
  @OptionalNotNull()
  @IsIn(NOTIFICATION_CHANNELS)
  channel?: NotificationChannel;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'Subscriptions of one owner (`sub`).' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  owner?: string;
}

export class SubscriptionView extends RecordStamps {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'Major incidents to the on-call bridge' })
  @IsString()
  name!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Posts every major incident to the bridge webhook.' })
  @IsOptional()
  @IsString()
  description!: string | null;

  @ApiProperty({ type: [String], example: ['itsm.incident.created.v1', 'itsm.incident.resolved.v1'] })
  @IsArray()
  @IsString({ each: true })
  eventTypes!: string[];

  @ApiProperty({ type: SubscriptionConditionsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SubscriptionConditionsDto)
  conditions!: SubscriptionConditionsDto;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  @IsIn(NOTIFICATION_CHANNELS)
  channel!: NotificationChannel;

  @ApiProperty({ type: WebhookTargetDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookTargetDto)
  webhook!: WebhookTargetDto | null;

  @ApiProperty({ type: EmailTargetDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EmailTargetDto)
  email!: EmailTargetDto | null;

  @ApiProperty({ type: NotificationTemplateDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NotificationTemplateDto)
  template!: NotificationTemplateDto | null;

  @ApiProperty({ example: true })
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({ example: 'ada', description: 'Who created it (`sub`).' })
  @IsString()
  owner!: string;

  @ApiProperty({ description: 'Messages that failed one after the other (every attempt used); reset by a delivered one.', example: 0 })
  @IsInt()
  @Min(0)
  consecutiveFailures!: number;

  @ApiProperty({ nullable: true, type: String, example: 'disabled after 5 failed messages in a row' })
  @IsOptional()
  @IsString()
  disabledReason!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Until when the previous webhook secret is still used to sign, beside the current one.', example: '2026-03-03T09:30:00.000Z' })
  @IsOptional()
  @IsInstant()
  previousSecretExpiresAt!: string | null;
}

/** A created webhook subscription, with its signing secret: shown this once. */
export class CreatedSubscriptionView extends SubscriptionView {
  @ApiProperty({ nullable: true, type: String, example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The Standard Webhooks signing secret (webhooks only); it is not shown again.' })
  @IsOptional()
  @IsString()
  secret!: string | null;
}

export class RotatedSecretView {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The new signing secret; it is not shown again.' })
  @IsString()
  secret!: string;

  @ApiProperty({ format: 'date-time', description: 'Until then messages carry a signature with each secret.', example: '2026-03-03T09:30:00.000Z' })
  @IsInstant()
  previousSecretExpiresAt!: string;

  @ApiProperty({ type: SubscriptionView })
  @IsObject()
  @ValidateNested()
  @Type(() => SubscriptionView)
  subscription!: SubscriptionView;
}

export const SubscriptionPage = PageOf(() => SubscriptionView, 'SubscriptionPage');
export type SubscriptionPage = Page<SubscriptionView>;

/** A person the notifications can reach: how `caller`, `assignee` and `assignment_group` recipients become addresses. */
export class ContactDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail()
  email!: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Alice Smith' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['network'], description: 'Assignment groups the person is a member of.' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  groups?: string[];
}

export class PutContactRequest extends ContactDto {
  @ApiProperty({ example: 'alice', description: 'The person’s `sub`.' })
  @IsString()
  @Length(1, 200)
  sub!: string;
}

export class ContactView extends ContactDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  sub!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:05:00.000Z' })
  @IsInstant()
  updatedAt!: string;
}

export class ContactSubRequest {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Length(1, 200)
  sub!: string;
}
