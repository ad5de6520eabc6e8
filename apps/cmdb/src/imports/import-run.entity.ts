import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ImportCounts } from '@itsm/contracts';

/** One import batch: who ran it, from which source, and what it did. */
@Entity({ name: 'import_runs' })
@Index('import_runs_source_idx', ['source', 'startedAt'])
export class ImportRun {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'import_runs_pkey' })
  id!: string;

  @Column({ type: 'text' })
  source!: string;

  /** `batch` or `kubernetes`. */
  @Column({ type: 'text' })
  kind!: string;

  /** For Kubernetes: the cluster. */
  @Column({ type: 'text', nullable: true })
  scope!: string | null;

  @Column({ name: 'actor_id', type: 'text' })
  actorId!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  counts!: ImportCounts | null;
}
