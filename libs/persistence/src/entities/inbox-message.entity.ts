import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per (consumer, event) applied: written in the handler's transaction, so a redelivery is a no-op. */
@Entity({ name: 'inbox' })
export class InboxMessage {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'inbox_pkey' })
  consumer!: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'inbox_pkey' })
  eventId!: string;

  @Column({ type: 'text' })
  subject!: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}
