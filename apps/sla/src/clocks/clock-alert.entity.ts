import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A warning (threshold < 100) or the breach (100) sent for a clock: the key makes each one exactly once. */
@Entity({ name: 'clock_alerts' })
@Index('clock_alerts_breaches_idx', ['dueAt'], { where: 'threshold_percent = 100' })
export class ClockAlert {
  @PrimaryColumn({ name: 'clock_id', type: 'uuid', primaryKeyConstraintName: 'clock_alerts_pkey' })
  clockId!: string;

  @PrimaryColumn({ name: 'threshold_percent', type: 'int', primaryKeyConstraintName: 'clock_alerts_pkey' })
  thresholdPercent!: number;

  /** When the clock crossed the threshold. */
  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @CreateDateColumn({ name: 'emitted_at', type: 'timestamptz' })
  emittedAt!: Date;
}
