import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  ALWAYS_CALENDAR_ID,
  type CalendarAddRequest,
  type CalendarAddResult,
  type CalendarBetweenRequest,
  type CalendarBetweenResult,
  type CalendarDefinitionDto,
  type CalendarList,
  type CalendarView,
  type CreateCalendarDto,
  type HolidayDto,
  type ImportHolidaysRequest,
  type ListCalendarsRequest,
  parseBusinessDuration,
  SlaError,
  SlaErrorCode,
  type UpdateCalendarRequest,
} from '@itsm/contracts';
import { assertChangeableCalendar } from '../domain/access';
import { type BusinessCalendar, type BusinessTimeProblem, BusinessTimeOutOfRangeError, checkCalendar, WEEKDAYS } from '../domain/business-calendar';
import { IcsError, type IcsProblem, parseHolidayIcs } from '../domain/holiday-ics';
import { markCalendarTicketsStale } from '../clocks/staleness';
import { CalendarRegistry, definitionOf } from './calendar-registry';
import { Calendar, toCalendarView } from './calendar.entity';
import { calendarNotFound, CalendarWriter } from './calendar.writer';

const BUILT_IN_SINCE = new Date('2026-01-01T00:00:00Z').toISOString();
const ALL_DAY = [{ start: '00:00', end: '24:00' }];

/** The built-in calendar: every hour of every day, in UTC. */
export const ALWAYS_VIEW: CalendarView = {
  id: ALWAYS_CALENDAR_ID,
  name: '24x7',
  description: 'Every hour of every day: business time is wall-clock time.',
  timeZone: 'UTC',
  weekly: Object.fromEntries(WEEKDAYS.map((day) => [day, ALL_DAY])),
  holidays: [],
  builtIn: true,
  createdAt: BUILT_IN_SINCE,
  updatedAt: BUILT_IN_SINCE,
  version: 1,
};

const HOLIDAY_FILE_REFUSALS: Record<IcsProblem, { reason: SlaErrorCode; what: string }> = {
  invalid: { reason: SlaErrorCode.HolidayFileInvalid, what: 'the iCalendar file cannot be read' },
  malformed: { reason: SlaErrorCode.HolidayFileMalformed, what: 'the iCalendar file is malformed' },
  'too-large': { reason: SlaErrorCode.HolidayFileTooLarge, what: 'the iCalendar file is more than one import reads' },
};

/** A refused holiday file: the reason says which kind of fault, `exceeded` and `limit` which limit it went past. */
function holidayFileError(error: IcsError): SlaError {
  const { reason, what } = HOLIDAY_FILE_REFUSALS[error.problem];
  return new SlaError(reason, `${what}: ics`, { errors: [{ field: 'ics', message: error.message }], ...error.limit });
}

const BUSINESS_TIME_REFUSALS: Record<BusinessTimeProblem, { reason: SlaErrorCode; what: string; field: string; message: string }> = {
  'past-last-instant': {
    reason: SlaErrorCode.BusinessTimeOutOfRange,
    what: 'the business time would end past the last instant the service represents',
    field: 'duration',
    message: 'ends past the last representable instant on this calendar; use a shorter duration or an earlier start',
  },
  'no-business-time': {
    reason: SlaErrorCode.CalendarHasNoBusinessTime,
    what: 'the calendar has no business time for 20 years after the start',
    field: 'id',
    message: 'names a calendar whose weekly hours and holidays leave no business time for 20 years after the start',
  },
};

/** A business duration the calendar cannot add: `details.errors` names the field to change. */
function businessTimeError(error: BusinessTimeOutOfRangeError): SlaError {
  const { reason, what, field, message } = BUSINESS_TIME_REFUSALS[error.problem];
  return SlaError.ofFields(reason, what, [{ field, message }]);
}

/** Holidays sorted by date, one per date (the first name given wins). */
function normalizeHolidays(holidays: readonly HolidayDto[]): HolidayDto[] {
  const byDate = new Map<string, HolidayDto>();
  for (const holiday of holidays) if (!byDate.has(holiday.date)) byDate.set(holiday.date, { date: holiday.date, name: holiday.name });
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** Weekly hours without the days left empty, intervals as given. */
function normalizeWeekly(weekly: CalendarDefinitionDto['weekly']): CalendarDefinitionDto['weekly'] {
  const result: CalendarDefinitionDto['weekly'] = {};
  for (const day of WEEKDAYS) {
    const intervals = weekly[day];
    if (intervals && intervals.length > 0) result[day] = intervals.map((interval) => ({ start: interval.start, end: interval.end, ...(interval.overnight ? { overnight: true } : {}) }));
  }
  return result;
}

/** Business-hours calendars and the business-time arithmetic on them. */
@Injectable()
export class CalendarsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: CalendarRegistry,
    private readonly writer: CalendarWriter,
  ) {}

  async list(query: ListCalendarsRequest): Promise<CalendarList> {
    const rows = await this.dataSource.getRepository(Calendar).find({ order: { name: 'ASC' } });
    const filter = query.name?.toLowerCase();
    const views = [ALWAYS_VIEW, ...rows.map(toCalendarView)];
    return { items: filter ? views.filter((view) => view.name.toLowerCase().includes(filter)) : views };
  }

  async get(id: string): Promise<CalendarView> {
    if (id === ALWAYS_CALENDAR_ID) return ALWAYS_VIEW;
    const calendar = await this.dataSource.getRepository(Calendar).findOneBy({ id: id.toLowerCase() });
    if (!calendar) throw calendarNotFound(id);
    return toCalendarView(calendar);
  }

  async create(input: CreateCalendarDto, actor: Actor): Promise<CalendarView> {
    const fields = this.definition(input);
    return this.dataSource.transaction(async (manager) => {
      await this.assertNameFree(manager, input.name, null);
      const now = new Date();
      const calendar = manager.create(Calendar, { id: randomUUID(), ...fields, createdAt: now, updatedAt: now, version: 1 });
      return this.writer.insert(manager, calendar, { actorId: actor.sub });
    });
  }

  async update(request: UpdateCalendarRequest, actor: Actor): Promise<CalendarView> {
    const fields = this.definition(request);
    return this.change(request.id, request.expectedVersion, actor, async (manager, calendar) => {
      await this.assertNameFree(manager, request.name, calendar.id);
      return fields;
    });
  }

  async importHolidays(request: ImportHolidaysRequest, actor: Actor): Promise<CalendarView> {
    const fromYear = request.fromYear ?? new Date().getUTCFullYear();
    const toYear = request.toYear ?? fromYear + 5;
    if (toYear < fromYear) throw SlaError.ofFields(SlaErrorCode.HolidayYearsInverted, 'the import cannot be done as asked', [{ field: 'toYear', message: 'must not be before fromYear' }]);
    let imported: HolidayDto[];
    try {
      imported = parseHolidayIcs(request.ics, { fromYear, toYear });
    } catch (error) {
      if (error instanceof IcsError) throw holidayFileError(error);
      throw error;
    }
    return this.change(request.id, request.expectedVersion, actor, (_manager, calendar) => {
      const holidays = normalizeHolidays(request.replace ? imported : [...calendar.holidays, ...imported]);
      const definition = { timeZone: calendar.timeZone, weekly: calendar.weekly, holidays };
      const errors = checkCalendar(definitionOf(definition));
      if (errors.length > 0) throw SlaError.ofFields(SlaErrorCode.CalendarInvalid, 'the calendar would not be valid', errors);
      return Promise.resolve({ holidays });
    });
  }

  async add(request: CalendarAddRequest): Promise<CalendarAddResult> {
    const calendar = await this.compiled(request.id);
    const durationSeconds = parseBusinessDuration(request.duration);
    if (typeof durationSeconds !== 'number') throw new SlaError(SlaErrorCode.DurationInvalid, `duration ${durationSeconds}`, { errors: [{ field: 'duration', message: durationSeconds }] });
    const start = Date.parse(request.start);
    let due: number;
    try {
      due = calendar.add(start, durationSeconds * 1000);
    } catch (error) {
      if (error instanceof BusinessTimeOutOfRangeError) throw businessTimeError(error);
      throw error;
    }
    return { due: new Date(due).toISOString(), durationSeconds, wallSeconds: Math.floor((due - start) / 1000) };
  }

  async between(request: CalendarBetweenRequest): Promise<CalendarBetweenResult> {
    const start = Date.parse(request.start);
    const end = Date.parse(request.end);
    if (end < start) throw SlaError.ofFields(SlaErrorCode.PeriodInverted, 'the period is inverted', [{ field: 'end', message: 'must not be before start' }]);
    const calendar = await this.compiled(request.id);
    return { businessSeconds: Math.floor(calendar.between(start, end) / 1000), wallSeconds: Math.floor((end - start) / 1000) };
  }

  private async compiled(id: string): Promise<BusinessCalendar> {
    const calendar = await this.registry.one(this.dataSource.manager, id.toLowerCase());
    if (!calendar) throw calendarNotFound(id);
    return calendar;
  }

  /** Locks the calendar and checks `If-Match`, applies `fields`, writes it, and has open clocks on it rebuilt. */
  private async change(
    id: string,
    expectedVersion: number | undefined,
    actor: Actor,
    fields: (manager: EntityManager, calendar: Calendar) => Promise<Partial<Pick<Calendar, 'name' | 'description' | 'timeZone' | 'weekly' | 'holidays'>>>,
  ): Promise<CalendarView> {
    assertChangeableCalendar(id);
    return this.dataSource.transaction(async (manager) => {
      const calendar = await this.writer.lock(manager, id, { expectedVersion });
      const before = this.writer.toView(calendar);
      Object.assign(calendar, await fields(manager, calendar));
      const after = await this.writer.save(manager, calendar, before, { actorId: actor.sub, action: 'updated' });
      await markCalendarTicketsStale(manager, calendar.id);
      return after;
    });
  }

  private definition(input: CalendarDefinitionDto): Pick<Calendar, 'name' | 'description' | 'timeZone' | 'weekly' | 'holidays'> {
    const fields = { name: input.name, description: input.description ?? null, timeZone: input.timeZone, weekly: normalizeWeekly(input.weekly), holidays: normalizeHolidays(input.holidays ?? []) };
    const errors = checkCalendar(definitionOf(fields));
    if (errors.length > 0) throw SlaError.ofFields(SlaErrorCode.CalendarInvalid, 'the calendar cannot be used as given', errors);
    return fields;
  }

  private async assertNameFree(manager: EntityManager, name: string, self: string | null): Promise<void> {
    const other = await manager.findOneBy(Calendar, { name });
    if ((other && other.id !== self) || name === ALWAYS_VIEW.name) throw new SlaError(SlaErrorCode.CalendarNameTaken, `there is already a calendar named ${name}`, { errors: [{ field: 'name', message: 'is taken' }] });
  }
}
