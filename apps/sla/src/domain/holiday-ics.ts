import ICAL from 'ical.js';

export interface Holiday {
  /** Local date yyyy-MM-dd. */
  date: string;
  name: string;
}

/**
 * What is wrong with a file: `invalid` it cannot be read as holidays, `malformed` its components are not nested as
 * an iCalendar's are, `too-large` it asks for more work than one import may take.
 */
export type IcsProblem = 'invalid' | 'malformed' | 'too-large';

/** The limit a file went past: what was counted and the most allowed (milliseconds for `time`). */
export interface IcsLimitExceeded {
  exceeded: 'events' | 'occurrences' | 'occurrencesPerEvent' | 'time';
  limit: number;
}

/** The text is not an iCalendar, or holds an event that cannot be read as holidays, or is more than one import may read. */
export class IcsError extends Error {
  constructor(
    message: string,
    readonly problem: IcsProblem = 'invalid',
    readonly limit?: IcsLimitExceeded,
  ) {
    super(message);
    this.name = 'IcsError';
  }
}

/**
 * What one file may cost. Expanding a rule costs tens of microseconds per occurrence: without a budget for the file
 * as a whole, a few kilobytes of daily rules keep the service busy for seconds. Holiday files stay far below these
 * (a national calendar: tens of events, yearly rules, a few hundred occurrences over the widest window).
 */
export interface IcsLimits {
  /** VEVENTs in the file. */
  maxEvents: number;
  /** Occurrences expanded from all recurring events together, counted from each rule's start, not from the window. */
  maxOccurrences: number;
  /** Occurrences of one recurring event (FREQ=MINUTELY would otherwise run for minutes). */
  maxOccurrencesPerEvent: number;
  /** Milliseconds reading and expanding may take, checked while expanding, so the work stops at the limit. */
  maxMillis: number;
}

export const ICS_LIMITS: Readonly<IcsLimits> = { maxEvents: 1_000, maxOccurrences: 20_000, maxOccurrencesPerEvent: 10_000, maxMillis: 2_000 };

/**
 * Where each known component may stand (RFC 5545 section 3.6); other (X-, IANA) components stand below VCALENDAR.
 * This bounds nesting at three deep: VCALENDAR > VTIMEZONE > STANDARD, VCALENDAR > VEVENT > VALARM.
 */
const PARENTS: Readonly<Record<string, readonly string[]>> = {
  VCALENDAR: [],
  VEVENT: ['VCALENDAR'],
  VTODO: ['VCALENDAR'],
  VJOURNAL: ['VCALENDAR'],
  VFREEBUSY: ['VCALENDAR'],
  VTIMEZONE: ['VCALENDAR'],
  STANDARD: ['VTIMEZONE'],
  DAYLIGHT: ['VTIMEZONE'],
  VALARM: ['VEVENT', 'VTODO'],
};

type Component = InstanceType<typeof ICAL.Component>;
type Event = InstanceType<typeof ICAL.Event>;
type Time = InstanceType<typeof ICAL.Time>;

const DAY_MS = 86_400_000;
/** How many occurrences pass between two looks at the clock. */
const CLOCK_EVERY = 64;

/**
 * Holidays from an iCalendar text: all-day VEVENTs (DTSTART;VALUE=DATE), multi-day events (DTEND exclusive, as
 * RFC 5545 says) give one date per day, RRULE yearly/etc. recurrences are expanded for dates within
 * [fromYear, toYear] inclusive; timed (non all-day) events take the local date of their start in their own TZID
 * or UTC. Only dates within the window are returned, sorted and de-duplicated (the first name in the file wins).
 * Cancelled events and cancelled occurrences are left out. A file whose components are not nested as an iCalendar's
 * are is refused before it is parsed; one past a limit (ICS_LIMITS, or those in `options`, timed by `options.clock`)
 * as soon as it goes past.
 */
export function parseHolidayIcs(
  text: string,
  window: { fromYear: number; toYear: number },
  options: Partial<IcsLimits> & { clock?: () => number } = {},
): Holiday[] {
  const { fromYear, toYear } = window;
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear < 1 || toYear > 9999 || fromYear > toYear) {
    throw new RangeError(`The years to read holidays for must be whole years from 1 to 9999 with fromYear <= toYear, not ${fromYear}–${toYear}`);
  }
  const { clock = () => performance.now(), ...given } = options;
  const limits: IcsLimits = { ...ICS_LIMITS, ...given };
  const budget = new Budget(limits, clock);
  checkStructure(text, limits);
  const calendar = parseCalendar(text);
  budget.checkTime('reading the file');
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
  const exceptionsOf = new Map<string, Component[]>();
  for (const event of events) {
    if (!event.hasProperty('recurrence-id')) continue;
    const uid = uidOf(event);
    exceptionsOf.set(uid, [...(exceptionsOf.get(uid) ?? []), event]);
  }
  events.forEach((component, index) => {
    const label = `VEVENT ${index + 1}${component.hasProperty('uid') ? ` (UID ${uidOf(component)})` : ''}`;
    budget.checkTime(`at ${label}`);
    try {
      const recurring = isRecurring(component) && !component.hasProperty('recurrence-id');
      // An overridden occurrence of a recurring event is read together with its series.
      if (component.hasProperty('recurrence-id') && recurringUids.has(uidOf(component))) return;
      if (!component.hasProperty('dtstart')) throw new IcsError(`${label} has no DTSTART`);
      if (isCancelled(component)) return;
      const exceptions = recurring ? (exceptionsOf.get(uidOf(component)) ?? []) : [];
      const event = new ICAL.Event(component, { strictExceptions: true, exceptions });
      if (recurring) expand(event, window, label, budget, collect);
      else collect(event.startDate, endOf(event), nameOf(event));
    } catch (error) {
      if (error instanceof IcsError) throw error;
      throw new IcsError(`${label} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

  return [...names.entries()].sort(([a], [b]) => a - b).map(([n, name]) => ({ date: dateOf(n), name }));
}

/** The work one file has had so far: occurrences expanded and time since reading began. */
class Budget {
  private occurrences = 0;
  private readonly deadline: number;

  constructor(
    readonly limits: IcsLimits,
    private readonly clock: () => number,
  ) {
    this.deadline = clock() + limits.maxMillis;
  }

  /** Counts one occurrence more, and looks at the clock every few. */
  occurrence(label: string): void {
    this.occurrences += 1;
    if (this.occurrences > this.limits.maxOccurrences) {
      throw new IcsError(
        `The recurring events expand to more than ${this.limits.maxOccurrences} occurrences, the most one file may give (reached at ${label})`,
        'too-large',
        { exceeded: 'occurrences', limit: this.limits.maxOccurrences },
      );
    }
    if (this.occurrences % CLOCK_EVERY === 0) this.checkTime(`at ${label}`);
  }

  checkTime(where: string): void {
    if (this.clock() > this.deadline) {
      throw new IcsError(`Reading the file takes longer than ${this.limits.maxMillis} ms, the most one file may take (stopped ${where})`, 'too-large', {
        exceeded: 'time',
        limit: this.limits.maxMillis,
      });
    }
  }
}

/**
 * Refuses, before any parsing, a file whose components are not nested as an iCalendar's are (one VCALENDAR holding
 * VEVENT, VTIMEZONE and the like, each holding only its own sub-components) or that holds more events than one import
 * reads. A text with no component at all is left to the parser, which says it is not an iCalendar.
 */
function checkStructure(text: string, limits: IcsLimits): void {
  if (typeof text !== 'string') return;
  const malformed = (message: string): IcsError => new IcsError(`The iCalendar file is malformed: ${message}`, 'malformed');
  const open: string[] = [];
  let calendars = 0;
  let events = 0;
  const lines = text.split(/\r\n|\n|\r/);
  for (let index = 0; index < lines.length; index += 1) {
    // A folded line continues with a space or tab; a BEGIN or END split across lines is read whole.
    let line = lines[index] ?? '';
    const number = index + 1;
    while (index + 1 < lines.length && /^[ \t]/.test(lines[index + 1] ?? '')) {
      index += 1;
      line += (lines[index] ?? '').slice(1);
    }
    const match = /^(BEGIN|END):(.*)$/i.exec(line);
    if (!match) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const name = (match[2] ?? '').trim().toUpperCase();
    if (keyword === 'END') {
      const current = open.pop();
      if (current === undefined) throw malformed(`END:${name} on line ${number} closes no component`);
      if (current !== name) throw malformed(`END:${name} on line ${number} closes BEGIN:${current}`);
      continue;
    }
    const parent = open[open.length - 1];
    if (parent === undefined) {
      if (name !== 'VCALENDAR') {
        if (calendars === 0) throw new IcsError(`Not an iCalendar file: expected BEGIN:VCALENDAR, found ${name || 'BEGIN without a name'}`);
        throw malformed(`BEGIN:${name} on line ${number} stands after the VCALENDAR; a file holds one VCALENDAR and nothing else`);
      }
      calendars += 1;
      if (calendars > 1) throw malformed(`a second BEGIN:VCALENDAR on line ${number}; a file holds one VCALENDAR`);
    } else {
      const parents = PARENTS[name] ?? ['VCALENDAR'];
      if (!parents.includes(parent)) {
        const where = parents.length === 0 ? 'only at the top of the file' : `only inside ${parents.join(' or ')}`;
        throw malformed(`BEGIN:${name} on line ${number} is inside ${parent}; it may stand ${where}`);
      }
      if (name === 'VEVENT') {
        events += 1;
        if (events > limits.maxEvents) {
          throw new IcsError(`The file has more than ${limits.maxEvents} events (VEVENT), the most one import reads`, 'too-large', { exceeded: 'events', limit: limits.maxEvents });
        }
      }
    }
    open.push(name);
  }
  const unclosed = open[open.length - 1];
  if (unclosed !== undefined) throw malformed(`BEGIN:${unclosed} is never closed by END:${unclosed}`);
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

function expand(event: Event, { fromYear, toYear }: { fromYear: number; toYear: number }, label: string, budget: Budget, collect: (start: Time, end: Time | null, name: string) => void): void {
  const { maxOccurrencesPerEvent } = budget.limits;
  const iterator = event.iterator();
  for (let count = 1; ; count += 1) {
    const occurrence: Time | null | undefined = iterator.next();
    // Occurrences come in order, so none after the window can reach back into it.
    if (!occurrence || occurrence.year > toYear) return;
    if (count > maxOccurrencesPerEvent) {
      throw new IcsError(`${label} recurs too often to expand (more than ${maxOccurrencesPerEvent} times before ${toYear + 1}, the most one event may give)`, 'too-large', {
        exceeded: 'occurrencesPerEvent',
        limit: maxOccurrencesPerEvent,
      });
    }
    budget.occurrence(label);
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
