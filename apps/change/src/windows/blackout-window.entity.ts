import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { BlackoutScope, BlackoutWindowView } from '@itsm/contracts';

/** A freeze: no change may run in it, everywhere or on some services or CIs; once, or recurring by an RRULE in a time zone. */
@Entity({ name: 'blackout_windows' })
@Unique('blackout_windows_name_key', ['name'])
@Check('blackout_windows_scope_check', `scope IN ('global', 'service', 'ci')`)
@Check('blackout_windows_span_check', 'ends_at > starts_at')
export class BlackoutWindow {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'blackout_windows_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text' })
  scope!: BlackoutScope;

  /** The services (scope service) or CIs (scope ci) it freezes; empty for global. */
  @Column({ name: 'target_ids', type: 'uuid', array: true, default: () => `'{}'` })
  targetIds!: string[];

  /** The first occurrence. */
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

export function toBlackoutWindowView(window: BlackoutWindow): BlackoutWindowView {
  return {
    id: window.id,
    name: window.name,
    description: window.description,
    scope: window.scope,
    targetIds: window.targetIds,
    start: window.startsAt.toISOString(),
    end: window.endsAt.toISOString(),
    rrule: window.rrule,
    timeZone: window.timeZone,
    createdAt: window.createdAt.toISOString(),
    updatedAt: window.updatedAt.toISOString(),
    version: window.version,
  };
}
