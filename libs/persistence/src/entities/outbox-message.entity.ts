import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** An event committed with the write that caused it, waiting for the relay to put it on JetStream. */
@Entity({ name: 'outbox' })
@Unique('outbox_event_id_key', ['eventId'])
@Index('outbox_unsent_idx', ['id'], { where: 'sent_at IS NULL' })
export class OutboxMessage {
  /** Insert order; the relay publishes unsent rows in this order. */
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'outbox_pkey' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  subject!: string;

  /** The whole CloudEvent, as published. */
  @Column({ type: 'jsonb' })
  envelope!: object;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  headers!: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
