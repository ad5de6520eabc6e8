import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { CalendarView, HolidayDto, WeeklyHoursDto } from '@itsm/contracts';

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

export function toCalendarView(calendar: Calendar): CalendarView {
  return {
    id: calendar.id,
    name: calendar.name,
    description: calendar.description,
    timeZone: calendar.timeZone,
    weekly: calendar.weekly,
    holidays: calendar.holidays,
    builtIn: false,
    createdAt: calendar.createdAt.toISOString(),
    updatedAt: calendar.updatedAt.toISOString(),
    version: calendar.version,
  };
}
