import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ArticleAudience, ArticleLanguage } from '@itsm/contracts';

const timestamp = { type: 'timestamptz', nullable: true } as const;

/**
 * One content version of an article, as written (Markdown) and as rendered (sanitized HTML), with its own state:
 * `draft`, `in_review`, `published` (the one readers see), `superseded` (published before) or `retired`. Its search
 * vectors (`search`, weighted title > tags > summary > body in the version's language, and `head`, the same without
 * the body) are kept by a trigger.
 */
@Entity({ name: 'article_versions' })
@Index('article_versions_published_idx', ['state'], { where: `state = 'published'` })
@Index('article_versions_search_english_idx', { synchronize: false })
@Index('article_versions_search_german_idx', { synchronize: false })
@Index('article_versions_search_french_idx', { synchronize: false })
@Index('article_versions_search_spanish_idx', { synchronize: false })
@Index('article_versions_search_simple_idx', { synchronize: false })
@Index('article_versions_head_english_idx', { synchronize: false })
@Index('article_versions_head_german_idx', { synchronize: false })
@Index('article_versions_head_french_idx', { synchronize: false })
@Index('article_versions_head_spanish_idx', { synchronize: false })
@Index('article_versions_head_simple_idx', { synchronize: false })
@Index('article_versions_title_trgm_idx', { synchronize: false })
@Index('article_versions_ci_ids_idx', { synchronize: false })
@Check('article_versions_state_check', `state IN ('draft', 'in_review', 'published', 'superseded', 'retired')`)
@Check('article_versions_audience_check', `audience IN ('public', 'internal')`)
@Check('article_versions_language_check', `language IN ('english', 'german', 'french', 'spanish', 'simple')`)
export class ArticleVersion {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_versions_pkey' })
  articleId!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'article_versions_pkey' })
  number!: number;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'body_html', type: 'text' })
  bodyHtml!: string;

  @Column({ type: 'text', default: '' })
  summary!: string;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  tags!: string[];

  @Column({ name: 'service_ids', type: 'uuid', array: true, default: () => `'{}'` })
  serviceIds!: string[];

  @Column({ name: 'ci_ids', type: 'uuid', array: true, default: () => `'{}'` })
  ciIds!: string[];

  @Column({ type: 'text' })
  audience!: ArticleAudience;

  @Column({ type: 'text' })
  language!: ArticleLanguage;

  @Column({ name: 'author_id', type: 'text' })
  authorId!: string;

  @Column({ name: 'reviewed_by_id', type: 'text', nullable: true })
  reviewedById!: string | null;

  @Column({ name: 'review_comment', type: 'text', nullable: true })
  reviewComment!: string | null;

  @Column({ name: 'submitted_at', ...timestamp })
  submittedAt!: Date | null;

  @Column({ name: 'published_at', ...timestamp })
  publishedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Kept by the `article_versions_search` trigger from the fields above; never written or read by the entity. */
  @Column({ type: 'tsvector', select: false, insert: false, update: false })
  search!: string;

  /** `search` without the body (title, tags, summary): what a search ranks every match by first. Kept by the same trigger. */
  @Column({ type: 'tsvector', select: false, insert: false, update: false, default: () => "''" })
  head!: string;
}
