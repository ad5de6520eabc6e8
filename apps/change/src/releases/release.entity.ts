import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ReleaseState, ReleaseView } from '@itsm/contracts';

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

  /** Why it was canceled; null otherwise. */
  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toReleaseView(release: Release): ReleaseView {
  return {
    id: release.id,
    number: release.number,
    name: release.name,
    description: release.description,
    changeIds: release.changeIds,
    plannedStart: release.plannedStart.toISOString(),
    plannedEnd: release.plannedEnd.toISOString(),
    state: release.state,
    cancelReason: release.cancelReason,
    createdBy: release.createdBy,
    createdAt: release.createdAt.toISOString(),
    updatedAt: release.updatedAt.toISOString(),
    version: release.version,
  };
}
