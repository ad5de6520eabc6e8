import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One reader's verdict on one version of an article: a second replaces the first. */
@Entity({ name: 'article_feedback' })
export class ArticleFeedback {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_feedback_pkey' })
  articleId!: string;

  @PrimaryColumn({ name: 'article_version', type: 'int', primaryKeyConstraintName: 'article_feedback_pkey' })
  articleVersion!: number;

  @PrimaryColumn({ name: 'user_id', type: 'text', primaryKeyConstraintName: 'article_feedback_pkey' })
  userId!: string;

  @Column({ type: 'boolean' })
  helpful!: boolean;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @UpdateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;
}
