/** Field rules shared by many messages, each saying in one message what the field takes. */
import { IsInt, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

export const INSTANT_EXAMPLE = '2026-11-02T09:30:00Z';

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Why a value is not an instant (an ISO 8601 date and time with its offset from UTC, `Z` or `±hh:mm`, such as
 * `2026-11-02T09:30:00Z` or `2026-11-02T10:30:00+01:00`), or undefined when it is one. A date that does not exist
 * (30 February, hour 24, year 0) or an offset beyond ±14:00 is refused here, before a database does.
 */
export function instantProblem(value: unknown): string | undefined {
  const parts = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (!parts) return `must be an ISO 8601 instant with its offset from UTC, such as ${INSTANT_EXAMPLE}`;
  const [year, month, day, hour, minute, second, offsetHours = 0, offsetMinutes = 0] = parts.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  const fits =
    year !== undefined &&
    year >= 1 &&
    month !== undefined &&
    month >= 1 &&
    month <= 12 &&
    day !== undefined &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour !== undefined &&
    hour <= 23 &&
    minute !== undefined &&
    minute <= 59 &&
    second !== undefined &&
    second <= 59 &&
    offsetMinutes <= 59;
  if (!fits) return `must be a date and time that exists (${String(value)} does not)`;
  // No place on Earth is further from UTC; a database refuses offsets not much beyond it.
  return offsetHours * 60 + offsetMinutes > 14 * 60 ? `must have an offset from UTC of at most 14:00 (${String(value)} does not)` : undefined;
}

/** True for an instant with its offset from UTC that exists on the calendar (see {@link instantProblem}). */
export function isInstant(value: unknown): value is string {
  return instantProblem(value) === undefined;
}

/** True for an instant in UTC (`…Z`), as `Date.toISOString()` writes it, that exists (no 30 February). */
export function isIsoInstant(value: unknown): value is string {
  return isInstant(value) && value.endsWith('Z');
}

/** A date and time with its offset from UTC that exists (see {@link instantProblem}): every date filter of a list or report. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => isInstant(value),
        defaultMessage: (args) => `$property ${instantProblem(args?.value) ?? ''}`,
      },
    },
    options,
  );
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const CALENDAR_DATE_EXAMPLE = '2026-12-25';

/**
 * Why a value is not a calendar date (an ISO 8601 date without a time, `YYYY-MM-DD`, such as `2026-12-25`), or
 * undefined when it is one. A date that does not exist (30 February, month 13, year 0) is refused here, before a
 * database or a calendar computation does.
 */
export function calendarDateProblem(value: unknown): string | undefined {
  const parts = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
  if (!parts) return `must be an ISO 8601 date YYYY-MM-DD, such as ${CALENDAR_DATE_EXAMPLE}`;
  const [year = 0, month = 0, day = 0] = parts.slice(1).map(Number);
  const fits = year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  return fits ? undefined : `must be a date that exists (${String(value)} does not)`;
}

/** True for a `YYYY-MM-DD` date that exists on the calendar (see {@link calendarDateProblem}). */
export function isCalendarDate(value: unknown): value is string {
  return calendarDateProblem(value) === undefined;
}

/** A date without a time, `YYYY-MM-DD`, that exists (see {@link calendarDateProblem}): a holiday, say. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => isCalendarDate(value),
        defaultMessage: (args) => `$property ${calendarDateProblem(args?.value) ?? ''}`,
      },
    },
    options,
  );
}

/** A whole number from `min` to `max`, said in one message whichever end (or the type) is wrong. */
export function IsIntegerFrom(min: number, max: number): PropertyDecorator {
  const message = `$property must be an integer from ${min} to ${max}`;
  // In the order stacked decorators apply (bottom up), so that schemas built from them say `integer`.
  const rules = [Max(max, { message }), Min(min, { message }), IsInt({ message })];
  return (target, property) => rules.forEach((rule) => rule(target, property));
}

export const TIME_ZONE_EXAMPLE = 'Europe/Berlin';

/**
 * True for an IANA time zone name the runtime knows (`Europe/Berlin`, `UTC`). Fixed offsets (`+02:00`, `-05`)
 * follow no region's daylight saving time; newer Intl versions take them, so they are refused by their shape.
 */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 100 || /^[+-]/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name (see {@link isTimeZone}): the zone in which a recurring window's occurrences are computed. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimeZone',
      validator: {
        validate: (value: unknown) => isTimeZone(value),
        defaultMessage: (args) => `$property must be an IANA time zone such as ${TIME_ZONE_EXAMPLE}, not ${JSON.stringify(args?.value)}`,
      },
    },
    options,
  );
}
