import type { FieldError } from '@itsm/contracts';
import { IANAZone } from 'luxon';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** 'HH:mm' local wall times; end may be '24:00'. overnight=true means end is on the next day (e.g. 22:00–06:00). */
export interface BusinessInterval {
  start: string;
  end: string;
  overnight?: boolean;
}

export interface CalendarDefinition {
  /** IANA zone, e.g. 'Europe/Berlin'. */
  timeZone: string;
  /** A missing or empty day has no business hours. */
  weekly: Partial<Record<Weekday, BusinessInterval[]>>;
  /** Local dates 'yyyy-MM-dd' with no business time at all. */
  holidays: readonly string[];
}

/** Thrown by `BusinessCalendar.of` for a definition that `checkCalendar` refuses; carries the field errors. */
export class InvalidCalendarError extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(`Invalid business calendar: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}`);
    this.name = 'InvalidCalendarError';
  }
}

/** Why business time cannot be added: no business time within the search horizon, or none before the last instant. */
export type BusinessTimeProblem = 'no-business-time' | 'past-last-instant';

/** Thrown by `BusinessCalendar.add` when the instant asked for does not exist; the arguments themselves were fine. */
export class BusinessTimeOutOfRangeError extends Error {
  constructor(
    readonly problem: BusinessTimeProblem,
    message: string,
  ) {
    super(message);
    this.name = 'BusinessTimeOutOfRangeError';
  }
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const MINUTES_PER_DAY = 1440;
/** `add` gives up after this many consecutive days without business time, so an all-holiday calendar cannot hang it. */
const MAX_DAYS_WITHOUT_BUSINESS_TIME = 20 * 366;
/** Date (and so Intl) ends at ±8.64e15 ms; the margin leaves room to look a day to either side for offsets. */
const MAX_INSTANT_MS = 8.64e15 - 3 * DAY_MS;

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// ---------------------------------------------------------------------------------------------------------------
// Checking a definition

interface ParsedInterval {
  day: Weekday;
  weekday: number;
  index: number;
  /** Minutes after local midnight. */
  start: number;
  end: number;
  overnight: boolean;
}

/** A stretch of one local day, in minutes after its midnight, with the interval it comes from. */
interface WallPiece {
  from: number;
  to: number;
  source: ParsedInterval;
  /** The tail of an overnight interval of the day before. */
  spill: boolean;
}

/** Problems with a definition, each naming the field (`timeZone`, `weekly.monday.1.end`, `holidays.3`…). Empty = valid. */
export function checkCalendar(definition: CalendarDefinition): FieldError[] {
  const errors: FieldError[] = [];
  checkTimeZone(definition.timeZone, errors);
  const intervals = parseWeekly(definition.weekly, errors);
  if (intervals) checkOverlaps(intervals, errors);
  checkHolidays(definition.holidays, errors);
  return errors;
}

function checkTimeZone(timeZone: unknown, errors: FieldError[]): void {
  // Fixed offsets ('UTC+2', '+02:00') do not follow a region's daylight saving time; newer Intl versions accept
  // the second form, so it is refused by its shape too.
  if (typeof timeZone !== 'string' || /^[+-]/.test(timeZone) || !IANAZone.isValidZone(timeZone)) {
    errors.push({ field: 'timeZone', message: `must be an IANA time zone such as Europe/Berlin, not ${JSON.stringify(timeZone)}` });
  }
}

/** The intervals whose times are all valid; undefined when `weekly` is not even an object. */
function parseWeekly(weekly: unknown, errors: FieldError[]): ParsedInterval[] | undefined {
  if (typeof weekly !== 'object' || weekly === null || Array.isArray(weekly)) {
    errors.push({ field: 'weekly', message: 'must map weekdays to lists of intervals' });
    return undefined;
  }
  const parsed: ParsedInterval[] = [];
  let count = 0;
  for (const [key, value] of Object.entries(weekly)) {
    const weekday = (WEEKDAYS as readonly string[]).indexOf(key);
    const day = WEEKDAYS[weekday];
    if (day === undefined) {
      errors.push({ field: `weekly.${key}`, message: `is not a weekday; use one of ${WEEKDAYS.join(', ')}` });
      continue;
    }
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      errors.push({ field: `weekly.${day}`, message: 'must be a list of intervals' });
      continue;
    }
    value.forEach((interval: unknown, index) => {
      count += 1;
      const result = parseInterval(interval, `weekly.${day}.${index}`, errors);
      if (result) parsed.push({ day, weekday, index, ...result });
    });
  }
  if (count === 0) errors.push({ field: 'weekly', message: 'has no business hours' });
  return parsed;
}

function parseInterval(interval: unknown, field: string, errors: FieldError[]): Pick<ParsedInterval, 'start' | 'end' | 'overnight'> | undefined {
  if (typeof interval !== 'object' || interval === null) {
    errors.push({ field, message: 'must be an interval { start, end, overnight? }' });
    return undefined;
  }
  const { start, end, overnight } = interval as Record<string, unknown>;
  const startMinutes = minutesOf(start, false);
  const endMinutes = minutesOf(end, true);
  if (startMinutes === undefined) {
    errors.push({ field: `${field}.start`, message: `must be a local time HH:mm from 00:00 to 23:59, not ${JSON.stringify(start)}` });
  }
  if (endMinutes === undefined) {
    errors.push({ field: `${field}.end`, message: `must be a local time HH:mm from 00:00 to 24:00, not ${JSON.stringify(end)}` });
  }
  if (overnight !== undefined && typeof overnight !== 'boolean') {
    errors.push({ field: `${field}.overnight`, message: 'must be true or false' });
    return undefined;
  }
  if (startMinutes === undefined || endMinutes === undefined) return undefined;
  if (overnight === true) {
    if (endMinutes === MINUTES_PER_DAY) {
      errors.push({ field: `${field}.end`, message: 'of an overnight interval is a time on the next day, so it cannot be 24:00' });
      return undefined;
    }
    if (endMinutes >= startMinutes) {
      errors.push({ field: `${field}.end`, message: `of an overnight interval must be before its start ${String(start)} (it would last more than a day)` });
      return undefined;
    }
  } else if (endMinutes <= startMinutes) {
    errors.push({ field: `${field}.end`, message: `is inverted: ${String(end)} is not after the start ${String(start)}; mark the interval overnight if it runs past midnight` });
    return undefined;
  }
  return { start: startMinutes, end: endMinutes, overnight: overnight === true };
}

function minutesOf(time: unknown, mayBeEndOfDay: boolean): number | undefined {
  if (typeof time !== 'string') return undefined;
  if (time === '24:00') return mayBeEndOfDay ? MINUTES_PER_DAY : undefined;
  const match = TIME_OF_DAY.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Lays the intervals out on the seven weekdays; an overnight interval puts its tail on the following weekday. */
function wallPieces(intervals: readonly ParsedInterval[]): WallPiece[][] {
  const pieces: WallPiece[][] = WEEKDAYS.map(() => []);
  for (const source of intervals) {
    if (source.overnight) {
      pieces[source.weekday]?.push({ from: source.start, to: MINUTES_PER_DAY, source, spill: false });
      pieces[(source.weekday + 1) % 7]?.push({ from: 0, to: source.end, source, spill: true });
    } else {
      pieces[source.weekday]?.push({ from: source.start, to: source.end, source, spill: false });
    }
  }
  // A spill began the day before, so it comes first even beside an interval that starts at 00:00.
  for (const day of pieces) day.sort((a, b) => Number(b.spill) - Number(a.spill) || a.from - b.from || a.to - b.to);
  return pieces;
}

function checkOverlaps(intervals: readonly ParsedInterval[], errors: FieldError[]): void {
  const reported = new Set<ParsedInterval>();
  for (const day of wallPieces(intervals)) {
    let reach: WallPiece | undefined;
    for (const piece of day) {
      if (piece.from === piece.to) continue;
      if (reach && piece.from < reach.to && !reported.has(piece.source)) {
        reported.add(piece.source);
        const earlier = reach.source;
        errors.push({
          field: `weekly.${piece.source.day}.${piece.source.index}`,
          message: `overlaps weekly.${earlier.day}.${earlier.index} (${describe(earlier)})`,
        });
      }
      if (!reach || piece.to > reach.to) reach = piece;
    }
  }
}

function describe(interval: ParsedInterval): string {
  const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${hhmm(interval.start)}–${hhmm(interval.end)}${interval.overnight ? ' overnight' : ''}`;
}

function checkHolidays(holidays: unknown, errors: FieldError[]): void {
  if (!Array.isArray(holidays)) {
    errors.push({ field: 'holidays', message: 'must be a list of dates yyyy-MM-dd' });
    return;
  }
  holidays.forEach((holiday: unknown, index) => {
    if (dayNumberOf(holiday) === undefined) {
      errors.push({ field: `holidays.${index}`, message: `must be a date yyyy-MM-dd, not ${JSON.stringify(holiday)}` });
    }
  });
}

/** Days since 1970-01-01 of a calendar date 'yyyy-MM-dd'; undefined for anything else, such as 2026-02-30. */
function dayNumberOf(date: unknown): number | undefined {
  if (typeof date !== 'string') return undefined;
  const match = LOCAL_DATE.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return undefined;
  return Math.floor(utc.getTime() / DAY_MS);
}

// ---------------------------------------------------------------------------------------------------------------
// Mapping local wall times to instants

interface OffsetChunk {
  /** Instants from which `offsets[i]` holds, ascending; the first is the chunk's start. */
  starts: number[];
  offsets: number[];
}

/**
 * Offsets are sampled this far apart. The closest two transitions of any zone since 1970 are a week apart
 * (Brazil, October 2000, when daylight saving time began and was called off seven days later), so sampling every
 * three days cannot miss a pair of transitions that cancel out.
 */
const SAMPLE_MS = 3 * DAY_MS;
const CHUNK_MS = 42 * SAMPLE_MS;

/**
 * The offsets of one zone as a table of transitions, built lazily in chunks of 126 days. Asking Intl (through
 * Luxon) for an offset costs microseconds; a calendar needs several per day, and spans of years must stay cheap.
 */
class ZoneOffsets {
  private static readonly byName = new Map<string, ZoneOffsets>();
  private readonly chunks = new Map<number, OffsetChunk>();
  private lastIndex = Number.NaN;
  private lastChunk: OffsetChunk = { starts: [], offsets: [] };

  private constructor(private readonly zone: IANAZone) {}

  static of(name: string): ZoneOffsets {
    let offsets = ZoneOffsets.byName.get(name);
    if (!offsets) {
      offsets = new ZoneOffsets(IANAZone.create(name));
      ZoneOffsets.byName.set(name, offsets);
    }
    return offsets;
  }

  /** Offset from UTC (ms) in force at an instant. */
  offsetAt(instant: number): number {
    const index = Math.floor(instant / CHUNK_MS);
    if (index !== this.lastIndex) {
      this.lastChunk = this.chunk(index);
      this.lastIndex = index;
    }
    const { starts, offsets } = this.lastChunk;
    let i = starts.length - 1;
    while (i > 0 && (starts[i] ?? -Infinity) > instant) i -= 1;
    return offsets[i] ?? 0;
  }

  /** Whether one offset holds throughout [from, to]. */
  isConstant(from: number, to: number): boolean {
    const offset = this.offsetAt(from);
    for (let index = Math.floor(from / CHUNK_MS); index <= Math.floor(to / CHUNK_MS); index += 1) {
      const { starts, offsets } = this.chunk(index);
      for (let i = 0; i < starts.length; i += 1) {
        const segmentEnd = starts[i + 1] ?? (index + 1) * CHUNK_MS;
        if (segmentEnd > from && (starts[i] ?? 0) <= to && offsets[i] !== offset) return false;
      }
    }
    return true;
  }

  /**
   * The instant of a local wall time (as ms since 1970-01-01T00:00 on the local clock). A time in a gap moves
   * forward by the gap, as Luxon does. A repeated time takes the earlier instant: Luxon's own choice there
   * depends on the offset in force at the current date, which would make SLA deadlines depend on when they were
   * computed.
   */
  toInstant(wall: number): number {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const withBefore = wall - before;
    if (before === after) return withBefore;
    const withAfter = wall - after;
    const beforeHolds = this.offsetAt(withBefore) === before;
    const afterHolds = this.offsetAt(withAfter) === after;
    if (beforeHolds && afterHolds) return Math.min(withBefore, withAfter);
    if (afterHolds) return withAfter;
    // Either only the earlier offset holds, or the time falls in a gap: reading it with the offset in force
    // before the gap lands as far after the gap as the time was into it.
    return withBefore;
  }

  private chunk(index: number): OffsetChunk {
    const cached = this.chunks.get(index);
    if (cached) return cached;
    const start = index * CHUNK_MS;
    const end = start + CHUNK_MS;
    const chunk: OffsetChunk = { starts: [start], offsets: [this.rawOffset(start)] };
    let previous = start;
    let previousOffset = chunk.offsets[0] ?? 0;
    for (let sample = start + SAMPLE_MS; sample <= end; sample += SAMPLE_MS) {
      const offset = this.rawOffset(sample);
      if (offset !== previousOffset) {
        const at = this.transitionAfter(previous, previousOffset, sample);
        if (at < end) {
          chunk.starts.push(at);
          chunk.offsets.push(this.rawOffset(at));
        }
      }
      previous = sample;
      previousOffset = offset;
    }
    this.chunks.set(index, chunk);
    return chunk;
  }

  /** The first instant in (from, to] whose offset differs from `offset`, which holds at `from`. */
  private transitionAfter(from: number, offset: number, to: number): number {
    let low = from;
    let high = to;
    while (high - low > 1) {
      const middle = low + Math.floor((high - low) / 2);
      if (this.rawOffset(middle) === offset) low = middle;
      else high = middle;
    }
    return high;
  }

  private rawOffset(instant: number): number {
    return Math.round(this.zone.offset(instant) * MINUTE_MS);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The calendar

/** One local date: its instants [start, end) and its business time as sorted, disjoint [from, to) pairs. */
interface LocalDay {
  start: number;
  end: number;
  ranges: number[];
}

const DAY_CACHE_SIZE = 1024;

/** Business hours laid out in a zone. */
class Schedule {
  private readonly offsets: ZoneOffsets;
  /** Per weekday (0 = Monday), the business minutes of the day as touching-merged [from, to) pairs. */
  private readonly minutes: number[][];
  private readonly holidays: ReadonlySet<number>;
  private readonly holidayList: readonly number[];
  /** Business time of a week without holidays and without a change of offset. */
  private readonly weekTotal: number;
  /** Recently laid-out days: deadlines of many tickets tend to fall on the same few weeks. */
  private readonly days = new Map<number, LocalDay>();

  constructor(definition: CalendarDefinition, intervals: readonly ParsedInterval[]) {
    this.offsets = ZoneOffsets.of(definition.timeZone);
    this.minutes = wallPieces(intervals).map((pieces) => {
      const merged: number[] = [];
      for (const { from, to } of [...pieces].sort((a, b) => a.from - b.from)) {
        if (from === to) continue;
        const last = merged.length - 1;
        // Back-to-back intervals are one stretch, so that splitting 09:00–17:00 in two never changes its length.
        if (last > 0 && from <= (merged[last] ?? 0)) merged[last] = Math.max(merged[last] ?? 0, to);
        else merged.push(from, to);
      }
      return merged;
    });
    this.holidays = new Set(definition.holidays.flatMap((date) => dayNumberOf(date) ?? []));
    this.holidayList = [...this.holidays].sort((a, b) => a - b);
    let weekTotal = 0;
    for (const day of this.minutes) for (let i = 0; i < day.length; i += 2) weekTotal += ((day[i + 1] ?? 0) - (day[i] ?? 0)) * MINUTE_MS;
    this.weekTotal = weekTotal;
  }

  add(startMs: number, durationMs: number): number {
    let remaining = durationMs;
    let lastBusinessDay = this.dayNumberAt(startMs);
    for (let n = lastBusinessDay; ; ) {
      const start = this.midnight(n);
      if (start > MAX_INSTANT_MS) throw new BusinessTimeOutOfRangeError('past-last-instant', 'the business time runs past the last representable instant');
      if (start >= startMs && remaining > this.weekTotal && this.isPlainWeek(n, start)) {
        remaining -= this.weekTotal;
        n += 7;
        lastBusinessDay = n - 1;
        continue;
      }
      const { ranges } = this.day(n);
      for (let i = 0; i < ranges.length; i += 2) {
        const to = ranges[i + 1] ?? 0;
        const from = Math.max(ranges[i] ?? 0, startMs);
        if (to <= from) continue;
        if (remaining <= to - from) return from + remaining;
        remaining -= to - from;
        lastBusinessDay = n;
      }
      if (n - lastBusinessDay > MAX_DAYS_WITHOUT_BUSINESS_TIME) {
        throw new BusinessTimeOutOfRangeError('no-business-time', `the calendar has no business time for 20 years after ${new Date(Math.max(startMs, start)).toISOString()}`);
      }
      n += 1;
    }
  }

  between(startMs: number, endMs: number): number {
    let total = 0;
    for (let n = this.dayNumberAt(startMs); ; ) {
      const start = this.midnight(n);
      if (start >= endMs) return total;
      if (start >= startMs && start + WEEK_MS <= endMs && this.isPlainWeek(n, start)) {
        total += this.weekTotal;
        n += 7;
        continue;
      }
      const { ranges } = this.day(n);
      for (let i = 0; i < ranges.length; i += 2) {
        const from = Math.max(ranges[i] ?? 0, startMs);
        const to = Math.min(ranges[i + 1] ?? 0, endMs);
        if (to > from) total += to - from;
      }
      n += 1;
    }
  }

  /**
   * Whether the seven days from local date `n` (starting at instant `start`) have neither a holiday nor a change
   * of offset near them, so that they hold exactly `weekTotal` of business time and lie exactly a week apart.
   * Skipping such weeks whole keeps spans of years cheap.
   */
  private isPlainWeek(n: number, start: number): boolean {
    // toInstant looks a day to either side of each wall time, and wall times are up to a day away from instants.
    if (!this.offsets.isConstant(start - 2 * DAY_MS, start + WEEK_MS + 2 * DAY_MS)) return false;
    const next = this.firstHolidayFrom(n);
    return next === undefined || next > n + 6;
  }

  private firstHolidayFrom(n: number): number | undefined {
    let low = 0;
    let high = this.holidayList.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.holidayList[middle] ?? Infinity) < n) low = middle + 1;
      else high = middle;
    }
    return this.holidayList[low];
  }

  /** Midnight of a local date (days since 1970-01-01) as an instant. */
  private midnight(n: number): number {
    return this.days.get(n)?.start ?? this.offsets.toInstant(n * DAY_MS);
  }

  /** The local date an instant falls on, with days bounded by their midnights as `midnight` resolves them. */
  private dayNumberAt(instant: number): number {
    let n = Math.floor((instant + this.offsets.offsetAt(instant)) / DAY_MS);
    while (this.midnight(n) > instant) n -= 1;
    while (this.midnight(n + 1) <= instant) n += 1;
    return n;
  }

  private day(n: number): LocalDay {
    let day = this.days.get(n);
    if (!day) {
      day = this.layOut(n);
      if (this.days.size >= DAY_CACHE_SIZE) {
        const oldest = this.days.keys().next();
        if (!oldest.done) this.days.delete(oldest.value);
      }
      this.days.set(n, day);
    }
    return day;
  }

  private layOut(n: number): LocalDay {
    const start = this.midnight(n);
    const end = this.midnight(n + 1);
    const minutes = this.holidays.has(n) ? [] : (this.minutes[weekdayOf(n)] ?? []);
    const ranges: [number, number][] = [];
    for (let i = 0; i < minutes.length; i += 2) {
      const from = minutes[i] ?? 0;
      const to = minutes[i + 1] ?? 0;
      const fromMs = from === 0 ? start : Math.max(start, this.offsets.toInstant(n * DAY_MS + from * MINUTE_MS));
      const toMs = to === MINUTES_PER_DAY ? end : Math.min(end, this.offsets.toInstant(n * DAY_MS + to * MINUTE_MS));
      // A gap can move a start past the end of its interval; such an interval has no business time that day.
      if (toMs > fromMs) ranges.push([fromMs, toMs]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const flat: number[] = [];
    for (const [from, to] of ranges) {
      const last = flat.length - 1;
      if (last > 0 && from <= (flat[last] ?? 0)) flat[last] = Math.max(flat[last] ?? 0, to);
      else flat.push(from, to);
    }
    return { start, end, ranges: flat };
  }
}

/** 0 = Monday; day 0 (1970-01-01) was a Thursday. */
function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

function requireInstant(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_INSTANT_MS) {
    throw new RangeError(`${name} must be an instant in whole epoch milliseconds, not ${value}`);
  }
}

/**
 * Business time: the weekly intervals laid out on the local dates of the zone, minus every instant whose local
 * date is a holiday. Wall times in a spring-forward gap move forward by the gap; a wall time repeated when clocks
 * fall back means its first occurrence (so 01:00–03:00 on such a day is three hours).
 */
export class BusinessCalendar {
  /** The built-in 24x7 calendar: every instant is business time (fast path: add = start+duration, between = end-start). */
  static readonly ALWAYS: BusinessCalendar = new BusinessCalendar(undefined);

  private constructor(private readonly schedule: Schedule | undefined) {}

  /** Throws an `InvalidCalendarError` listing the problems if checkCalendar finds any. */
  static of(definition: CalendarDefinition): BusinessCalendar {
    const errors = checkCalendar(definition);
    if (errors.length > 0) throw new InvalidCalendarError(errors);
    const intervals = parseWeekly(definition.weekly, []) ?? [];
    return new BusinessCalendar(new Schedule(definition, intervals));
  }

  /**
   * The earliest instant (epoch ms) at which `durationMs` of business time has passed since `startMs`. duration 0 →
   * startMs itself. Negative → throws RangeError. Throws a `BusinessTimeOutOfRangeError` when that instant would come
   * after the last representable one, or after 20 years without any business time.
   */
  add(startMs: number, durationMs: number): number {
    requireInstant('startMs', startMs);
    if (!Number.isSafeInteger(durationMs) || durationMs < 0) {
      throw new RangeError(`durationMs must be a whole number of milliseconds, zero or more, not ${durationMs}`);
    }
    if (durationMs === 0) return startMs;
    // Business time never runs faster than the clock, so this end is the earliest possible.
    if (startMs + durationMs > MAX_INSTANT_MS) throw new BusinessTimeOutOfRangeError('past-last-instant', 'the business time runs past the last representable instant');
    return this.schedule ? this.schedule.add(startMs, durationMs) : startMs + durationMs;
  }

  /** Business time (ms) within [startMs, endMs); 0 when endMs <= startMs. */
  between(startMs: number, endMs: number): number {
    requireInstant('startMs', startMs);
    requireInstant('endMs', endMs);
    if (endMs <= startMs) return 0;
    return this.schedule ? this.schedule.between(startMs, endMs) : endMs - startMs;
  }
}
