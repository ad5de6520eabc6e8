import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { HolidayDto, WeeklyHoursDto } from '@itsm/contracts';

/** A business-hours calendar: weekly hours in an IANA zone, and holidays. The built-in `24x7` has no row. */
@Entity({ name: 'calendars' })
@Unique('calendars_name_key', ['name'])
export class Calendar {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'calendars_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ type: 'jsonb' })
  weekly!: WeeklyHoursDto;

  /** Sorted by date. */
  @Column({ type: 'jsonb' })
  holidays!: HolidayDto[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}
