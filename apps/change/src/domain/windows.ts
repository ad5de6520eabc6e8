import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';

/**
 * Recurring windows (blackouts, maintenance windows): a first occurrence, an optional RFC 5545 RRULE and the IANA
 * time zone the rule is read in. The rule is expanded on local wall-clock times and each occurrence is then placed
 * in the zone, so a Friday 18:00 – Monday 06:00 freeze starts at 18:00 and ends at 06:00 local time on both sides of
 * a daylight-saving change. Intervals are half-open: [start, end).
 */

/** A half-open span of time [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/** A window as it is defined: its first occurrence, and the rule and zone that repeat it. */
export interface RecurringWindow {
  /** Start of the first occurrence. */
  start: Date;
  /** End of the first occurrence (after start). */
  end: Date;
  /** RFC 5545 RRULE value, e.g. `FREQ=WEEKLY;BYDAY=FR`; absent or null for a window that happens once. */
  rrule?: string | null;
  /** IANA zone the rule is read in, e.g. `Europe/Berlin`. */
  timeZone: string;
}

/** Where a rule stops, as UNTIL says it: an instant (`…Z`), a local date (inclusive), or a local date-time. */
export type RecurrenceUntil =
  | { kind: 'instant'; at: Date }
  | { kind: 'date'; year: number; month: number; day: number }
  | { kind: 'local'; year: number; month: number; day: number; hour: number; minute: number; second: number };

export type RecurrenceFrequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

/** An RRULE that {@link parseRrule} accepted. */
export interface RecurrenceRule {
  freq: RecurrenceFrequency;
  interval: number;
  /** How many occurrences in all, the first occurrence of the window counting as the first; null for no count. */
  count: number | null;
  until: RecurrenceUntil | null;
  byMonth: readonly number[];
  byMonthDay: readonly number[];
  /** The rule as given to the expander: without COUNT and UNTIL, which are applied here (see {@link occurrences}). */
  expansion: string;
}

/**
 * What one expansion may cost. A rule recurs at most once a local day (no BYHOUR, BYMINUTE, BYSECOND, nor a FREQ
 * finer than DAILY), and each step of the expander costs tens of microseconds, so `maxSteps` bounds a query to well
 * under a second whatever the rule: 10,000 steps reach at least 27 years past the window's first occurrence.
 */
export interface WindowLimits {
  /** Occurrences the rule may be stepped through in one query, counted from the first occurrence, not from `from`. */
  maxSteps: number;
  /** Occurrences one query may return. */
  maxOccurrences: number;
}

export const WINDOW_LIMITS: Readonly<WindowLimits> = { maxSteps: 10_000, maxOccurrences: 1_000 };

/** The most a COUNT may ask for: more could never be expanded within one query's steps. */
export const MAX_RRULE_COUNT = WINDOW_LIMITS.maxSteps;

/** `invalid`: the definition cannot be read; `too-large`: expanding it for the range asked would pass a limit. */
export type WindowProblem = 'invalid' | 'too-large';

export class WindowError extends Error {
  constructor(
    message: string,
    readonly problem: WindowProblem = 'invalid',
  ) {
    super(message);
    this.name = 'WindowError';
  }
}

const FREQUENCIES: readonly string[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const FINER_FREQUENCIES: readonly string[] = ['SECONDLY', 'MINUTELY', 'HOURLY'];
const WEEKDAYS: readonly string[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const SUPPORTED_PARTS: readonly string[] = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST'];
/** Parts RFC 5545 knows that windows do not take: the time of day comes from the window's start. */
const REFUSED_PARTS: Readonly<Record<string, string>> = {
  BYSECOND: 'the time of day comes from the window start',
  BYMINUTE: 'the time of day comes from the window start',
  BYHOUR: 'the time of day comes from the window start',
  BYWEEKNO: 'rules by week number are not supported',
  BYYEARDAY: 'rules by day of the year are not supported',
};
const MAX_INTERVAL = 1_000;

/**
 * Reads an RRULE value (without the `RRULE:` name) and refuses, with a message saying why, anything that is not a
 * rule a window can recur by: an unknown or missing FREQ, a FREQ finer than DAILY, a part given twice or unknown,
 * COUNT and UNTIL together, a COUNT above {@link MAX_RRULE_COUNT}, an INTERVAL below 1, values out of range.
 */
export function parseRrule(text: string): RecurrenceRule {
  const refuse = (why: string): WindowError => new WindowError(`Invalid RRULE "${text}": ${why}`);
  if (typeof text !== 'string' || text.trim() === '') throw refuse('it is empty');
  const value = text.trim().replace(/^RRULE:/i, '');
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    if (part === '') continue;
    const match = /^([A-Za-z]+)=(.+)$/.exec(part);
    if (!match) throw refuse(`"${part}" is not NAME=VALUE`);
    const name = (match[1] ?? '').toUpperCase();
    const partValue = (match[2] ?? '').toUpperCase();
    if (name in REFUSED_PARTS) throw refuse(`${name} is not allowed: ${REFUSED_PARTS[name]}`);
    if (!SUPPORTED_PARTS.includes(name)) throw refuse(`${name} is not an RRULE part`);
    if (parts.has(name)) throw refuse(`${name} is given twice`);
    parts.set(name, partValue);
  }

  const freq = parts.get('FREQ');
  if (freq === undefined) throw refuse('FREQ is required');
  if (FINER_FREQUENCIES.includes(freq)) throw refuse(`FREQ=${freq} recurs too often; a window recurs at most daily (DAILY, WEEKLY, MONTHLY or YEARLY)`);
  if (!FREQUENCIES.includes(freq)) throw refuse(`FREQ=${freq} is unknown; expected DAILY, WEEKLY, MONTHLY or YEARLY`);
  if (parts.has('COUNT') && parts.has('UNTIL')) throw refuse('COUNT and UNTIL must not both be given');

  const interval = parts.has('INTERVAL') ? wholeNumber(parts.get('INTERVAL'), 1, MAX_INTERVAL, 'INTERVAL', refuse) : 1;
  const count = parts.has('COUNT') ? wholeNumber(parts.get('COUNT'), 1, MAX_RRULE_COUNT, 'COUNT', refuse) : null;
  const until = parts.has('UNTIL') ? parseUntil(parts.get('UNTIL') ?? '', refuse) : null;
  const byMonth = listOf(parts.get('BYMONTH'), 'BYMONTH', refuse).map((item) => wholeNumber(item, 1, 12, 'BYMONTH', refuse));
  const byMonthDay = listOf(parts.get('BYMONTHDAY'), 'BYMONTHDAY', refuse).map((item) => signedNumber(item, 31, 'BYMONTHDAY', refuse));
  const byDay = listOf(parts.get('BYDAY'), 'BYDAY', refuse);
  for (const day of byDay) {
    const match = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(day);
    if (!match || !WEEKDAYS.includes(match[2] ?? '')) throw refuse(`BYDAY value "${day}" is not a weekday such as MO or -1FR`);
    if (match[1] !== undefined) {
      if (freq !== 'MONTHLY' && freq !== 'YEARLY') throw refuse(`BYDAY=${day} has an ordinal, which only MONTHLY and YEARLY rules may give`);
      signedNumber(match[1], freq === 'MONTHLY' ? 5 : 53, 'BYDAY ordinal', refuse);
    }
  }
  if (byMonthDay.length > 0 && freq === 'WEEKLY') throw refuse('BYMONTHDAY is not allowed with FREQ=WEEKLY');
  const bySetPos = listOf(parts.get('BYSETPOS'), 'BYSETPOS', refuse).map((item) => signedNumber(item, 366, 'BYSETPOS', refuse));
  if (bySetPos.length > 0 && byDay.length === 0 && byMonthDay.length === 0 && byMonth.length === 0) throw refuse('BYSETPOS needs another BY part to pick from');
  const wkst = parts.get('WKST');
  if (wkst !== undefined && !WEEKDAYS.includes(wkst)) throw refuse(`WKST=${wkst} is not a weekday such as MO`);

  const expansion = [...parts.entries()]
    .filter(([name]) => name !== 'COUNT' && name !== 'UNTIL')
    .map(([name, partValue]) => `${name}=${partValue}`)
    .join(';');
  try {
    ICAL.Recur.fromString(expansion);
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : String(error));
  }
  return { freq: freq as RecurrenceFrequency, interval, count, until, byMonth, byMonthDay, expansion };
}

/** What is wrong with a window definition, one message per problem; empty when it is fine. */
export function checkWindow(window: RecurringWindow): string[] {
  const problems: string[] = [];
  const startMs = window.start instanceof Date ? window.start.getTime() : NaN;
  const endMs = window.end instanceof Date ? window.end.getTime() : NaN;
  if (!Number.isFinite(startMs)) problems.push('start must be an instant');
  if (!Number.isFinite(endMs)) problems.push('end must be an instant');
  if (Number.isFinite(startMs) && Number.isFinite(endMs) && endMs <= startMs) problems.push('end must be after start');
  if (typeof window.timeZone !== 'string' || !IANAZone.isValidZone(window.timeZone)) problems.push(`timeZone "${String(window.timeZone)}" is not an IANA time zone`);
  if (window.rrule !== undefined && window.rrule !== null) {
    try {
      parseRrule(window.rrule);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return problems;
}

/**
 * The occurrences of a window that overlap [from, to), sorted by start. Each occurrence starts at the local time of
 * day of the first one and lasts as long on the wall clock (so it also ends at the same local time); where that local
 * time does not exist (a spring-forward gap) it is moved forward by the gap, as clocks are; where it happens twice (the
fall-back hour) it is the second, in standard time. An occurrence whose local end would not come after its start
(its wall-clock span falls into a gap) lasts as long as the first occurrence does. The first occurrence
 * always counts as one, also towards COUNT, whether or not the rule would give it. Throws {@link WindowError}:
 * `invalid` for a definition {@link checkWindow} refuses, `too-large` when the rule must be stepped more than
 * `limits.maxSteps` times to reach `to`, or more than `limits.maxOccurrences` occurrences overlap the range.
 */
export function occurrences(window: RecurringWindow, from: Date, to: Date, limits: Partial<WindowLimits> = {}): Interval[] {
  const problems = checkWindow(window);
  if (problems.length > 0) throw new WindowError(`Invalid window: ${problems.join('; ')}`);
  const { maxSteps, maxOccurrences } = { ...WINDOW_LIMITS, ...limits };
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (!(fromMs < toMs)) return [];

  const result: Interval[] = [];
  const take = (interval: Interval): void => {
    if (interval.start.getTime() < toMs && interval.end.getTime() > fromMs) {
      if (result.length >= maxOccurrences) {
        throw new WindowError(`More than ${maxOccurrences} occurrences of the window fall between ${from.toISOString()} and ${to.toISOString()}, the most one query may list`, 'too-large');
      }
      result.push(interval);
    }
  };

  const first: Interval = { start: new Date(window.start.getTime()), end: new Date(window.end.getTime()) };
  take(first);
  if (window.rrule === undefined || window.rrule === null) return result;

  const rule = parseRrule(window.rrule);
  const zone = window.timeZone;
  const localStart = DateTime.fromJSDate(window.start, { zone });
  const localEnd = DateTime.fromJSDate(window.end, { zone });
  // The length on the wall clock: what separates the local end from the local start, read as if both were UTC.
  const wallLengthMs = floatingMs(localEnd) - floatingMs(localStart);
  const exactLengthMs = window.end.getTime() - window.start.getTime();
  const untilMs = rule.until === null ? null : untilBoundMs(rule.until, zone);
  const dtstart = ICAL.Time.fromData({
    year: localStart.year,
    month: localStart.month,
    day: localStart.day,
    hour: localStart.hour,
    minute: localStart.minute,
    second: localStart.second,
  });
  const iterator = ICAL.Recur.fromString(rule.expansion).iterator(dtstart);
  const firstFloating = floatingMs(localStart);
  let counted = 1;
  for (let steps = 1; ; steps += 1) {
    if (rule.count !== null && counted >= rule.count) break;
    if (steps > maxSteps) {
      throw new WindowError(`The window's rule must be expanded more than ${maxSteps} times to reach ${to.toISOString()}, the most one query may take`, 'too-large');
    }
    const next = iterator.next();
    if (!next) break;
    // The expander works in whole seconds; the first occurrence's milliseconds carry over to every one.
    const wallStart = Date.UTC(next.year, next.month - 1, next.day, next.hour, next.minute, next.second, localStart.millisecond);
    // The first occurrence is already listed; the expander may or may not give it again.
    if (wallStart <= firstFloating) continue;
    const start = placeInZone(wallStart, zone);
    if (untilMs !== null && start.getTime() > untilMs) break;
    if (start.getTime() >= toMs) break;
    if (!matchesFilters(rule, next.year, next.month, next.day)) continue;
    counted += 1;
    const placedEnd = placeInZone(wallStart + wallLengthMs, zone);
    const end = placedEnd.getTime() > start.getTime() ? placedEnd : new Date(start.getTime() + exactLengthMs);
    take({ start, end });
  }
  return result;
}

/** Whether two half-open intervals share an instant. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Interval, inner: Interval): boolean {
  return outer.start.getTime() <= inner.start.getTime() && inner.end.getTime() <= outer.end.getTime();
}

/** The local wall-clock fields of a time, read as a UTC instant: wall-clock arithmetic without the zone's offsets. */
function floatingMs(local: DateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
}

/** The instant a wall-clock time (given as {@link floatingMs}) has in the zone. */
function placeInZone(wallMs: number, zone: string): Date {
  const wall = new Date(wallMs);
  return DateTime.fromObject(
    {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      hour: wall.getUTCHours(),
      minute: wall.getUTCMinutes(),
      second: wall.getUTCSeconds(),
      millisecond: wall.getUTCMilliseconds(),
    },
    { zone },
  ).toJSDate();
}

/** The last instant an occurrence may start at: UNTIL is inclusive, a date one up to the end of that local day. */
function untilBoundMs(until: RecurrenceUntil, zone: string): number {
  if (until.kind === 'instant') return until.at.getTime();
  if (until.kind === 'date') return placeInZone(Date.UTC(until.year, until.month - 1, until.day + 1), zone).getTime() - 1;
  return placeInZone(Date.UTC(until.year, until.month - 1, until.day, until.hour, until.minute, until.second), zone).getTime();
}

/** The expander gives days that BYMONTH and BYMONTHDAY exclude in some rules (a 30 February becomes 2 March). */
function matchesFilters(rule: RecurrenceRule, year: number, month: number, day: number): boolean {
  if (rule.byMonth.length > 0 && !rule.byMonth.includes(month)) return false;
  if (rule.byMonthDay.length > 0) {
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (!rule.byMonthDay.some((wanted) => (wanted > 0 ? wanted === day : daysInMonth + 1 + wanted === day))) return false;
  }
  return true;
}

function parseUntil(value: string, refuse: (why: string) => WindowError): RecurrenceUntil {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value);
  if (!match) throw refuse(`UNTIL=${value} is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [number, number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day && check.getUTCHours() === hour && check.getUTCMinutes() === minute && second < 60;
  if (!valid) throw refuse(`UNTIL=${value} is not a real date or time`);
  if (match[4] === undefined) return { kind: 'date', year, month, day };
  if (match[7] === 'Z') return { kind: 'instant', at: check };
  return { kind: 'local', year, month, day, hour, minute, second };
}

function listOf(value: string | undefined, name: string, refuse: (why: string) => WindowError): string[] {
  if (value === undefined) return [];
  const items = value.split(',');
  if (items.some((item) => item === '')) throw refuse(`${name}=${value} has an empty item`);
  return items;
}

function wholeNumber(value: string | undefined, min: number, max: number, name: string, refuse: (why: string) => WindowError): number {
  const n = /^\d+$/.test(value ?? '') ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw refuse(`${name}=${value ?? ''} must be a whole number from ${min} to ${max}`);
  return n;
}

/** A non-zero whole number from -max to max. */
function signedNumber(value: string, max: number, name: string, refuse: (why: string) => WindowError): number {
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n === 0 || Math.abs(n) > max) throw refuse(`${name} value ${value} must be a non-zero whole number from -${max} to ${max}`);
  return n;
}
