import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { type Role, RoleSets } from '../actor';
import { defineEvent, defineRpc } from '../message';
import { DeliveryIdRequest, DeliveryPage, DeliveryView, ListDeliveriesRequest } from './delivery.dto';
import {
  ContactSubRequest,
  ContactView,
  CreatedSubscriptionView,
  CreateSubscriptionDto,
  ListSubscriptionsRequest,
  NOTIFICATION_CHANNELS,
  type NotificationChannel,
  PutContactRequest,
  RotatedSecretView,
  RotateSecretRequest,
  SubscriptionIdRequest,
  SubscriptionPage,
  SubscriptionView,
  UpdateSubscriptionRequest,
} from './subscription.dto';
import { IsInstant } from '../field-rules';

/** Which message of which subscription an attempt was, shared by the delivery events. */
class DeliveryEventBase {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  deliveryId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  subscriptionId!: string;

  @ApiProperty({ format: 'uuid', description: 'The event delivered.' })
  @IsUUID()
  eventId!: string;

  @ApiProperty({ example: 'itsm.incident.created.v1' })
  @IsString()
  eventType!: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  @IsIn(NOTIFICATION_CHANNELS)
  channel!: NotificationChannel;

  @ApiProperty({ example: 'https://hooks.example.com/itsm' })
  @IsString()
  recipient!: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  attempt!: number;

  @ApiProperty({ nullable: true, type: Number, example: 200 })
  @IsOptional()
  @IsInt()
  statusCode!: number | null;

  @ApiProperty({ example: 84 })
  @IsInt()
  @Min(0)
  latencyMs!: number;
}

/** Payload of `itsm.events.notification.delivered.v1`. */
export class NotificationDeliveredV1 extends DeliveryEventBase {}

/** Payload of `itsm.events.notification.failed.v1`: one attempt failed. */
export class NotificationFailedV1 extends DeliveryEventBase {
  @ApiProperty({ example: 'HTTP 503' })
  @IsString()
  error!: string;

  @ApiProperty({ description: 'Another attempt is scheduled.' })
  @IsBoolean()
  willRetry!: boolean;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  @IsOptional()
  @IsInstant()
  nextAttemptAt!: string | null;
}

/** Payload of `itsm.events.notification.subscription_disabled.v1`. */
export class SubscriptionDisabledV1 {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  subscriptionId!: string;

  @ApiProperty()
  @IsString()
  name!: string;

  @ApiProperty({ example: 'ada' })
  @IsString()
  owner!: string;

  @ApiProperty({ example: 5 })
  @IsInt()
  @Min(1)
  consecutiveFailures!: number;

  @ApiProperty({ example: 'disabled after 5 failed messages in a row' })
  @IsString()
  reason!: string;
}

export const NotificationEvents = {
  delivered: defineEvent({ domain: 'notification', name: 'delivered', version: 1, payload: NotificationDeliveredV1, summary: 'A notification reached its recipient (webhook answered 2xx, or the mail server took the email).' }),
  failed: defineEvent({ domain: 'notification', name: 'failed', version: 1, payload: NotificationFailedV1, summary: 'One attempt to deliver a notification failed; `willRetry` says whether another follows.' }),
  subscriptionDisabled: defineEvent({
    domain: 'notification',
    name: 'subscription_disabled',
    version: 1,
    payload: SubscriptionDisabledV1,
    summary: 'A subscription was disabled automatically after failing messages in a row.',
  }),
} as const;

const notificationRpc = <O extends string, Q, S>(operation: O, request: new () => Q, response: new () => S, summary: string, roles: readonly Role[]) =>
  defineRpc({ domain: 'notification', operation, request, response, summary, roles });

export const NotificationRpc = {
  createSubscription: notificationRpc('subscription_create', CreateSubscriptionDto, CreatedSubscriptionView, 'Subscribe a webhook or email recipients to events; a webhook’s secret is in this reply only.', RoleSets.agents),
  getSubscription: notificationRpc('subscription_get', SubscriptionIdRequest, SubscriptionView, 'Read one subscription.', RoleSets.agents),
  listSubscriptions: notificationRpc('subscription_list', ListSubscriptionsRequest, SubscriptionPage, 'List subscriptions, newest first.', RoleSets.agents),
  updateSubscription: notificationRpc('subscription_update', UpdateSubscriptionRequest, SubscriptionView, 'Replace a subscription (enabling it again resets its failure count).', RoleSets.agents),
  deleteSubscription: notificationRpc('subscription_delete', SubscriptionIdRequest, SubscriptionView, 'Remove a subscription; its delivery log stays until it expires.', RoleSets.agents),
  rotateSecret: notificationRpc('subscription_rotate_secret', RotateSecretRequest, RotatedSecretView, 'New webhook signing secret; the previous one keeps signing beside it for a while.', RoleSets.agents),
  listDeliveries: notificationRpc('delivery_list', ListDeliveriesRequest, DeliveryPage, 'The delivery log, newest first, with every attempt.', RoleSets.agents),
  getDelivery: notificationRpc('delivery_get', DeliveryIdRequest, DeliveryView, 'One delivery with its attempts.', RoleSets.agents),
  replayDelivery: notificationRpc('delivery_replay', DeliveryIdRequest, DeliveryView, 'Send a message again (same message id), whatever its status.', RoleSets.agents),
  putContact: notificationRpc('contact_put', PutContactRequest, ContactView, 'Set the email address and groups of a person.', RoleSets.admins),
  getContact: notificationRpc('contact_get', ContactSubRequest, ContactView, 'Read a person’s contact.', RoleSets.agents),
} as const;
