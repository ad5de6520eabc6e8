import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ReleaseState } from '@itsm/contracts';

/** A release: changes deployed together in one planned window. */
@Entity({ name: 'releases' })
@Unique('releases_number_key', ['number'])
@Check('releases_state_check', `state IN ('planning', 'build', 'test', 'deploy', 'closed', 'canceled')`)
@Check('releases_window_check', 'planned_end > planned_start')
export class Release {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'releases_pkey' })
  id!: string;

  /** `REL0001001`, from the `release_number_seq` sequence. */
  @Column({ type: 'text' })
  number!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'change_ids', type: 'uuid', array: true, default: () => `'{}'` })
  changeIds!: string[];

  @Column({ name: 'planned_start', type: 'timestamptz' })
  plannedStart!: Date;

  @Column({ name: 'planned_end', type: 'timestamptz' })
  plannedEnd!: Date;

  @Column({ type: 'text' })
  state!: ReleaseState;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}
