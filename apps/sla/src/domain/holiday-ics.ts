import ICAL from 'ical.js';

export interface Holiday {
  /** Local date yyyy-MM-dd. */
  date: string;
  name: string;
}

/** The text is not an iCalendar, or holds an event that cannot be read as holidays. */
export class IcsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IcsError';
  }
}

type Component = InstanceType<typeof ICAL.Component>;
type Event = InstanceType<typeof ICAL.Event>;
type Time = InstanceType<typeof ICAL.Time>;

const DAY_MS = 86_400_000;
/**
 * Expanding costs tens of microseconds per occurrence, and a rule such as FREQ=MINUTELY would keep it busy for
 * minutes; holiday rules (yearly, at most weekly) stay far below this even from decades back.
 */
const MAX_RECURRENCES_PER_EVENT = 10_000;

/**
 * Holidays from an iCalendar text: all-day VEVENTs (DTSTART;VALUE=DATE), multi-day events (DTEND exclusive, as
 * RFC 5545 says) give one date per day, RRULE yearly/etc. recurrences are expanded for dates within
 * [fromYear, toYear] inclusive; timed (non all-day) events take the local date of their start in their own TZID
 * or UTC. Only dates within the window are returned, sorted and de-duplicated (the first name in the file wins).
 * Cancelled events and cancelled occurrences are left out.
 */
export function parseHolidayIcs(text: string, window: { fromYear: number; toYear: number }): Holiday[] {
  const { fromYear, toYear } = window;
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear < 1 || toYear > 9999 || fromYear > toYear) {
    throw new RangeError(`The years to read holidays for must be whole years from 1 to 9999 with fromYear <= toYear, not ${fromYear}–${toYear}`);
  }
  const calendar = parseCalendar(text);
  const first = dayNumber(fromYear, 1, 1);
  const last = dayNumber(toYear, 12, 31);
  const names = new Map<number, string>();
  const collect = (start: Time, end: Time | null, name: string): void => {
    for (let n = Math.max(first, dayOf(start)), until = Math.min(last, lastDayOf(start, end)); n <= until; n += 1) {
      if (!names.has(n)) names.set(n, name);
    }
  };

  const events = calendar.getAllSubcomponents('vevent');
  const recurringUids = new Set(events.filter((event) => isRecurring(event) && !event.hasProperty('recurrence-id')).map(uidOf));
  events.forEach((component, index) => {
    const label = `VEVENT ${index + 1}${component.hasProperty('uid') ? ` (UID ${uidOf(component)})` : ''}`;
    try {
      const recurring = isRecurring(component) && !component.hasProperty('recurrence-id');
      // An overridden occurrence of a recurring event is read together with its series.
      if (component.hasProperty('recurrence-id') && recurringUids.has(uidOf(component))) return;
      if (!component.hasProperty('dtstart')) throw new IcsError(`${label} has no DTSTART`);
      if (isCancelled(component)) return;
      const exceptions = recurring ? events.filter((other) => other.hasProperty('recurrence-id') && uidOf(other) === uidOf(component)) : [];
      const event = new ICAL.Event(component, { strictExceptions: true, exceptions });
      if (recurring) expand(event, window, label, collect);
      else collect(event.startDate, endOf(event), nameOf(event));
    } catch (error) {
      if (error instanceof IcsError) throw error;
      throw new IcsError(`${label} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

  return [...names.entries()].sort(([a], [b]) => a - b).map(([n, name]) => ({ date: dateOf(n), name }));
}

function parseCalendar(text: string): Component {
  if (typeof text !== 'string' || text.trim() === '') throw new IcsError('The iCalendar text is empty');
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    throw new IcsError(`Not an iCalendar file: ${error instanceof Error ? error.message : String(error)}`);
  }
  // One component comes back as ['vcalendar', properties, components]; several as a list of those.
  const components: unknown[] = Array.isArray(parsed) ? (typeof parsed[0] === 'string' ? [parsed] : parsed) : [];
  const vcalendar = components.find((component) => Array.isArray(component) && component[0] === 'vcalendar');
  if (!Array.isArray(vcalendar)) {
    const found = components.map((component) => (Array.isArray(component) ? String(component[0]).toUpperCase() : '?'));
    throw new IcsError(`Not an iCalendar file: expected BEGIN:VCALENDAR${found.length > 0 ? `, found ${found.join(', ')}` : ''}`);
  }
  return new ICAL.Component(vcalendar);
}

function expand(event: Event, { fromYear, toYear }: { fromYear: number; toYear: number }, label: string, collect: (start: Time, end: Time | null, name: string) => void): void {
  const iterator = event.iterator();
  for (let count = 1; ; count += 1) {
    const occurrence: Time | null | undefined = iterator.next();
    // Occurrences come in order, so none after the window can reach back into it.
    if (!occurrence || occurrence.year > toYear) return;
    if (count > MAX_RECURRENCES_PER_EVENT) throw new IcsError(`${label} recurs too often to expand (more than ${MAX_RECURRENCES_PER_EVENT} times before ${toYear + 1})`);
    // A multi-day occurrence from late in the year before can still reach into the window; earlier ones cannot.
    if (occurrence.year < fromYear - 1) continue;
    const details = event.getOccurrenceDetails(occurrence);
    if (isCancelled(details.item.component)) continue;
    collect(details.startDate, details.endDate, nameOf(details.item));
  }
}

function isRecurring(component: Component): boolean {
  return component.hasProperty('rrule') || component.hasProperty('rdate');
}

function isCancelled(component: Component): boolean {
  return String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
}

function uidOf(component: Component): string {
  return String(component.getFirstPropertyValue('uid') ?? '');
}

function nameOf(event: Event): string {
  return String(event.summary ?? '').trim();
}

/** DTEND, or the end DURATION gives; null when the event has neither (then it is one day long). */
function endOf(event: Event): Time | null {
  return event.component.hasProperty('dtend') || event.component.hasProperty('duration') ? event.endDate : null;
}

/** The last date an event covers: DTEND is exclusive for all-day events; a timed event counts on its start date only. */
function lastDayOf(start: Time, end: Time | null): number {
  const startDay = dayOf(start);
  if (!start.isDate || !end || !end.isDate) return startDay;
  return Math.max(startDay, dayOf(end) - 1);
}

/** The date written in the value: for a timed event, the local date in its TZID, or the UTC date for a `Z` time. */
function dayOf(time: Time): number {
  const n = dayNumber(time.year, time.month, time.day);
  if (!Number.isFinite(n)) throw new IcsError(`${time.toString()} is not a date`);
  return n;
}

function dayNumber(year: number, month: number, day: number): number {
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  return Math.floor(utc.getTime() / DAY_MS);
}

function dateOf(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}
