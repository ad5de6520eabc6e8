import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every event of the suite as the notification service received it: the input of its rules and its audit trail. */
@Entity({ name: 'event_log' })
@Index('event_log_subject_idx', ['subject', 'occurredAt'])
export class ReceivedEvent {
  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'event_log_pkey' })
  eventId!: string;

  /** CloudEvents type, e.g. `itsm.incident.created.v1`. */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  source!: string;

  /** Id of the record the event is about. */
  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;

  @Column({ type: 'jsonb' })
  data!: object;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
