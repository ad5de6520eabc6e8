import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { KnowledgeTicketType } from '@itsm/contracts';

/** "This solved it": an article linked to a ticket by an agent. */
@Entity({ name: 'article_links' })
@Index('article_links_ticket_idx', ['ticketId'])
export class ArticleLink {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_links_pkey' })
  articleId!: string;

  @PrimaryColumn({ name: 'ticket_id', type: 'uuid', primaryKeyConstraintName: 'article_links_pkey' })
  ticketId!: string;

  @Column({ name: 'ticket_type', type: 'text' })
  ticketType!: KnowledgeTicketType;

  @Column({ name: 'linked_by_id', type: 'text' })
  linkedById!: string;

  @CreateDateColumn({ name: 'linked_at', type: 'timestamptz' })
  linkedAt!: Date;
}
