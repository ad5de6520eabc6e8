import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { EmailTargetDto, NotificationChannel, NotificationTemplateDto, SubscriptionConditionsDto, WebhookTargetDto } from '@itsm/contracts';

/** Who or what receives which events, under which conditions, and how the message is signed or worded. */
@Entity({ name: 'subscriptions' })
@Index('subscriptions_enabled_idx', ['id'], { where: 'enabled' })
export class Subscription {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'subscriptions_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Patterns such as `incident.*`, `sla.breached`. */
  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes!: string[];

  @Column({ type: 'jsonb' })
  conditions!: SubscriptionConditionsDto;

  @Column({ type: 'text' })
  channel!: NotificationChannel;

  @Column({ type: 'jsonb', nullable: true })
  webhook!: WebhookTargetDto | null;

  @Column({ type: 'jsonb', nullable: true })
  email!: EmailTargetDto | null;

  @Column({ type: 'jsonb', nullable: true })
  template!: NotificationTemplateDto | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'text' })
  owner!: string;

  @Column({ name: 'consecutive_failures', type: 'int', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  /** Standard Webhooks secret (`whsec_…`) the messages are signed with; webhooks only. */
  @Column({ type: 'text', nullable: true })
  secret!: string | null;

  /** The secret before the last rotation: messages carry its signature too until it expires. */
  @Column({ name: 'previous_secret', type: 'text', nullable: true })
  previousSecret!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}
