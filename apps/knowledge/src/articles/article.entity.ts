import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ArticleState } from '@itsm/contracts';

const timestamp = { type: 'timestamptz', nullable: true } as const;

/**
 * A knowledge article: its identity, where it stands, and its counters. Its content lives in its versions
 * (`article_versions`): the published one is what readers see while a newer one may be in draft or review.
 */
@Entity({ name: 'articles' })
@Unique('articles_number_key', ['number'])
@Index('articles_state_idx', ['state', 'updatedAt'])
@Index('articles_owner_idx', ['ownerId', 'state'])
@Index('articles_review_by_idx', ['reviewBy'])
@Index('articles_known_error_key', { synchronize: false })
@Check('articles_state_check', `state IN ('draft', 'in_review', 'published', 'retired')`)
export class Article {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'articles_pkey' })
  id!: string;

  /** `KB0001001`, from the `article_number_seq` sequence. */
  @Column({ type: 'text' })
  number!: string;

  /** Where the article stands as a whole: `published` while a published version exists (even with a newer draft), else its latest version's state. */
  @Column({ type: 'text' })
  state!: ArticleState;

  @Column({ name: 'owner_id', type: 'text' })
  ownerId!: string;

  /** The newest content version (1, 2, …). */
  @Column({ name: 'latest_version', type: 'int' })
  latestVersion!: number;

  /** The version readers see, or null before the first publication. */
  @Column({ name: 'published_version', type: 'int', nullable: true })
  publishedVersion!: number | null;

  @Column({ name: 'review_by', ...timestamp })
  reviewBy!: Date | null;

  @Column({ name: 'problem_id', type: 'uuid', nullable: true })
  problemId!: string | null;

  @Column({ name: 'known_error_id', type: 'uuid', nullable: true })
  knownErrorId!: string | null;

  @Column({ type: 'boolean', default: false })
  flagged!: boolean;

  @Column({ name: 'flag_reason', type: 'text', nullable: true })
  flagReason!: string | null;

  @Column({ name: 'helpful_count', type: 'int', default: 0 })
  helpfulCount!: number;

  @Column({ name: 'not_helpful_count', type: 'int', default: 0 })
  notHelpfulCount!: number;

  @Column({ name: 'view_count', type: 'int', default: 0 })
  viewCount!: number;

  @Column({ name: 'link_count', type: 'int', default: 0 })
  linkCount!: number;

  @Column({ name: 'published_at', ...timestamp })
  publishedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}
