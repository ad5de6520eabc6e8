import { Column, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn, type ValueTransformer } from 'typeorm';
import type { Priority, SlaKind, SlaMetric, SlaTicketType } from '@itsm/contracts';
import type { ClockStatus, HistoryEntry } from '../domain/clock-engine';

/** Milliseconds as `bigint`: the driver gives strings, the domain wants numbers (exact below 2^53). */
const MS: ValueTransformer = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/** One clock of a ticket, as the domain's `Clock` plus what lists and reports filter on. */
@Entity({ name: 'clocks' })
@Unique('clocks_ticket_policy_metric_cycle_key', ['ticketId', 'policyId', 'metric', 'cycle'])
@Index('clocks_next_alert_idx', ['nextAlertAt'], { where: 'next_alert_at IS NOT NULL' })
@Index('clocks_stopped_idx', ['stoppedAt'])
@Index('clocks_policy_idx', ['policyId'])
export class ClockRow {
  /** Derived from ticket, policy, metric and cycle, so a rebuild finds the same clock. */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'clocks_pkey' })
  id!: string;

  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId!: string;

  @Column({ name: 'ticket_type', type: 'text' })
  ticketType!: SlaTicketType;

  @Column({ name: 'ticket_number', type: 'text' })
  ticketNumber!: string;

  @Column({ name: 'policy_id', type: 'uuid' })
  policyId!: string;

  @Column({ name: 'policy_name', type: 'text' })
  policyName!: string;

  @Column({ type: 'text' })
  kind!: SlaKind;

  @Column({ type: 'text' })
  metric!: SlaMetric;

  @Column({ type: 'int' })
  cycle!: number;

  @Column({ name: 'calendar_id', type: 'text' })
  calendarId!: string;

  @Column({ name: 'target_ms', type: 'bigint', transformer: MS })
  targetMs!: number;

  @Column({ name: 'warn_at', type: 'int', array: true })
  warnAt!: number[];

  @Column({ type: 'text' })
  status!: ClockStatus;

  @Column({ name: 'elapsed_ms', type: 'bigint', transformer: MS })
  elapsedMs!: number;

  @Column({ type: 'timestamptz' })
  since!: Date;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true })
  stoppedAt!: Date | null;

  @Column({ name: 'stop_reason', type: 'text', nullable: true })
  stopReason!: 'met' | 'left' | null;

  @Column({ name: 'breached_at', type: 'timestamptz', nullable: true })
  breachedAt!: Date | null;

  /** Due time while running (null otherwise): lists and the breach filter use it. */
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ type: 'jsonb' })
  history!: HistoryEntry[];

  /** Corrections announced for this clock so far: each correction's fact carries its number (see domain/announcements). */
  @Column({ type: 'int', default: 0 })
  corrections!: number;

  /** When the scheduler must look at this clock for its next warning or breach; null when it owes none. */
  @Column({ name: 'next_alert_at', type: 'timestamptz', nullable: true })
  nextAlertAt!: Date | null;

  /** The ticket's priority, group and service at its last change, for reports. */
  @Column({ type: 'text', nullable: true })
  priority!: Priority | null;

  @Column({ name: 'assignment_group', type: 'text', nullable: true })
  assignmentGroup!: string | null;

  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
