import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, type DataSource } from 'typeorm';
import {
  BlackoutScope,
  type ChangeCalendar,
  type ChangeCalendarIcs,
  type ChangeCalendarQuery,
  ChangeWindowKind,
  type ChangeWindowOccurrence,
  CommonError,
  CommonErrorCode,
} from '@itsm/contracts';
import { type Interval, occurrences, WindowError } from '../domain/windows';
import { Change, toChangeView } from '../changes/change.entity';
import { BlackoutWindow } from '../windows/blackout-window.entity';
import { MaintenanceWindow } from '../windows/maintenance-window.entity';
import { invalidRrule } from '../windows/window-times';
import { calendarIcs } from './calendar-ics';
import { HOLDS_WINDOW_SQL, recurringWindowOf } from './schedule.service';

/** The longest period one calendar query may span. */
export const MAX_CALENDAR_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

function periodOf(query: ChangeCalendarQuery): Interval {
  const start = new Date(query.from);
  const end = new Date(query.to);
  if (end.getTime() <= start.getTime()) throw new CommonError(CommonErrorCode.InvalidRequest, 'the period is empty', { errors: [{ field: 'to', message: 'must be after from' }] });
  if (end.getTime() - start.getTime() > MAX_CALENDAR_DAYS * DAY_MS) {
    throw new CommonError(CommonErrorCode.InvalidRequest, `the period is longer than ${MAX_CALENDAR_DAYS} days`, { errors: [{ field: 'to', message: `must be at most ${MAX_CALENDAR_DAYS} days after from` }] });
  }
  return { start, end };
}

/** The change calendar: the changes holding their windows in a period, and the blackout and maintenance occurrences. */
@Injectable()
export class CalendarService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async calendar(query: ChangeCalendarQuery): Promise<ChangeCalendar> {
    return (await this.read(query)).calendar;
  }

  async calendarIcs(query: ChangeCalendarQuery): Promise<ChangeCalendarIcs> {
    const { calendar, descriptions } = await this.read(query);
    return { ics: calendarIcs(calendar, descriptions, new Date()) };
  }

  /** The calendar, and the descriptions of the windows it shows (the occurrences do not carry them). */
  private async read(query: ChangeCalendarQuery): Promise<{ calendar: ChangeCalendar; descriptions: Map<string, string> }> {
    const period = periodOf(query);
    const ciId = query.ciId;
    const changes = this.dataSource
      .getRepository(Change)
      .createQueryBuilder('c')
      .where(HOLDS_WINDOW_SQL)
      .andWhere('c.plannedStart < :end AND c.plannedEnd > :start', { start: period.start, end: period.end })
      .orderBy('c.plannedStart', 'ASC')
      .addOrderBy('c.number', 'ASC');
    const blackouts = this.dataSource.getRepository(BlackoutWindow).createQueryBuilder('b').where('b.startsAt < :end', { end: period.end });
    const maintenance = this.dataSource.getRepository(MaintenanceWindow).createQueryBuilder('m').where('m.startsAt < :end', { end: period.end });
    if (ciId !== undefined) {
      changes.andWhere(':ciId = ANY(c.ciIds)', { ciId });
      blackouts.andWhere(new Brackets((scope) => scope.where('b.scope = :global', { global: BlackoutScope.Global }).orWhere(':ciId = ANY(b.targetIds)', { ciId })));
      maintenance.andWhere(':ciId = ANY(m.ciIds)', { ciId });
    }
    const [changeRows, blackoutRows, maintenanceRows] = await Promise.all([changes.getMany(), blackouts.getMany(), maintenance.getMany()]);

    const windows: ChangeWindowOccurrence[] = [
      ...blackoutRows.flatMap((window) => occurrencesOf(window, ChangeWindowKind.Blackout, window.targetIds, period)),
      ...maintenanceRows.flatMap((window) => occurrencesOf(window, ChangeWindowKind.Maintenance, window.ciIds, period)),
    ].sort((a, b) => a.start.localeCompare(b.start) || a.name.localeCompare(b.name));
    const descriptions = new Map([...blackoutRows, ...maintenanceRows].map((window) => [window.id, window.description]));
    return {
      calendar: { from: period.start.toISOString(), to: period.end.toISOString(), changes: changeRows.map(toChangeView), windows },
      descriptions,
    };
  }
}

function occurrencesOf(window: BlackoutWindow | MaintenanceWindow, kind: ChangeWindowKind, targetIds: string[], period: Interval): ChangeWindowOccurrence[] {
  let spans: Interval[];
  try {
    spans = occurrences(recurringWindowOf(window), period.start, period.end);
  } catch (error) {
    if (error instanceof WindowError) throw invalidRrule(`${kind} window "${window.name}" cannot be listed for this period: ${error.message}`);
    throw error;
  }
  return spans.map((span) => ({ kind, windowId: window.id, name: window.name, start: span.start.toISOString(), end: span.end.toISOString(), targetIds }));
}
