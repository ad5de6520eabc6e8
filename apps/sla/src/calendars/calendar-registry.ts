import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ALWAYS_CALENDAR_ID } from '@itsm/contracts';
import { BusinessCalendar, type CalendarDefinition } from '../domain/business-calendar';
import { Calendar } from './calendar.entity';

export function definitionOf(calendar: Pick<Calendar, 'timeZone' | 'weekly' | 'holidays'>): CalendarDefinition {
  return { timeZone: calendar.timeZone, weekly: calendar.weekly, holidays: calendar.holidays.map((holiday) => holiday.date) };
}

/**
 * Compiled calendars by id. Each lookup asks the database for the current versions (one small query), so an
 * edit made through another replica is seen at once; only changed calendars are read and compiled again.
 */
@Injectable()
export class CalendarRegistry {
  private readonly compiled = new Map<string, { version: number; calendar: BusinessCalendar }>();

  /**
   * Every calendar as of this transaction; unknown ids (a calendar never deleted, so none) fall back to 24x7.
   * `versions` are every calendar's id and version when the caller has just read them in its transaction.
   */
  async snapshot(manager: EntityManager, known?: ReadonlyArray<{ id: string; version: number }>): Promise<(id: string) => BusinessCalendar> {
    const versions: ReadonlyArray<{ id: string; version: number }> = known ?? (await manager.query(`SELECT id, version FROM ${manager.connection.getMetadata(Calendar).tablePath}`));
    const stale = versions.filter((row) => this.compiled.get(row.id)?.version !== row.version).map((row) => row.id);
    if (stale.length > 0) {
      for (const calendar of await manager.getRepository(Calendar).findBy(stale.map((id) => ({ id })))) this.remember(calendar);
    }
    const current = new Map(versions.map((row) => [row.id, this.compiled.get(row.id)?.calendar]));
    return (id) => (id === ALWAYS_CALENDAR_ID ? BusinessCalendar.ALWAYS : (current.get(id) ?? BusinessCalendar.ALWAYS));
  }

  remember(calendar: Calendar): BusinessCalendar {
    const compiled = BusinessCalendar.of(definitionOf(calendar));
    this.compiled.set(calendar.id, { version: calendar.version, calendar: compiled });
    return compiled;
  }

  async one(manager: EntityManager, id: string): Promise<BusinessCalendar | null> {
    if (id === ALWAYS_CALENDAR_ID) return BusinessCalendar.ALWAYS;
    const calendar = await manager.findOneBy(Calendar, { id });
    if (!calendar) return null;
    const known = this.compiled.get(id);
    return known?.version === calendar.version ? known.calendar : this.remember(calendar);
  }
}
