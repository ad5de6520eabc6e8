import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { TicketSnapshot } from '../domain/ticket';

/** One version of a ticket, from the event that announced it: the clocks are recomputable from these alone. */
@Entity({ name: 'ticket_facts' })
export class TicketFact {
  @PrimaryColumn({ name: 'ticket_id', type: 'uuid', primaryKeyConstraintName: 'ticket_facts_pkey' })
  ticketId!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'ticket_facts_pkey' })
  version!: number;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'jsonb' })
  snapshot!: TicketSnapshot;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
