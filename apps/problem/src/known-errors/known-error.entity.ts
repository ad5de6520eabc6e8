import { Check, Column, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { KnownErrorState, KnownErrorView } from '@itsm/contracts';

/** A known error: a problem's root cause and workaround, published for the service desk (the KEDB). */
@Entity({ name: 'known_errors' })
@Unique('known_errors_number_key', ['number'])
@Index('known_errors_problem_idx', ['problemId'])
@Index('known_errors_search_idx', { synchronize: false })
@Index('known_errors_published_problem_key', { synchronize: false })
@Check('known_errors_state_check', `state IN ('published', 'retired')`)
export class KnownError {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'known_errors_pkey' })
  id!: string;

  /** `KE0001001`, from the `known_error_number_seq` sequence. */
  @Column({ type: 'text' })
  number!: string;

  @Column({ name: 'problem_id', type: 'uuid' })
  problemId!: string;

  @Column({ name: 'problem_number', type: 'text' })
  problemNumber!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  symptoms!: string;

  @Column({ name: 'root_cause', type: 'text' })
  rootCause!: string;

  @Column({ type: 'text' })
  workaround!: string;

  @Column({ name: 'cause_category', type: 'text', nullable: true })
  causeCategory!: string | null;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId!: string | null;

  @Column({ name: 'ci_ids', type: 'uuid', array: true, default: () => `'{}'` })
  ciIds!: string[];

  @Column({ type: 'text' })
  state!: KnownErrorState;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt!: Date;

  @Column({ name: 'published_by_id', type: 'text' })
  publishedById!: string;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @Column({ name: 'retire_reason', type: 'text', nullable: true })
  retireReason!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toKnownErrorView(knownError: KnownError): KnownErrorView {
  return {
    id: knownError.id,
    number: knownError.number,
    problemId: knownError.problemId,
    problemNumber: knownError.problemNumber,
    title: knownError.title,
    symptoms: knownError.symptoms,
    rootCause: knownError.rootCause,
    workaround: knownError.workaround,
    causeCategory: knownError.causeCategory,
    ciIds: knownError.ciIds,
    serviceId: knownError.serviceId,
    // Published from a problem, whose category is required; the column allows null for rows written by hand.
    category: knownError.category ?? '',
    state: knownError.state,
    publishedAt: knownError.publishedAt.toISOString(),
    publishedBy: knownError.publishedById,
    retiredAt: knownError.retiredAt ? knownError.retiredAt.toISOString() : null,
    retireReason: knownError.retireReason,
    version: knownError.version,
  };
}
