import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Holiday, ICS_LIMITS, IcsError, parseHolidayIcs } from './holiday-ics';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

/** A calendar of the given VEVENT bodies, one line each, with CRLF line ends. */
function calendarOf(...events: string[][]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Test//EN'];
  events.forEach((event, i) => lines.push('BEGIN:VEVENT', `UID:event-${i}@example.com`, 'DTSTAMP:20260101T000000Z', ...event, 'END:VEVENT'));
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

const dates = (holidays: Holiday[]): string[] => holidays.map((holiday) => holiday.date);

/** The IcsError a read throws, to assert its problem, limit and message. */
function refusalOf(read: () => unknown): IcsError {
  try {
    read();
  } catch (error) {
    if (error instanceof IcsError) return error;
    throw error;
  }
  throw new Error('the file was not refused');
}

/** One all-day event a day from 2026-01-01 on, as separate events. */
const dailyEvents = (count: number): string[][] =>
  Array.from({ length: count }, (_, i) => [`DTSTART;VALUE=DATE:${new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10).replace(/-/g, '')}`, `SUMMARY:Day ${i + 1}`]);

describe('parseHolidayIcs', () => {
  describe('with the German public holidays 2026–2027', () => {
    const text = fixture('german-holidays-2026-2027.ics');

    it('reads every all-day holiday of both years, in date order, with its name', () => {
      const holidays = parseHolidayIcs(text, { fromYear: 2026, toYear: 2027 });
      expect(holidays).toEqual([
        { date: '2026-01-01', name: 'Neujahr' },
        { date: '2026-04-03', name: 'Karfreitag' },
        { date: '2026-04-06', name: 'Ostermontag' },
        { date: '2026-05-01', name: 'Tag der Arbeit' },
        { date: '2026-05-14', name: 'Christi Himmelfahrt' },
        { date: '2026-05-25', name: 'Pfingstmontag' },
        { date: '2026-10-03', name: 'Tag der Deutschen Einheit' },
        { date: '2026-10-31', name: 'Reformationstag (BB, HB, HH, MV, NI, SN, ST, SH, TH)' },
        { date: '2026-12-25', name: '1. Weihnachtstag' },
        { date: '2026-12-26', name: '2. Weihnachtstag' },
        { date: '2027-01-01', name: 'Neujahr' },
        { date: '2027-03-26', name: 'Karfreitag' },
        { date: '2027-03-29', name: 'Ostermontag' },
        { date: '2027-05-01', name: 'Tag der Arbeit' },
        { date: '2027-05-06', name: 'Christi Himmelfahrt' },
        { date: '2027-05-17', name: 'Pfingstmontag' },
        { date: '2027-10-03', name: 'Tag der Deutschen Einheit' },
        { date: '2027-10-31', name: 'Reformationstag (BB, HB, HH, MV, NI, SN, ST, SH, TH)' },
        { date: '2027-12-25', name: '1. Weihnachtstag' },
        { date: '2027-12-26', name: '2. Weihnachtstag' },
      ]);
    });

    it('keeps only the dates within the years asked for', () => {
      expect(dates(parseHolidayIcs(text, { fromYear: 2027, toYear: 2027 }))).toEqual([
        '2027-01-01',
        '2027-03-26',
        '2027-03-29',
        '2027-05-01',
        '2027-05-06',
        '2027-05-17',
        '2027-10-03',
        '2027-10-31',
        '2027-12-25',
        '2027-12-26',
      ]);
    });

    it('continues an open-ended yearly rule and stops a rule at its UNTIL', () => {
      expect(parseHolidayIcs(text, { fromYear: 2028, toYear: 2030 })).toEqual([
        { date: '2028-12-25', name: '1. Weihnachtstag' },
        { date: '2029-12-25', name: '1. Weihnachtstag' },
        { date: '2030-12-25', name: '1. Weihnachtstag' },
      ]);
    });

    it('reads the same holidays from LF line ends', () => {
      expect(parseHolidayIcs(text.replace(/\r\n/g, '\n'), { fromYear: 2026, toYear: 2027 })).toEqual(parseHolidayIcs(text, { fromYear: 2026, toYear: 2027 }));
    });
  });

  describe('with yearly holidays', () => {
    const text = fixture('yearly-holidays.ics');

    it('expands a yearly Christmas rule that began years before the window', () => {
      const christmas = parseHolidayIcs(text, { fromYear: 2026, toYear: 2028 }).filter((holiday) => holiday.name === 'Christmas Day');
      expect(dates(christmas)).toEqual(['2026-12-25', '2027-12-25', '2028-12-25']);
    });

    it('leaves out an excluded occurrence and moves an overridden one', () => {
      const newYear = parseHolidayIcs(text, { fromYear: 2026, toYear: 2028 }).filter((holiday) => holiday.name.startsWith('New Year'));
      expect(newYear).toEqual([
        { date: '2026-01-01', name: "New Year's Day" },
        { date: '2028-01-03', name: "New Year's Day (observed)" },
      ]);
    });
  });

  describe('with company closures', () => {
    const text = fixture('company-closures.ics');

    it('gives a two-day event both days (DTEND is exclusive), timed events the date they start on in their zone, and skips cancelled events', () => {
      expect(parseHolidayIcs(text, { fromYear: 2026, toYear: 2027 })).toEqual([
        { date: '2026-12-30', name: 'Year-end shutdown' },
        // The party starts 2026-12-31 21:00 in New York (02:00 UTC on the 1st) and shares the date with the shutdown, named first.
        { date: '2026-12-31', name: 'Year-end shutdown' },
        // 23:00 UTC, which is already the 16th in Europe: the date is the one of the UTC time.
        { date: '2027-01-15', name: 'Datacenter maintenance (timed, UTC)' },
      ]);
    });
  });

  it('gives an all-day event without DTEND one day and one with DURATION as many days as it lasts', () => {
    const text = calendarOf(['DTSTART;VALUE=DATE:20260715', 'SUMMARY:One day'], ['DTSTART;VALUE=DATE:20260801', 'DURATION:P3D', 'SUMMARY:Three days']);
    expect(dates(parseHolidayIcs(text, { fromYear: 2026, toYear: 2026 }))).toEqual(['2026-07-15', '2026-08-01', '2026-08-02', '2026-08-03']);
  });

  it('keeps the name of the first event of a date', () => {
    const text = calendarOf(['DTSTART;VALUE=DATE:20261225', 'SUMMARY:Christmas Day'], ['DTSTART;VALUE=DATE:20261224', 'DTEND;VALUE=DATE:20261227', 'SUMMARY:Christmas break']);
    expect(parseHolidayIcs(text, { fromYear: 2026, toYear: 2026 })).toEqual([
      { date: '2026-12-24', name: 'Christmas break' },
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2026-12-26', name: 'Christmas break' },
    ]);
  });

  it('cuts a multi-day event at the edges of the window', () => {
    const text = calendarOf(['DTSTART;VALUE=DATE:20261230', 'DTEND;VALUE=DATE:20270103', 'SUMMARY:Shutdown']);
    expect(dates(parseHolidayIcs(text, { fromYear: 2027, toYear: 2027 }))).toEqual(['2027-01-01', '2027-01-02']);
  });

  it('expands a weekly rule of a timed event in the local time of its zone', () => {
    const text = calendarOf(['DTSTART;TZID=Europe/Berlin:20260305T233000', 'RRULE:FREQ=WEEKLY;COUNT=5', 'SUMMARY:Late maintenance']);
    expect(dates(parseHolidayIcs(text, { fromYear: 2026, toYear: 2026 }))).toEqual(['2026-03-05', '2026-03-12', '2026-03-19', '2026-03-26', '2026-04-02']);
  });

  it('returns no holidays for a calendar without events', () => {
    expect(parseHolidayIcs('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Empty//EN\r\nEND:VCALENDAR\r\n', { fromYear: 2026, toYear: 2027 })).toEqual([]);
  });

  it('refuses a file that is not an iCalendar', () => {
    expect(() => parseHolidayIcs(fixture('not-a-calendar.ics'), { fromYear: 2026, toYear: 2027 })).toThrow(IcsError);
    expect(() => parseHolidayIcs(fixture('not-a-calendar.ics'), { fromYear: 2026, toYear: 2027 })).toThrow(/Not an iCalendar file/);
  });

  it.each([
    ['empty text', ''],
    ['a vCard', 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jane Doe\r\nEND:VCARD\r\n'],
    ['a line without a value', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nnonsense\r\nEND:VCALENDAR\r\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parseHolidayIcs(text, { fromYear: 2026, toYear: 2027 })).toThrow(IcsError);
  });

  it('names the event that has no DTSTART', () => {
    const text = calendarOf(['DTSTART;VALUE=DATE:20261225', 'SUMMARY:Fine'], ['SUMMARY:No start']);
    expect(() => parseHolidayIcs(text, { fromYear: 2026, toYear: 2026 })).toThrow(/VEVENT 2 \(UID event-1@example.com\) has no DTSTART/);
  });

  it('refuses a rule that recurs too often to expand', () => {
    const text = calendarOf(['DTSTART:20260101T000000Z', 'RRULE:FREQ=MINUTELY', 'SUMMARY:Every minute']);
    expect(() => parseHolidayIcs(text, { fromYear: 2026, toYear: 2026 })).toThrow(/recurs too often/);
  });

  describe('budget of one file', () => {
    const WINDOW = { fromYear: 2026, toYear: 2031 };

    it('stops expanding 40 daily rules of 9999 occurrences each at the occurrence limit of the file, quickly', () => {
      const started = performance.now();
      const error = refusalOf(() => parseHolidayIcs(fixture('daily-rules-40x9999.ics'), WINDOW));
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(error).toMatchObject({ problem: 'too-large', limit: { exceeded: 'occurrences', limit: ICS_LIMITS.maxOccurrences } });
      expect(error.message).toMatch(new RegExp(`more than ${ICS_LIMITS.maxOccurrences} occurrences.*\\(reached at VEVENT 3 \\(UID daily-3@example.com\\)\\)`));
    });

    it('counts the occurrences of all events together, those before the window included', () => {
      const text = calendarOf(['DTSTART;VALUE=DATE:20200101', 'RRULE:FREQ=WEEKLY;COUNT=400', 'SUMMARY:A'], ['DTSTART;VALUE=DATE:20200102', 'RRULE:FREQ=WEEKLY;COUNT=400', 'SUMMARY:B']);
      expect(parseHolidayIcs(text, WINDOW, { maxOccurrences: 800 })).not.toHaveLength(0);
      expect(refusalOf(() => parseHolidayIcs(text, WINDOW, { maxOccurrences: 799 }))).toMatchObject({ problem: 'too-large', limit: { exceeded: 'occurrences', limit: 799 } });
    });

    it('refuses more events than one file may hold, before reading any', () => {
      const text = calendarOf(...dailyEvents(11));
      expect(parseHolidayIcs(text, WINDOW, { maxEvents: 11 })).toHaveLength(11);
      const error = refusalOf(() => parseHolidayIcs(text, WINDOW, { maxEvents: 10 }));
      expect(error).toMatchObject({ problem: 'too-large', limit: { exceeded: 'events', limit: 10 } });
      expect(error.message).toBe('The file has more than 10 events (VEVENT), the most one import reads');
    });

    it('stops when reading takes longer than its time, looking at the clock while it expands', () => {
      let now = 0;
      const clock = (): number => now;
      const text = calendarOf(['DTSTART;VALUE=DATE:20260101', 'RRULE:FREQ=DAILY;COUNT=2000', 'SUMMARY:Daily']);
      let looks = 0;
      const error = refusalOf(() =>
        parseHolidayIcs(text, WINDOW, {
          maxMillis: 100,
          clock: () => {
            looks += 1;
            // Time runs on only once the expansion has begun: the refusal comes from within it.
            if (looks > 3) now += 10;
            return clock();
          },
        }),
      );
      expect(error).toMatchObject({ problem: 'too-large', limit: { exceeded: 'time', limit: 100 } });
      expect(error.message).toMatch(/longer than 100 ms.*stopped at VEVENT 1/);
    });

    it('keeps the limit of one recurring event, as a limit of the file', () => {
      const text = calendarOf(['DTSTART:20260101T000000Z', 'RRULE:FREQ=MINUTELY', 'SUMMARY:Every minute']);
      // A clock that stands still: on a busy machine the time budget would otherwise stop it first.
      const frozen = Date.now();
      expect(refusalOf(() => parseHolidayIcs(text, WINDOW, { clock: () => frozen }))).toMatchObject({ problem: 'too-large', limit: { exceeded: 'occurrencesPerEvent', limit: ICS_LIMITS.maxOccurrencesPerEvent } });
    });

    it('reads real holiday files well within the limits', () => {
      for (const name of ['german-holidays-2026-2027.ics', 'yearly-holidays.ics', 'company-closures.ics']) {
        expect(parseHolidayIcs(fixture(name), { fromYear: 1970, toYear: 2200 }).length).toBeGreaterThan(0);
      }
    });
  });

  describe('structure of the file', () => {
    const WINDOW = { fromYear: 2026, toYear: 2026 };
    const lines = (...all: string[]): string => `${all.join('\r\n')}\r\n`;

    it('refuses 1,000 nested VCALENDARs as malformed, naming the line', () => {
      const text = lines(...Array.from({ length: 1_000 }, () => 'BEGIN:VCALENDAR'), 'VERSION:2.0', ...Array.from({ length: 1_000 }, () => 'END:VCALENDAR'));
      const error = refusalOf(() => parseHolidayIcs(text, WINDOW));
      expect(error.problem).toBe('malformed');
      expect(error.message).toBe('The iCalendar file is malformed: BEGIN:VCALENDAR on line 2 is inside VCALENDAR; it may stand only at the top of the file');
    });

    it('refuses a second VCALENDAR after the first', () => {
      const one = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Test//EN\r\nEND:VCALENDAR\r\n';
      const error = refusalOf(() => parseHolidayIcs(one + one, WINDOW));
      expect(error.problem).toBe('malformed');
      expect(error.message).toMatch(/a second BEGIN:VCALENDAR on line 5/);
    });

    it.each([
      ['an event inside an event', ['BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20261225', 'BEGIN:VEVENT', 'END:VEVENT', 'END:VEVENT', 'END:VCALENDAR'], /BEGIN:VEVENT on line 6 is inside VEVENT; it may stand only inside VCALENDAR/],
      ['a time zone part outside its time zone', ['BEGIN:STANDARD', 'END:STANDARD', 'END:VCALENDAR'], /BEGIN:STANDARD on line 4 is inside VCALENDAR; it may stand only inside VTIMEZONE/],
      ['a vendor component nested below an alarm, deeper than three', ['BEGIN:VEVENT', 'BEGIN:VALARM', 'BEGIN:X-DEEP', 'END:X-DEEP', 'END:VALARM', 'END:VEVENT', 'END:VCALENDAR'], /BEGIN:X-DEEP on line 6 is inside VALARM; it may stand only inside VCALENDAR/],
      ['an END that closes another component', ['BEGIN:VEVENT', 'END:VTODO', 'END:VCALENDAR'], /END:VTODO on line 5 closes BEGIN:VEVENT/],
      ['a component never closed', ['BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20261225'], /BEGIN:VEVENT is never closed/],
    ])('refuses %s as malformed', (_, body, message) => {
      const error = refusalOf(() => parseHolidayIcs(lines('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Test//EN', ...body), WINDOW));
      expect(error.problem).toBe('malformed');
      expect(error.message).toMatch(message);
    });

    it('reads a BEGIN folded over two lines as one', () => {
      const text = calendarOf(['DTSTART;VALUE=DATE:20261225', 'SUMMARY:Christmas']).replace('BEGIN:VEVENT', 'BEGIN:VEV\r\n ENT');
      expect(dates(parseHolidayIcs(text, WINDOW))).toEqual(['2026-12-25']);
    });

    it('accepts time zones, alarms and vendor components where RFC 5545 puts them', () => {
      expect(dates(parseHolidayIcs(fixture('company-closures.ics'), { fromYear: 2026, toYear: 2027 }))).toHaveLength(3);
      const text = calendarOf(['DTSTART;VALUE=DATE:20261225', 'SUMMARY:Christmas', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:Soon', 'END:VALARM']).replace(
        'END:VCALENDAR',
        'BEGIN:X-VENDOR-THING\r\nX-A:1\r\nEND:X-VENDOR-THING\r\nEND:VCALENDAR',
      );
      expect(dates(parseHolidayIcs(text, WINDOW))).toEqual(['2026-12-25']);
    });
  });

  it('refuses a window whose years are reversed', () => {
    expect(() => parseHolidayIcs(fixture('german-holidays-2026-2027.ics'), { fromYear: 2027, toYear: 2026 })).toThrow(RangeError);
  });
});
