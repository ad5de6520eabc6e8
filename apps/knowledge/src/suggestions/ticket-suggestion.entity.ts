import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The articles last suggested for a ticket, so a ticket version that suggests the same ones announces nothing. */
@Entity({ name: 'ticket_suggestions' })
export class TicketSuggestion {
  @PrimaryColumn({ name: 'ticket_id', type: 'uuid', primaryKeyConstraintName: 'ticket_suggestions_pkey' })
  ticketId!: string;

  @Column({ name: 'ticket_type', type: 'text' })
  ticketType!: string;

  /** The ticket version these were computed from; an older version arriving late is ignored. */
  @Column({ name: 'ticket_version', type: 'int' })
  ticketVersion!: number;

  @Column({ name: 'article_ids', type: 'uuid', array: true, default: () => `'{}'` })
  articleIds!: string[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
