import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { SlaTicketType } from '@itsm/contracts';
import type { TicketSnapshot } from '../domain/ticket';

/**
 * A ticket as the SLA service knows it: the last snapshot applied to its clocks. Its row is the lock that puts
 * the events of one ticket in a line, whichever replica consumes them.
 */
@Entity({ name: 'tickets' })
@Index('tickets_stale_idx', ['id'], { where: 'stale' })
export class SlaTicket {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'tickets_pkey' })
  id!: string;

  @Column({ type: 'text' })
  type!: SlaTicketType;

  @Column({ type: 'text' })
  number!: string;

  /** The last snapshot applied (its `at` is the effective time); null until the first. */
  @Column({ name: 'last_snapshot', type: 'jsonb', nullable: true })
  last!: TicketSnapshot | null;

  /** Not resolved, canceled or closed, or with a clock still running: policy edits reach its clocks. */
  @Column({ type: 'boolean', default: true })
  open!: boolean;

  /** A policy or calendar changed since its clocks were computed: rebuild them from the events. */
  @Column({ type: 'boolean', default: false })
  stale!: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
