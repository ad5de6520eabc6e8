import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  BusinessCalendar,
  type BusinessInterval,
  type BusinessTimeProblem,
  BusinessTimeOutOfRangeError,
  type CalendarDefinition,
  checkCalendar,
  InvalidCalendarError,
  WEEKDAYS,
  type Weekday,
} from './business-calendar';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const OFFICE: BusinessInterval[] = [{ start: '09:00', end: '17:00' }];
const WHOLE_DAY: BusinessInterval[] = [{ start: '00:00', end: '24:00' }];

function definition(overrides: Partial<CalendarDefinition> = {}): CalendarDefinition {
  return {
    timeZone: 'Europe/Berlin',
    weekly: { monday: OFFICE, tuesday: OFFICE, wednesday: OFFICE, thursday: OFFICE, friday: OFFICE },
    holidays: [],
    ...overrides,
  };
}

const calendar = (overrides: Partial<CalendarDefinition> = {}): BusinessCalendar => BusinessCalendar.of(definition(overrides));

/** The same hours on every day of the week. */
const everyDay = (intervals: BusinessInterval[]): CalendarDefinition['weekly'] => Object.fromEntries(WEEKDAYS.map((day) => [day, intervals]));

/** An instant written with its offset, e.g. '2026-06-12T15:00+02:00'. */
function at(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
}

/** Compares instants as ISO strings so that a failure shows readable times. */
function expectInstant(actual: number, expected: string): void {
  expect(new Date(actual).toISOString()).toBe(new Date(at(expected)).toISOString());
}

/** The problem `add` refuses with, or a failure when it does not refuse. */
function refusal(add: () => number): BusinessTimeProblem {
  try {
    add();
  } catch (error) {
    if (error instanceof BusinessTimeOutOfRangeError) return error.problem;
    throw error;
  }
  throw new Error('the business time was added');
}

const fields = (definitionToCheck: CalendarDefinition): string[] => checkCalendar(definitionToCheck).map((error) => error.field);

describe('BusinessCalendar with office hours Monday to Friday 09:00–17:00 in Europe/Berlin', () => {
  const office = calendar({ holidays: ['2026-12-25'] });

  it('carries the rest of a duration over the weekend to Monday morning', () => {
    expectInstant(office.add(at('2026-06-12T15:00+02:00'), 4 * HOUR), '2026-06-15T11:00+02:00');
  });

  it('starts counting at 09:00 when the start is before opening time', () => {
    expectInstant(office.add(at('2026-06-10T06:30+02:00'), 30 * MINUTE), '2026-06-10T09:30+02:00');
  });

  it('ends exactly at closing time when the duration fills the day', () => {
    expectInstant(office.add(at('2026-06-10T09:00+02:00'), 8 * HOUR), '2026-06-10T17:00+02:00');
  });

  it('skips a holiday that falls on a Friday', () => {
    expectInstant(office.add(at('2026-12-24T16:00+01:00'), 2 * HOUR), '2026-12-28T10:00+01:00');
    expect(office.between(at('2026-12-24T00:00+01:00'), at('2026-12-29T00:00+01:00'))).toBe(16 * HOUR);
  });

  it('counts only business hours over a weekend', () => {
    expect(office.between(at('2026-06-12T12:00+02:00'), at('2026-06-15T12:00+02:00'))).toBe(8 * HOUR);
  });

  it('counts nothing from Friday evening to Monday morning', () => {
    expect(office.between(at('2026-06-12T17:00+02:00'), at('2026-06-15T09:00+02:00'))).toBe(0);
  });

  it('counts 40 hours in a plain week and 39 hours 30 minutes in one spanning the spring change of clocks', () => {
    expect(office.between(at('2026-06-08T00:00+02:00'), at('2026-06-15T00:00+02:00'))).toBe(40 * HOUR);
    // Clocks change on Sunday 2026-03-29, outside office hours: the week still has 40 business hours.
    expect(office.between(at('2026-03-23T00:00+01:00'), at('2026-03-30T00:00+02:00'))).toBe(40 * HOUR);
  });

  it('returns the start itself for a zero duration, even outside business hours', () => {
    const saturdayNight = at('2026-06-13T23:00+02:00');
    expect(office.add(saturdayNight, 0)).toBe(saturdayNight);
  });

  it('measures nothing when the end is not after the start', () => {
    expect(office.between(at('2026-06-10T12:00+02:00'), at('2026-06-10T10:00+02:00'))).toBe(0);
    expect(office.between(at('2026-06-10T12:00+02:00'), at('2026-06-10T12:00+02:00'))).toBe(0);
  });

  it('refuses a negative duration and instants that are not whole milliseconds', () => {
    expect(() => office.add(at('2026-06-10T12:00+02:00'), -1)).toThrow(RangeError);
    expect(() => office.add(at('2026-06-10T12:00+02:00'), 0.5)).toThrow(RangeError);
    expect(() => office.add(Number.NaN, HOUR)).toThrow(RangeError);
    expect(() => office.between(0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('refuses, as out of range, business time that ends past the last representable instant', () => {
    expect(refusal(() => office.add(8.64e15 - 4 * DAY, 2 * DAY))).toBe('past-last-instant');
    // The wall-clock end still fits, but the business hours run out before the duration does.
    expect(refusal(() => office.add(8.64e15 - 20 * DAY, 5 * DAY))).toBe('past-last-instant');
    expect(refusal(() => BusinessCalendar.ALWAYS.add(8.64e15 - 4 * DAY, 2 * DAY))).toBe('past-last-instant');
  });

  it('adds and measures two years of business time, each day worked out afresh', () => {
    const start = at('2029-01-01T09:00+01:00');
    const twoYears = 2 * 52 * 40 * HOUR;
    // A fresh calendar, so that no day is cached; `npm run bench:sla` measures how long this takes.
    const fresh = calendar();
    const end = fresh.add(start, twoYears);
    expect(fresh.between(start, end)).toBe(twoYears);
    expectInstant(end, '2030-12-27T17:00+01:00');
  });
});

describe('BusinessCalendar across daylight saving time in America/New_York', () => {
  const allLocalTime = calendar({ timeZone: 'America/New_York', weekly: everyDay(WHOLE_DAY) });

  it('has a 23-hour Sunday when clocks spring forward on 2026-03-08', () => {
    expect(allLocalTime.between(at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(23 * HOUR);
  });

  it('has a 25-hour Sunday when clocks fall back on 2026-11-01', () => {
    expect(allLocalTime.between(at('2026-11-01T00:00-04:00'), at('2026-11-02T00:00-05:00'))).toBe(25 * HOUR);
  });

  it('counts every instant when every local hour is business time', () => {
    expect(allLocalTime.between(at('2026-03-01T00:00-05:00'), at('2026-12-01T00:00-05:00'))).toBe(at('2026-12-01T00:00-05:00') - at('2026-03-01T00:00-05:00'));
  });

  const sundays = (interval: BusinessInterval): BusinessCalendar => calendar({ timeZone: 'America/New_York', weekly: { sunday: [interval] } });

  it('gives 01:00–03:00 three hours on the fall-back day and two hours on other Sundays', () => {
    const early = sundays({ start: '01:00', end: '03:00' });
    expect(early.between(at('2026-11-01T00:00-04:00'), at('2026-11-02T00:00-05:00'))).toBe(3 * HOUR);
    expectInstant(early.add(at('2026-11-01T00:00-04:00'), 3 * HOUR), '2026-11-01T03:00-05:00');
    expect(early.between(at('2026-11-08T00:00-05:00'), at('2026-11-09T00:00-05:00'))).toBe(2 * HOUR);
  });

  it('starts a repeated wall time at its first occurrence', () => {
    const fromHalfPastOne = sundays({ start: '01:30', end: '05:00' });
    // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST); business time starts at the first.
    expectInstant(fromHalfPastOne.add(at('2026-11-01T00:00-04:00'), 1), '2026-11-01T05:30:00.001Z');
    expect(fromHalfPastOne.between(at('2026-11-01T00:00-04:00'), at('2026-11-02T00:00-05:00'))).toBe(4.5 * HOUR);
  });

  it('loses the skipped hour from an interval spanning the spring-forward gap', () => {
    const early = sundays({ start: '01:00', end: '04:00' });
    expect(early.between(at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(2 * HOUR);
    expect(early.between(at('2026-03-15T00:00-04:00'), at('2026-03-16T00:00-04:00'))).toBe(3 * HOUR);
  });

  it('moves a start inside the spring-forward gap forward by the length of the gap', () => {
    const fromHalfPastTwo = sundays({ start: '02:30', end: '05:00' });
    // 02:30 does not exist on 2026-03-08; like Luxon, it is read as 03:30 EDT.
    expectInstant(fromHalfPastTwo.add(at('2026-03-08T00:00-05:00'), HOUR), '2026-03-08T04:30-04:00');
    expect(fromHalfPastTwo.between(at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(1.5 * HOUR);
  });

  it('moves an interval lying wholly inside the gap forward with it', () => {
    const inTheGap = sundays({ start: '02:15', end: '02:45' });
    expect(inTheGap.between(at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(30 * MINUTE);
    expectInstant(inTheGap.add(at('2026-03-08T00:00-05:00'), MINUTE), '2026-03-08T03:16-04:00');
  });

  it('has no business time on that day for an interval whose start the gap moves past its end', () => {
    const acrossTheGapEnd = sundays({ start: '02:30', end: '03:15' });
    expect(acrossTheGapEnd.between(at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(0);
    expectInstant(acrossTheGapEnd.add(at('2026-03-08T00:00-05:00'), MINUTE), '2026-03-15T02:31-04:00');
  });

  it('carries a duration across the short Sunday into the next one', () => {
    const sundayOnly = sundays({ start: '00:00', end: '24:00' });
    expectInstant(sundayOnly.add(at('2026-03-07T12:00-05:00'), 24 * HOUR), '2026-03-15T01:00-04:00');
  });
});

describe('BusinessCalendar across daylight saving time in Europe/Berlin', () => {
  const allLocalTime = calendar({ weekly: everyDay(WHOLE_DAY) });

  it('has a 23-hour day on 2026-03-29 and a 25-hour day on 2026-10-25', () => {
    expect(allLocalTime.between(at('2026-03-29T00:00+01:00'), at('2026-03-30T00:00+02:00'))).toBe(23 * HOUR);
    expect(allLocalTime.between(at('2026-10-25T00:00+02:00'), at('2026-10-26T00:00+01:00'))).toBe(25 * HOUR);
    expect(allLocalTime.between(at('2026-10-26T00:00+01:00'), at('2026-10-27T00:00+01:00'))).toBe(24 * HOUR);
  });

  it('places 03:00 after the change of clocks on the spring-forward day', () => {
    const fromThree = calendar({ weekly: { sunday: [{ start: '03:00', end: '04:00' }] } });
    expectInstant(fromThree.add(at('2026-03-29T00:00+01:00'), HOUR), '2026-03-29T04:00+02:00');
  });
});

describe('BusinessCalendar with an overnight shift 22:00–06:00 in Europe/Berlin', () => {
  const nights = calendar({ weekly: everyDay([{ start: '22:00', end: '06:00', overnight: true }]) });

  it('runs a shift across midnight', () => {
    expect(nights.between(at('2026-06-10T12:00+02:00'), at('2026-06-11T12:00+02:00'))).toBe(8 * HOUR);
    expectInstant(nights.add(at('2026-06-10T23:00+02:00'), 3 * HOUR), '2026-06-11T02:00+02:00');
    expectInstant(nights.add(at('2026-06-10T23:00+02:00'), 7 * HOUR + MINUTE), '2026-06-11T22:01+02:00');
  });

  it('has a 7-hour night when clocks spring forward and a 9-hour night when they fall back', () => {
    expect(nights.between(at('2026-03-28T12:00+01:00'), at('2026-03-29T12:00+02:00'))).toBe(7 * HOUR);
    expect(nights.between(at('2026-10-24T12:00+02:00'), at('2026-10-25T12:00+01:00'))).toBe(9 * HOUR);
  });

  it('stops a shift at midnight before a holiday and resumes at midnight after it', () => {
    const christmasOff = calendar({ weekly: everyDay([{ start: '22:00', end: '06:00', overnight: true }]), holidays: ['2026-12-25'] });
    // 24th 22:00–24:00, then nothing on the 25th (neither the tail of the 24th nor the shift of the 25th until midnight), then the 26th 00:00–06:00.
    expect(christmasOff.between(at('2026-12-24T12:00+01:00'), at('2026-12-26T12:00+01:00'))).toBe(8 * HOUR);
    expectInstant(christmasOff.add(at('2026-12-24T22:00+01:00'), 2 * HOUR), '2026-12-25T00:00+01:00');
    expectInstant(christmasOff.add(at('2026-12-24T22:00+01:00'), 2 * HOUR + 1), '2026-12-26T00:00:00.001+01:00');
  });

  it('places the tail of a Sunday night shift on Monday morning', () => {
    const sundayNight = calendar({ weekly: { sunday: [{ start: '22:00', end: '06:00', overnight: true }] } });
    expect(sundayNight.between(at('2026-06-15T00:00+02:00'), at('2026-06-22T00:00+02:00'))).toBe(8 * HOUR);
    expectInstant(sundayNight.add(at('2026-06-15T05:00+02:00'), 2 * HOUR), '2026-06-21T23:00+02:00');
  });
});

describe('BusinessCalendar with sparse weeks', () => {
  it('skips a weekday without business hours', () => {
    const noWednesday = calendar({ weekly: { monday: OFFICE, tuesday: OFFICE, wednesday: [], thursday: OFFICE, friday: OFFICE } });
    expectInstant(noWednesday.add(at('2026-06-09T16:00+02:00'), 2 * HOUR), '2026-06-11T10:00+02:00');
    expect(noWednesday.between(at('2026-06-10T00:00+02:00'), at('2026-06-11T00:00+02:00'))).toBe(0);
  });

  it('works through Saturdays only when only Saturday has hours', () => {
    const saturdays = calendar({ weekly: { saturday: OFFICE } });
    expectInstant(saturdays.add(at('2026-06-08T10:00+02:00'), 10 * HOUR), '2026-06-20T11:00+02:00');
    expect(saturdays.between(at('2026-06-08T00:00+02:00'), at('2026-06-22T00:00+02:00'))).toBe(16 * HOUR);
  });

  it('treats back-to-back intervals as one stretch', () => {
    const split = calendar({ weekly: { monday: [{ start: '13:00', end: '17:00' }, { start: '09:00', end: '13:00' }] } });
    expect(split.between(at('2026-06-08T00:00+02:00'), at('2026-06-09T00:00+02:00'))).toBe(8 * HOUR);
  });

  it('gives up when a calendar has no business time for 20 years', () => {
    const holidays = Array.from({ length: 21 * 53 }, (_, week) => DateTime.fromISO('2026-06-13', { zone: 'utc' }).plus({ weeks: week }).toISODate() ?? '');
    const rareSaturdays = calendar({ weekly: { saturday: OFFICE }, holidays });
    expect(() => rareSaturdays.add(at('2026-06-08T10:00+02:00'), HOUR)).toThrow(/no business time for 20 years/);
    expect(refusal(() => rareSaturdays.add(at('2026-06-08T10:00+02:00'), HOUR))).toBe('no-business-time');
    expect(rareSaturdays.between(at('2026-06-08T10:00+02:00'), at('2046-06-08T10:00+02:00'))).toBe(0);
  });
});

describe('BusinessCalendar.ALWAYS', () => {
  it('adds wall-clock time, across a change of clocks too', () => {
    expect(BusinessCalendar.ALWAYS.add(at('2026-03-29T00:00+01:00'), 5 * HOUR)).toBe(at('2026-03-29T06:00+02:00'));
  });

  it('measures wall-clock time', () => {
    expect(BusinessCalendar.ALWAYS.between(at('2026-10-25T00:00+02:00'), at('2026-10-26T00:00+01:00'))).toBe(25 * HOUR);
    expect(BusinessCalendar.ALWAYS.between(at('2026-10-26T00:00+01:00'), at('2026-10-25T00:00+02:00'))).toBe(0);
  });

  it('refuses a negative duration', () => {
    expect(() => BusinessCalendar.ALWAYS.add(0, -1)).toThrow(RangeError);
  });
});

describe('checkCalendar', () => {
  it('accepts office hours, an overnight shift and holidays', () => {
    expect(
      checkCalendar(
        definition({
          weekly: { monday: OFFICE, friday: [{ start: '22:00', end: '06:00', overnight: true }], saturday: [{ start: '06:00', end: '24:00' }] },
          holidays: ['2026-12-25', '2028-02-29'],
        }),
      ),
    ).toEqual([]);
  });

  it.each(['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Etc/GMT-2'])('accepts the IANA zone %s', (timeZone) => {
    expect(checkCalendar(definition({ timeZone }))).toEqual([]);
  });

  it.each(['UTC+2', '+02:00', 'Mars/Olympus_Mons', '', 'Europe/Berlin '])('refuses the time zone %p', (timeZone) => {
    expect(fields(definition({ timeZone }))).toEqual(['timeZone']);
  });

  it('names a start or end that is not HH:mm', () => {
    expect(fields(definition({ weekly: { monday: [{ start: '09:00', end: '17:00' }, { start: '9:00', end: '25:00' }], tuesday: [{ start: '18:00', end: '18:60' }] } }))).toEqual([
      'weekly.monday.1.start',
      'weekly.monday.1.end',
      'weekly.tuesday.0.end',
    ]);
  });

  it('refuses 24:00 as a start but takes it as an end', () => {
    expect(fields(definition({ weekly: { monday: [{ start: '24:00', end: '24:00' }], tuesday: [{ start: '20:00', end: '24:00' }] } }))).toEqual(['weekly.monday.0.start']);
  });

  it('calls an interval that ends before it starts inverted', () => {
    const errors = checkCalendar(definition({ weekly: { monday: [{ start: '17:00', end: '09:00' }] } }));
    expect(errors).toEqual([{ field: 'weekly.monday.0.end', message: expect.stringContaining('inverted') }]);
  });

  it('refuses a zero-length interval as inverted', () => {
    expect(checkCalendar(definition({ weekly: { monday: [{ start: '09:00', end: '09:00' }] } }))).toEqual([{ field: 'weekly.monday.0.end', message: expect.stringContaining('inverted') }]);
  });

  it('refuses an overnight interval that does not end before its start on the next day', () => {
    expect(fields(definition({ weekly: { monday: [{ start: '09:00', end: '17:00', overnight: true }] } }))).toEqual(['weekly.monday.0.end']);
    expect(fields(definition({ weekly: { monday: [{ start: '09:00', end: '09:00', overnight: true }] } }))).toEqual(['weekly.monday.0.end']);
    expect(fields(definition({ weekly: { monday: [{ start: '22:00', end: '24:00', overnight: true }] } }))).toEqual(['weekly.monday.0.end']);
  });

  it('names the later of two overlapping intervals, whatever their order in the list', () => {
    const errors = checkCalendar(definition({ weekly: { tuesday: [{ start: '12:00', end: '18:00' }, { start: '08:00', end: '12:30' }] } }));
    expect(errors).toEqual([{ field: 'weekly.tuesday.0', message: 'overlaps weekly.tuesday.1 (08:00–12:30)' }]);
  });

  it('finds an overnight interval spilling into the next morning', () => {
    const errors = checkCalendar(definition({ weekly: { sunday: [{ start: '22:00', end: '06:00', overnight: true }], monday: [{ start: '05:00', end: '12:00' }] } }));
    expect(errors).toEqual([{ field: 'weekly.monday.0', message: 'overlaps weekly.sunday.0 (22:00–06:00 overnight)' }]);
  });

  it('finds an interval after an overnight interval on the same evening', () => {
    expect(fields(definition({ weekly: { friday: [{ start: '20:00', end: '02:00', overnight: true }, { start: '23:00', end: '23:30' }] } }))).toEqual(['weekly.friday.1']);
  });

  it('lets an interval start where an overnight tail ends', () => {
    expect(checkCalendar(definition({ weekly: { sunday: [{ start: '22:00', end: '06:00', overnight: true }], monday: [{ start: '06:00', end: '12:00' }] } }))).toEqual([]);
  });

  it('refuses a key that is not a weekday', () => {
    const weekly = { monday: OFFICE, funday: OFFICE } as unknown as CalendarDefinition['weekly'];
    expect(fields(definition({ weekly }))).toEqual(['weekly.funday']);
  });

  it('refuses overnight flags that are not booleans', () => {
    const weekly = { monday: [{ start: '09:00', end: '17:00', overnight: 'yes' }] } as unknown as CalendarDefinition['weekly'];
    expect(fields(definition({ weekly }))).toEqual(['weekly.monday.0.overnight']);
  });

  it('names each holiday that is not a calendar date yyyy-MM-dd', () => {
    expect(fields(definition({ holidays: ['2026-12-25', '2026-02-30', '25.12.2026', '2027-13-01', '2026-1-01'] }))).toEqual(['holidays.1', 'holidays.2', 'holidays.3', 'holidays.4']);
  });

  it('refuses a calendar without any business hours', () => {
    expect(checkCalendar(definition({ weekly: { monday: [], saturday: [] } }))).toEqual([{ field: 'weekly', message: 'has no business hours' }]);
  });

  it('makes BusinessCalendar.of throw the problems it finds', () => {
    expect(() => calendar({ timeZone: 'UTC+2' })).toThrow(InvalidCalendarError);
    expect(() => calendar({ timeZone: 'UTC+2', holidays: ['tomorrow'] })).toThrow(/timeZone.*holidays\.0/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties over random calendars around the changes of clocks in 2026

const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'] as const;
/** Changes of clocks in 2026 of New York, Berlin and Lord Howe (a 30-minute change). */
const TRANSITIONS = ['2026-03-08T07:00Z', '2026-11-01T06:00Z', '2026-03-29T01:00Z', '2026-10-25T01:00Z', '2026-04-04T15:00Z', '2026-10-03T15:30Z'].map(at);

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

interface RandomDay {
  cuts: number[];
  overnight: [number, number] | null;
}

const dayArb: fc.Arbitrary<RandomDay> = fc.record({
  cuts: fc.uniqueArray(fc.integer({ min: 0, max: 1440 }), { maxLength: 6 }),
  overnight: fc.option(fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 })), { nil: null }),
});

const holidayArb = fc.integer({ min: 0, max: 80 }).map((n) => {
  // Within a few weeks around the spring and autumn changes of clocks.
  const base = n < 40 ? '2026-03-01' : '2026-09-25';
  return DateTime.fromISO(base, { zone: 'utc' }).plus({ days: n % 40 }).toISODate() ?? '';
});

/** Disjoint intervals per day, some of them overnight, laid out so that no tail overlaps the next day. */
function weeklyOf(days: RandomDay[]): CalendarDefinition['weekly'] {
  const plain = days.map((day) => {
    const cuts = [...day.cuts].sort((a, b) => a - b);
    const pairs: [number, number][] = [];
    for (let i = 0; i + 1 < cuts.length; i += 2) pairs.push([cuts[i] ?? 0, cuts[i + 1] ?? 0]);
    return pairs;
  });
  const overnightStarts = days.map((day, i) => {
    if (!day.overnight) return null;
    const lastEnd = plain[i]?.at(-1)?.[1] ?? 0;
    if (lastEnd >= 1440) return null;
    const start = lastEnd + (day.overnight[0] % (1440 - lastEnd));
    return start > 0 ? start : null;
  });
  const weekly: Partial<Record<Weekday, BusinessInterval[]>> = {};
  WEEKDAYS.forEach((weekday, i) => {
    const intervals: BusinessInterval[] = (plain[i] ?? []).map(([start, end]) => ({ start: hhmm(start), end: end === 1440 ? '24:00' : hhmm(end) }));
    const start = overnightStarts[i];
    const overnight = days[i]?.overnight;
    if (start !== null && start !== undefined && overnight) {
      const next = (i + 1) % 7;
      const nextFirst = Math.min(plain[next]?.[0]?.[0] ?? 1440, overnightStarts[next] ?? 1440);
      const latestEnd = Math.min(start - 1, nextFirst);
      intervals.push({ start: hhmm(start), end: hhmm(overnight[1] % (latestEnd + 1)), overnight: true });
    }
    if (intervals.length > 0) weekly[weekday] = intervals;
  });
  if (Object.keys(weekly).length === 0) weekly.wednesday = OFFICE;
  return weekly;
}

const definitionArb: fc.Arbitrary<CalendarDefinition> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    days: fc.array(dayArb, { minLength: 7, maxLength: 7 }),
    holidays: fc.array(holidayArb, { maxLength: 8 }),
  })
  .map(({ timeZone, days, holidays }) => ({ timeZone, weekly: weeklyOf(days), holidays }));

const calendarArb = definitionArb.map((d) => BusinessCalendar.of(d));
const nearTransitionArb = fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -6 * DAY, max: 6 * DAY })).map(([transition, shift]) => transition + shift);
/** Also anywhere in a stretch of 16 months, so that spans cover whole weeks with and without changes of clocks. */
const instantArb = fc.oneof(nearTransitionArb, fc.integer({ min: at('2025-11-01T00:00Z'), max: at('2027-03-01T00:00Z') }));
const durationArb = fc.integer({ min: 0, max: 3 * DAY });
const RUNS = { numRuns: 200 };

describe('BusinessCalendar properties', () => {
  it('generates only calendars that checkCalendar accepts', () => {
    fc.assert(
      fc.property(definitionArb, (d) => expect(checkCalendar(d)).toEqual([])),
      RUNS,
    );
  });

  it('never counts more business time than wall-clock time', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, instantArb, (cal, a, b) => {
        const measured = cal.between(a, b);
        expect(measured).toBeGreaterThanOrEqual(0);
        expect(measured).toBeLessThanOrEqual(Math.max(0, b - a));
      }),
      RUNS,
    );
  });

  it('measures exactly the duration that add went forward by, and never goes faster than the clock', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, durationArb, (cal, s, d) => {
        const end = cal.add(s, d);
        expect(end).toBeGreaterThanOrEqual(s + d);
        expect(cal.between(s, end)).toBe(d);
      }),
      RUNS,
    );
  });

  it('reaches any later instant by adding the business time measured up to it', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, instantArb, (cal, a, b) => {
        fc.pre(a <= b);
        const measured = cal.between(a, b);
        const reached = cal.add(a, measured);
        expect(reached).toBeLessThanOrEqual(b);
        expect(cal.between(a, reached)).toBe(measured);
        expect(cal.between(reached, b)).toBe(0);
      }),
      RUNS,
    );
  });

  it('returns the earliest instant: one millisecond before it, the duration has not yet passed', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, durationArb, (cal, s, d) => {
        fc.pre(d > 0);
        expect(cal.between(s, cal.add(s, d) - 1)).toBe(d - 1);
      }),
      RUNS,
    );
  });

  it('adds up the business time of adjacent spans', () => {
    fc.assert(
      fc.property(calendarArb, fc.array(instantArb, { minLength: 3, maxLength: 3 }), (cal, instants) => {
        const [a = 0, b = 0, c = 0] = [...instants].sort((x, y) => x - y);
        expect(cal.between(a, b) + cal.between(b, c)).toBe(cal.between(a, c));
      }),
      RUNS,
    );
  });

  it('moves the end strictly forward as the duration grows', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, durationArb, durationArb, (cal, s, d1, d2) => {
        fc.pre(d1 !== d2);
        const [shorter, longer] = d1 < d2 ? [d1, d2] : [d2, d1];
        expect(cal.add(s, shorter)).toBeLessThan(cal.add(s, longer));
      }),
      RUNS,
    );
  });

  it('composes: adding d1 and then d2 ends where adding d1 + d2 does', () => {
    // Holds for every start, inside business time or not, because add(s, 0) is s itself and add returns the
    // earliest instant: from add(s, d1) no business time is skipped before counting d2.
    fc.assert(
      fc.property(calendarArb, instantArb, durationArb, durationArb, (cal, s, d1, d2) => {
        expect(cal.add(cal.add(s, d1), d2)).toBe(cal.add(s, d1 + d2));
      }),
      RUNS,
    );
  });

  it('counts every instant when every local hour of every day is business time', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, instantArb, (timeZone, a, b) => {
        const allLocalTime = calendar({ timeZone, weekly: everyDay(WHOLE_DAY) });
        expect(allLocalTime.between(a, b)).toBe(Math.max(0, b - a));
        if (b >= a) expect(allLocalTime.add(a, b - a)).toBe(b);
      }),
      RUNS,
    );
  });

  it('lets a local day last as long as Luxon says it does', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, (timeZone, instant) => {
        const allLocalTime = calendar({ timeZone, weekly: everyDay(WHOLE_DAY) });
        const day = DateTime.fromMillis(instant, { zone: timeZone }).startOf('day');
        const next = day.plus({ days: 1 }).startOf('day');
        expect(allLocalTime.between(day.toMillis(), next.toMillis())).toBe(next.toMillis() - day.toMillis());
      }),
      RUNS,
    );
  });

  it('starts business hours at the instant Luxon gives the wall time, taking the earlier of two', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, fc.integer({ min: 0, max: 1439 }), (timeZone, instant, startMinute) => {
        const local = DateTime.fromMillis(instant, { zone: timeZone });
        const weekday = WEEKDAYS[local.weekday - 1] ?? 'monday';
        const oneInterval = calendar({ timeZone, weekly: { [weekday]: [{ start: hhmm(startMinute), end: '24:00' }] } });
        const wall = local.startOf('day').set({ hour: Math.floor(startMinute / 60), minute: startMinute % 60 });
        const candidates = wall.getPossibleOffsets().map((dt) => dt.toMillis());
        const expected = candidates.length > 0 ? Math.min(...candidates) : wall.toMillis();
        expect(oneInterval.add(local.startOf('day').toMillis(), 1) - 1).toBe(expected);
      }),
      RUNS,
    );
  });
});
