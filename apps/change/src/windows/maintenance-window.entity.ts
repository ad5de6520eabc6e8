import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { MaintenanceWindowView } from '@itsm/contracts';

/** When some CIs may be changed: a change touching one of them must lie wholly inside one occurrence. */
@Entity({ name: 'maintenance_windows' })
@Unique('maintenance_windows_name_key', ['name'])
@Check('maintenance_windows_span_check', 'ends_at > starts_at')
export class MaintenanceWindow {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'maintenance_windows_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'ci_ids', type: 'uuid', array: true })
  ciIds!: string[];

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'text', nullable: true })
  rrule!: string | null;

  @Column({ name: 'time_zone', type: 'text', default: 'UTC' })
  timeZone!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toMaintenanceWindowView(window: MaintenanceWindow): MaintenanceWindowView {
  return {
    id: window.id,
    name: window.name,
    description: window.description,
    ciIds: window.ciIds,
    start: window.startsAt.toISOString(),
    end: window.endsAt.toISOString(),
    rrule: window.rrule,
    timeZone: window.timeZone,
    createdAt: window.createdAt.toISOString(),
    updatedAt: window.updatedAt.toISOString(),
    version: window.version,
  };
}
