import fc from 'fast-check';
import { DateTime } from 'luxon';
import { checkWindow, contains, type Interval, MAX_RRULE_COUNT, occurrences, overlaps, parseRrule, type RecurringWindow, WINDOW_LIMITS, WindowError } from './windows';

const at = (iso: string): Date => new Date(iso);
const iso = (intervals: Interval[]): [string, string][] => intervals.map(({ start, end }) => [start.toISOString(), end.toISOString()]);
/** Each occurrence as local start and end in the zone, e.g. `Fri 18:00 → Mon 06:00`. */
const local = (intervals: Interval[], zone: string): string[] =>
  intervals.map(({ start, end }) => `${DateTime.fromJSDate(start, { zone }).toFormat('ccc HH:mm')} → ${DateTime.fromJSDate(end, { zone }).toFormat('ccc HH:mm')}`);

function buildWindow(overrides: Partial<RecurringWindow> = {}): RecurringWindow {
  return { start: at('2026-03-20T17:00:00Z'), end: at('2026-03-23T05:00:00Z'), rrule: 'FREQ=WEEKLY;BYDAY=FR', timeZone: 'Europe/Berlin', ...overrides };
}

/** The WindowError a call throws, to assert its problem and message. */
function refusalOf(call: () => unknown): WindowError {
  try {
    call();
  } catch (error) {
    if (error instanceof WindowError) return error;
    throw error;
  }
  throw new Error('nothing was refused');
}

describe('occurrences', () => {
  describe('across daylight-saving changes', () => {
    it('keeps a weekly Friday 18:00 – Monday 06:00 freeze at local time over the Berlin spring-forward', () => {
      // 18:00 CET is 17:00Z; from 29 March 2026 Berlin is on CEST, so 18:00 is 16:00Z.
      const found = occurrences(buildWindow(), at('2026-03-20T00:00:00Z'), at('2026-04-07T00:00:00Z'));
      expect(iso(found)).toEqual([
        ['2026-03-20T17:00:00.000Z', '2026-03-23T05:00:00.000Z'],
        ['2026-03-27T17:00:00.000Z', '2026-03-30T04:00:00.000Z'],
        ['2026-04-03T16:00:00.000Z', '2026-04-06T04:00:00.000Z'],
      ]);
      expect(local(found, 'Europe/Berlin')).toEqual(['Fri 18:00 → Mon 06:00', 'Fri 18:00 → Mon 06:00', 'Fri 18:00 → Mon 06:00']);
    });

    it('keeps a weekly Friday 18:00 – Monday 06:00 freeze at local time over the Berlin fall-back', () => {
      const window = buildWindow({ start: at('2026-10-16T16:00:00Z'), end: at('2026-10-19T04:00:00Z') });
      const found = occurrences(window, at('2026-10-16T00:00:00Z'), at('2026-11-03T00:00:00Z'));
      expect(iso(found)).toEqual([
        ['2026-10-16T16:00:00.000Z', '2026-10-19T04:00:00.000Z'],
        ['2026-10-23T16:00:00.000Z', '2026-10-26T05:00:00.000Z'],
        ['2026-10-30T17:00:00.000Z', '2026-11-02T05:00:00.000Z'],
      ]);
      expect(local(found, 'Europe/Berlin')).toEqual(['Fri 18:00 → Mon 06:00', 'Fri 18:00 → Mon 06:00', 'Fri 18:00 → Mon 06:00']);
    });

    it('keeps a Saturday 22:00 – Sunday 04:00 window at local time over both New York changes', () => {
      const window: RecurringWindow = { start: at('2026-03-01T03:00:00Z'), end: at('2026-03-01T09:00:00Z'), rrule: 'FREQ=WEEKLY', timeZone: 'America/New_York' };
      const spring = occurrences(window, at('2026-03-07T00:00:00Z'), at('2026-03-15T00:00:00Z'));
      // 22:00 EST is 03:00Z; the Sunday 04:00 is already EDT (08:00Z): the night is an hour shorter.
      expect(iso(spring)).toEqual([['2026-03-08T03:00:00.000Z', '2026-03-08T08:00:00.000Z']]);
      const fall = occurrences(window, at('2026-10-31T00:00:00Z'), at('2026-11-08T00:00:00Z'));
      // 22:00 EDT is 02:00Z; the Sunday 04:00 is EST (09:00Z): an hour longer.
      expect(iso(fall)).toEqual([['2026-11-01T02:00:00.000Z', '2026-11-01T09:00:00.000Z']]);
      expect(local([...spring, ...fall], 'America/New_York')).toEqual(['Sat 22:00 → Sun 04:00', 'Sat 22:00 → Sun 04:00']);
    });

    it('moves an occurrence whose local start falls in the spring-forward gap forward by the gap', () => {
      const window: RecurringWindow = { start: at('2026-03-06T07:30:00Z'), end: at('2026-03-06T08:30:00Z'), rrule: 'FREQ=DAILY;COUNT=4', timeZone: 'America/New_York' };
      expect(local(occurrences(window, at('2026-03-01T00:00:00Z'), at('2026-03-31T00:00:00Z')), 'America/New_York')).toEqual([
        'Fri 02:30 → Fri 03:30',
        'Sat 02:30 → Sat 03:30',
        // 02:30 does not exist on 8 March; 03:30 to 03:30 would be empty, so it lasts its hour.
        'Sun 03:30 → Sun 04:30',
        'Mon 02:30 → Mon 03:30',
      ]);
    });
  });

  it('reads a local start that happens twice in the fall-back hour as the second one, in standard time', () => {
    const window: RecurringWindow = { start: at('2026-10-23T00:30:00Z'), end: at('2026-10-23T01:30:00Z'), rrule: 'FREQ=DAILY;COUNT=4', timeZone: 'Europe/Berlin' };
    expect(iso(occurrences(window, at('2026-10-24T00:00:00Z'), at('2026-10-27T00:00:00Z')))).toEqual([
      ['2026-10-24T00:30:00.000Z', '2026-10-24T01:30:00.000Z'],
      // 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET); the window takes the second.
      ['2026-10-25T01:30:00.000Z', '2026-10-25T02:30:00.000Z'],
      ['2026-10-26T01:30:00.000Z', '2026-10-26T02:30:00.000Z'],
    ]);
  });

  it('gives a window without a rule once', () => {
    const window = buildWindow({ rrule: null });
    expect(iso(occurrences(window, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')))).toEqual([['2026-03-20T17:00:00.000Z', '2026-03-23T05:00:00.000Z']]);
    expect(occurrences(window, at('2026-03-23T05:00:00Z'), at('2027-01-01T00:00:00Z'))).toEqual([]);
  });

  it('stops after COUNT occurrences, the first one counting', () => {
    const window = buildWindow({ start: at('2026-06-01T22:00:00Z'), end: at('2026-06-02T00:00:00Z'), rrule: 'FREQ=DAILY;COUNT=3', timeZone: 'UTC' });
    expect(iso(occurrences(window, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')))).toEqual([
      ['2026-06-01T22:00:00.000Z', '2026-06-02T00:00:00.000Z'],
      ['2026-06-02T22:00:00.000Z', '2026-06-03T00:00:00.000Z'],
      ['2026-06-03T22:00:00.000Z', '2026-06-04T00:00:00.000Z'],
    ]);
  });

  it('counts a first occurrence the rule would not give, as RFC 5545 does with DTSTART', () => {
    // Friday start, rule on Mondays: the Friday, then one Monday.
    const window = buildWindow({ rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=2', end: at('2026-03-20T19:00:00Z') });
    expect(local(occurrences(window, at('2026-03-01T00:00:00Z'), at('2026-05-01T00:00:00Z')), 'Europe/Berlin')).toEqual(['Fri 18:00 → Fri 20:00', 'Mon 18:00 → Mon 20:00']);
  });

  it('stops at an UNTIL instant, which is inclusive', () => {
    const window = buildWindow({ start: at('2026-06-01T10:00:00Z'), end: at('2026-06-01T11:00:00Z'), rrule: 'FREQ=DAILY;UNTIL=20260603T100000Z', timeZone: 'UTC' });
    expect(occurrences(window, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')).map(({ start }) => start.toISOString())).toEqual([
      '2026-06-01T10:00:00.000Z',
      '2026-06-02T10:00:00.000Z',
      '2026-06-03T10:00:00.000Z',
    ]);
  });

  it('stops at an UNTIL date at the end of that local day', () => {
    // 23:30 Berlin (CEST) on 2 June is 21:30Z: still 2 June locally, so it is the last occurrence.
    const window = buildWindow({ start: at('2026-05-31T21:30:00Z'), end: at('2026-05-31T22:00:00Z'), rrule: 'FREQ=DAILY;UNTIL=20260602', timeZone: 'Europe/Berlin' });
    expect(occurrences(window, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')).map(({ start }) => start.toISOString())).toEqual([
      '2026-05-31T21:30:00.000Z',
      '2026-06-01T21:30:00.000Z',
      '2026-06-02T21:30:00.000Z',
    ]);
  });

  it('lists only occurrences overlapping the range, including one that began before it', () => {
    const found = occurrences(buildWindow(), at('2026-03-30T00:00:00Z'), at('2026-04-04T00:00:00Z'));
    expect(iso(found)).toEqual([
      ['2026-03-27T17:00:00.000Z', '2026-03-30T04:00:00.000Z'],
      ['2026-04-03T16:00:00.000Z', '2026-04-06T04:00:00.000Z'],
    ]);
    // Half-open: an occurrence ending where the range starts is not in it.
    expect(occurrences(buildWindow(), at('2026-03-30T04:00:00Z'), at('2026-04-03T16:00:00Z'))).toEqual([]);
  });

  it('gives the last Friday of each month for BYDAY=-1FR', () => {
    const window = buildWindow({ start: at('2026-01-30T17:00:00Z'), end: at('2026-01-30T21:00:00Z'), rrule: 'FREQ=MONTHLY;BYDAY=-1FR' });
    expect(occurrences(window, at('2026-01-01T00:00:00Z'), at('2026-05-01T00:00:00Z')).map(({ start }) => DateTime.fromJSDate(start, { zone: 'Europe/Berlin' }).toISODate())).toEqual([
      '2026-01-30',
      '2026-02-27',
      '2026-03-27',
      '2026-04-24',
    ]);
  });

  it('gives no day a BYMONTHDAY rule does not name, even where the month is too short', () => {
    const window = buildWindow({ start: at('2026-01-31T00:00:00Z'), end: at('2026-01-31T02:00:00Z'), rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', timeZone: 'UTC' });
    expect(iso(occurrences(window, at('2026-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z')))).toEqual([['2026-01-31T00:00:00.000Z', '2026-01-31T02:00:00.000Z']]);
  });

  it('refuses a query that must step the rule more often than the budget allows', () => {
    const window = buildWindow({ start: at('2026-01-01T00:00:00Z'), end: at('2026-01-01T01:00:00Z'), rrule: 'FREQ=DAILY', timeZone: 'UTC' });
    const refusal = refusalOf(() => occurrences(window, at('2100-01-01T00:00:00Z'), at('2100-01-02T00:00:00Z')));
    expect(refusal.problem).toBe('too-large');
    expect(refusal.message).toContain(`more than ${WINDOW_LIMITS.maxSteps} times`);
    // Within the budget the same rule is answered.
    expect(occurrences(window, at('2040-01-01T00:00:00Z'), at('2040-01-03T00:00:00Z'))).toHaveLength(2);
  });

  it('refuses a query that would list more occurrences than one query may', () => {
    const window = buildWindow({ start: at('2026-01-01T00:00:00Z'), end: at('2026-01-01T01:00:00Z'), rrule: 'FREQ=DAILY', timeZone: 'UTC' });
    const refusal = refusalOf(() => occurrences(window, at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'), { maxOccurrences: 5 }));
    expect(refusal.problem).toBe('too-large');
    expect(refusal.message).toContain('More than 5 occurrences');
  });

  it('refuses an invalid definition', () => {
    expect(refusalOf(() => occurrences(buildWindow({ timeZone: 'Mars/Olympus' }), at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).problem).toBe('invalid');
  });

  it('returns nothing for an empty range', () => {
    expect(occurrences(buildWindow(), at('2026-04-01T00:00:00Z'), at('2026-04-01T00:00:00Z'))).toEqual([]);
  });

  describe('properties', () => {
    const zones = fc.constantFrom('Europe/Berlin', 'America/New_York', 'UTC', 'Australia/Sydney', 'Asia/Kolkata');
    const DAY = 86_400_000;
    /** A weekly or daily window whose wall-clock length leaves at least two hours to the next occurrence. */
    const definitions = fc
      .record({
        startMs: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
        weekly: fc.boolean(),
        interval: fc.integer({ min: 1, max: 3 }),
        lengthFraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
        zone: zones,
        count: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
      })
      .map(({ startMs, weekly, interval, lengthFraction, zone, count }): RecurringWindow => {
        const periodMs = (weekly ? 7 : 1) * interval * DAY;
        const lengthMs = Math.max(60_000, Math.floor((periodMs - 2 * 3_600_000) * lengthFraction));
        const rrule = `FREQ=${weekly ? 'WEEKLY' : 'DAILY'};INTERVAL=${interval}${count === null ? '' : `;COUNT=${count}`}`;
        return { start: new Date(startMs), end: new Date(startMs + lengthMs), rrule, timeZone: zone };
      });
    const ranges = fc
      .record({ fromMs: fc.integer({ min: Date.UTC(2024, 11, 1), max: Date.UTC(2027, 6, 1) }), lengthMs: fc.integer({ min: 1, max: 90 * DAY }) })
      .map(({ fromMs, lengthMs }) => ({ from: new Date(fromMs), to: new Date(fromMs + lengthMs) }));

    it('lists only occurrences that overlap the range, sorted and not overlapping each other', () => {
      fc.assert(
        fc.property(definitions, ranges, (window, { from, to }) => {
          const found = occurrences(window, from, to);
          for (const occurrence of found) {
            expect(occurrence.end.getTime()).toBeGreaterThan(occurrence.start.getTime());
            expect(overlaps(occurrence, { start: from, end: to })).toBe(true);
          }
          for (let i = 1; i < found.length; i += 1) {
            expect((found[i - 1] as Interval).end.getTime()).toBeLessThanOrEqual((found[i] as Interval).start.getTime());
          }
        }),
      );
    });

    it('starts every occurrence at the local time of day of the first, outside spring-forward gaps', () => {
      fc.assert(
        fc.property(definitions, ranges, (window, { from, to }) => {
          const first = DateTime.fromJSDate(window.start, { zone: window.timeZone });
          for (const occurrence of occurrences(window, from, to)) {
            const start = DateTime.fromJSDate(occurrence.start, { zone: window.timeZone });
            const wanted = start.set({ hour: first.hour, minute: first.minute, second: first.second, millisecond: first.millisecond });
            // Where the wanted local time does not exist that day, the occurrence is moved forward by the gap.
            if (wanted.hour === first.hour && wanted.minute === first.minute) expect(start.toFormat('HH:mm:ss.SSS')).toBe(first.toFormat('HH:mm:ss.SSS'));
          }
        }),
      );
    });

    it('lists the same occurrences for a range as for its two halves together', () => {
      fc.assert(
        fc.property(definitions, ranges, fc.double({ min: 0, max: 1, noNaN: true }), (window, { from, to }, split) => {
          const middle = new Date(from.getTime() + Math.floor((to.getTime() - from.getTime()) * split));
          const whole = iso(occurrences(window, from, to));
          const halves = [...iso(occurrences(window, from, middle)), ...iso(occurrences(window, middle, to))];
          expect(whole).toEqual(halves.filter(([start], i) => halves.findIndex(([other]) => other === start) === i));
        }),
      );
    });

    it('never lists more occurrences than COUNT', () => {
      fc.assert(
        fc.property(definitions, (window) => {
          const count = /COUNT=(\d+)/.exec(window.rrule ?? '')?.[1];
          fc.pre(count !== undefined);
          expect(occurrences(window, new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2032, 0, 1))).length).toBe(Number(count));
        }),
      );
    });
  });
});

describe('parseRrule', () => {
  it('reads a weekly rule', () => {
    expect(parseRrule('FREQ=WEEKLY;BYDAY=FR')).toMatchObject({ freq: 'WEEKLY', interval: 1, count: null, until: null, expansion: 'FREQ=WEEKLY;BYDAY=FR' });
  });

  it('reads COUNT, INTERVAL and the three forms of UNTIL, and ignores case and an RRULE: prefix', () => {
    expect(parseRrule('rrule:freq=daily;interval=2;count=10')).toMatchObject({ freq: 'DAILY', interval: 2, count: 10, expansion: 'FREQ=DAILY;INTERVAL=2' });
    expect(parseRrule('FREQ=DAILY;UNTIL=20261231T230000Z').until).toEqual({ kind: 'instant', at: at('2026-12-31T23:00:00Z') });
    expect(parseRrule('FREQ=DAILY;UNTIL=20261231').until).toEqual({ kind: 'date', year: 2026, month: 12, day: 31 });
    expect(parseRrule('FREQ=DAILY;UNTIL=20261231T230000').until).toEqual({ kind: 'local', year: 2026, month: 12, day: 31, hour: 23, minute: 0, second: 0 });
  });

  it.each([
    ['', 'it is empty'],
    ['FREQ=FOO', 'FREQ=FOO is unknown'],
    ['BYDAY=FR', 'FREQ is required'],
    ['FREQ=WEEKLY;COUNT=3;UNTIL=20261231T000000Z', 'COUNT and UNTIL must not both be given'],
    ['FREQ=DAILY;COUNT=0', 'COUNT=0 must be a whole number from 1'],
    [`FREQ=DAILY;COUNT=${MAX_RRULE_COUNT + 1}`, `to ${MAX_RRULE_COUNT}`],
    ['FREQ=DAILY;COUNT=-1', 'COUNT=-1 must be a whole number'],
    ['FREQ=DAILY;INTERVAL=0', 'INTERVAL=0 must be a whole number from 1'],
    ['FREQ=MINUTELY', 'recurs too often'],
    ['FREQ=HOURLY;INTERVAL=12', 'recurs too often'],
    ['FREQ=DAILY;BYHOUR=1,2,3', 'BYHOUR is not allowed'],
    ['FREQ=DAILY;FOO=1', 'FOO is not an RRULE part'],
    ['FREQ=DAILY;FREQ=WEEKLY', 'FREQ is given twice'],
    ['FREQ=WEEKLY;BYDAY=XX', 'BYDAY value "XX"'],
    ['FREQ=WEEKLY;BYDAY=2MO', 'only MONTHLY and YEARLY'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'BYMONTHDAY value 32'],
    ['FREQ=YEARLY;BYMONTH=13', 'BYMONTH=13'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'not allowed with FREQ=WEEKLY'],
    ['FREQ=DAILY;UNTIL=20260231', 'not a real date'],
    ['FREQ=DAILY;UNTIL=tomorrow', 'UNTIL=TOMORROW is not a date'],
    ['FREQ=DAILY;;garbage', '"garbage" is not NAME=VALUE'],
  ])('refuses %j, saying why', (text, why) => {
    const refusal = refusalOf(() => parseRrule(text));
    expect(refusal.problem).toBe('invalid');
    expect(refusal.message).toContain(why);
  });
});

describe('checkWindow', () => {
  it('accepts a valid window', () => {
    expect(checkWindow(buildWindow())).toEqual([]);
  });

  it('names every problem of an invalid window', () => {
    expect(checkWindow(buildWindow({ end: at('2026-03-20T17:00:00Z'), timeZone: 'Nowhere/Land', rrule: 'FREQ=SOMETIMES' }))).toEqual([
      'end must be after start',
      'timeZone "Nowhere/Land" is not an IANA time zone',
      expect.stringContaining('FREQ=SOMETIMES is unknown'),
    ]);
  });
});

describe('interval relations', () => {
  const interval = (from: string, to: string): Interval => ({ start: at(from), end: at(to) });

  it('treats intervals as half-open', () => {
    expect(overlaps(interval('2026-01-01T00:00:00Z', '2026-01-01T10:00:00Z'), interval('2026-01-01T10:00:00Z', '2026-01-01T12:00:00Z'))).toBe(false);
    expect(overlaps(interval('2026-01-01T00:00:00Z', '2026-01-01T10:00:01Z'), interval('2026-01-01T10:00:00Z', '2026-01-01T12:00:00Z'))).toBe(true);
    expect(contains(interval('2026-01-01T00:00:00Z', '2026-01-01T10:00:00Z'), interval('2026-01-01T00:00:00Z', '2026-01-01T10:00:00Z'))).toBe(true);
    expect(contains(interval('2026-01-01T00:00:00Z', '2026-01-01T10:00:00Z'), interval('2026-01-01T09:00:00Z', '2026-01-01T10:00:01Z'))).toBe(false);
  });
});
