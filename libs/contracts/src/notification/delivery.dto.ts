import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { PageOf, PageRequest, type Page } from '../paging';
import { CommaList, OptionalNotNull } from '../transforms';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './subscription.dto';
import { IsInstant } from '../field-rules';

/** Where one message to one recipient stands. */
export enum DeliveryStatus {
  /** Waiting for its first attempt (or for an earlier message of the same ticket to this subscription, or, an email, for SMTP_HOST). */
  Pending = 'pending',
  /** An attempt failed in a way worth retrying; `nextAttemptAt` says when. */
  Retrying = 'retrying',
  Delivered = 'delivered',
  /** Given up: refused with a status that is not retried, or every attempt of the schedule used. */
  Failed = 'failed',
}

export class DeliveryAttemptView {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  attempt!: number;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:45:00.000Z' })
  @IsInstant()
  at!: string;

  @ApiProperty({ nullable: true, type: Number, example: 500, description: 'HTTP status (webhooks) or SMTP reply code (email); null when there was no answer.' })
  @IsOptional()
  @IsInt()
  statusCode!: number | null;

  @ApiProperty({ nullable: true, type: String, example: 'timed out after 10000 ms' })
  @IsOptional()
  @IsString()
  error!: string | null;

  @ApiProperty({ example: 132 })
  @IsInt()
  @Min(0)
  latencyMs!: number;

  @ApiProperty({ description: 'A replay asked for by a person, not a scheduled retry.', example: false })
  @IsBoolean()
  replay!: boolean;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid', example: 'b80bb774-0288-4da1-b201-890375a60c8f' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'uuid', example: '07b35b6d-7af7-44da-ab49-745c7fefb50c' })
  @IsUUID()
  subscriptionId!: string;

  @ApiProperty({ format: 'uuid', description: 'The event (CloudEvents `id`).', example: '53cc4db5-43d7-4569-a51c-1d76ac6f278e' })
  @IsUUID()
  eventId!: string;

  @ApiProperty({ example: 'itsm.incident.created.v1' })
  @IsString()
  eventType!: string;

  @ApiProperty({ description: 'The record the event is about (CloudEvents `subject`).', example: '3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10' })
  @IsString()
  subject!: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  @IsIn(NOTIFICATION_CHANNELS)
  channel!: NotificationChannel;

  @ApiProperty({ example: 'https://hooks.example.com/itsm', description: 'The URL, or the email address.' })
  @IsString()
  recipient!: string;

  @ApiProperty({ example: 'msg_2b1f0c6e-…', description: 'The `webhook-id` every attempt of this message carries (email: the Message-ID).' })
  @IsString()
  messageId!: string;

  @ApiProperty({ enum: DeliveryStatus, enumName: 'DeliveryStatus' })
  @IsEnum(DeliveryStatus)
  status!: DeliveryStatus;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(0)
  attempts!: number;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the next attempt is due; null when none is scheduled: settled, or an email replayed while SMTP_HOST is unset, waiting for a mail server.',
    example: '2026-03-02T09:31:00.000Z',
  })
  @IsOptional()
  @IsInstant()
  nextAttemptAt!: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 200 })
  @IsOptional()
  @IsInt()
  lastStatusCode!: number | null;

  @ApiProperty({ nullable: true, type: String, example: 'Connection refused by the receiver.' })
  @IsOptional()
  @IsString()
  lastError!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  @IsInstant()
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-02T09:30:02.000Z' })
  @IsOptional()
  @IsInstant()
  deliveredAt!: string | null;

  @ApiProperty({ type: [DeliveryAttemptView] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DeliveryAttemptView)
  attemptLog!: DeliveryAttemptView[];
}

export const DeliveryPage = PageOf(() => DeliveryView, 'DeliveryPage');
export type DeliveryPage = Page<DeliveryView>;

export class ListDeliveriesRequest extends PageRequest {
  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  subscription?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Deliveries of one event (its CloudEvents `id`).' })
  @OptionalNotNull()
  @IsUUID()
  event?: string;

  @ApiPropertyOptional({ enum: DeliveryStatus, isArray: true, description: 'Comma-separated.' })
  @OptionalNotNull()
  @CommaList()
  @IsArray()
  @IsEnum(DeliveryStatus, { each: true })
  status?: DeliveryStatus[];
}

export class DeliveryIdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}
