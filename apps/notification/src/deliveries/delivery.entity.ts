import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryColumn, Unique } from 'typeorm';
import { type DeliveryStatus, type NotificationChannel } from '@itsm/contracts';

/** What a delivery sends: the CloudEvent (webhooks), or the rendered email. */
export type DeliveryContent = { kind: 'webhook'; body: string } | { kind: 'email'; to: string; subject: string; text: string; html: string | null };

/**
 * One message of one subscription to one recipient. The key (subscription, event, recipient) makes an event
 * that arrives twice one message; `seq` orders the messages of a subscription and ticket.
 */
@Entity({ name: 'deliveries' })
@Unique('deliveries_subscription_event_recipient_key', ['subscriptionId', 'eventId', 'recipient'])
@Index('deliveries_due_idx', ['nextAttemptAt'], { where: `status IN ('pending', 'retrying')` })
@Index('deliveries_order_idx', ['subscriptionId', 'orderingKey', 'seq'])
@Index('deliveries_event_idx', ['eventId'])
@Index('deliveries_created_idx', ['createdAt'])
export class Delivery {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'deliveries_pkey' })
  id!: string;

  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'text' })
  subject!: string;

  /** The ticket (or else the record) the event is about: messages with the same key go out in event order. */
  @Column({ name: 'ordering_key', type: 'text' })
  orderingKey!: string;

  @Column({ type: 'text' })
  channel!: NotificationChannel;

  /** URL or email address. */
  @Column({ type: 'text' })
  recipient!: string;

  /** Host the message goes to (the URL's host, or the mail server): the pool a delivery waits in. */
  @Column({ type: 'text' })
  host!: string;

  /** `webhook-id` (the same for every attempt and replay) or email Message-ID. */
  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ type: 'jsonb' })
  content!: DeliveryContent;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** Claimed by a dispatcher until then (an attempt in flight). */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  /** The next attempt is a replay someone asked for. */
  @Column({ name: 'replay_requested', type: 'boolean', default: false })
  replayRequested!: boolean;

  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
