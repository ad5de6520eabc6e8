import fc from 'fast-check';
import { IncidentFilters, RoutingRuleDto } from './incident';
import { calendarDateProblem, instantProblem, isCalendarDate, isInstant, isIsoInstant, isTimeZone } from './field-rules';
import { HolidayDto } from './sla';
import { PageRequest } from './paging';
import { validatePayload } from './validation';

describe('instants', () => {
  it.each(['2026-11-02T09:30:00Z', '2026-02-28T23:59:59.999Z', '2024-02-29T12:00:00+01:00', '2026-06-30T23:59:59.123456-09:30', '2000-02-29T00:00:00Z', '2026-01-01T00:00:00+14:00'])(
    'takes %s, a date and time with its offset that exists',
    (value) => {
      expect(isInstant(value)).toBe(true);
    },
  );

  it.each(['2026-02-30T00:00:00Z', '2026-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T23:60:00Z', '0000-01-01T00:00:00Z'])(
    'refuses %s, which no calendar has, saying so',
    (value) => {
      expect(instantProblem(value)).toBe(`must be a date and time that exists (${value} does not)`);
    },
  );

  it.each(['2026-01-01T00:00:00+14:01', '2026-01-01T00:00:00-20:00'])('refuses %s, further from UTC than any place', (value) => {
    expect(instantProblem(value)).toBe(`must have an offset from UTC of at most 14:00 (${value} does not)`);
  });

  it.each(['2026-01-01', '2026-01-01T09:30:00', '2026-01-01 09:30:00Z', '2026-01-01T09:30Z', 'yesterday', '', 1767225600000, null])('refuses %p, which is not an ISO 8601 instant with an offset', (value) => {
    expect(instantProblem(value)).toBe('must be an ISO 8601 instant with its offset from UTC, such as 2026-11-02T09:30:00Z');
  });

  it('takes every instant JavaScript writes, and only in UTC for cursors', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        expect(isInstant(date.toISOString())).toBe(true);
        expect(isIsoInstant(date.toISOString())).toBe(true);
      }),
    );
    expect(isIsoInstant('2026-11-02T10:30:00+01:00')).toBe(false);
  });

  it('refuses exactly the dates JavaScript would move to another day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (year, month, day) => {
        const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T00:00:00Z`;
        const date = new Date(text);
        expect(isInstant(text)).toBe(date.getUTCDate() === day && date.getUTCMonth() + 1 === month);
      }),
    );
  });

  it('refuses 30 February in a list filter, naming the field once', async () => {
    await expect(validatePayload(IncidentFilters, { createdFrom: '2026-02-30T00:00:00Z' })).resolves.toEqual({
      ok: false,
      errors: [{ field: 'createdFrom', message: 'createdFrom must be a date and time that exists (2026-02-30T00:00:00Z does not)' }],
    });
  });
});

describe('calendar dates', () => {
  it.each(['2026-12-25', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31'])('takes %s, a date that exists', (value) => {
    expect(isCalendarDate(value)).toBe(true);
  });

  it.each(['2026-02-30', '2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32', '0000-01-01'])('refuses %s, which no calendar has, saying so', (value) => {
    expect(calendarDateProblem(value)).toBe(`must be a date that exists (${value} does not)`);
  });

  it.each(['2026-12-25T00:00:00Z', '2026-1-5', '20261225', '25.12.2026', ' 2026-12-25', '', 20261225, null])('refuses %p, which is not a date YYYY-MM-DD', (value) => {
    expect(calendarDateProblem(value)).toBe('must be an ISO 8601 date YYYY-MM-DD, such as 2026-12-25');
  });

  it('takes every day JavaScript has on its calendar', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        expect(isCalendarDate(date.toISOString().slice(0, 10))).toBe(true);
      }),
    );
  });

  it('never takes day 32, day 0, month 13 or 30 February, whatever the year', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 32, 99), (year, month, day) => {
        const yyyy = String(year).padStart(4, '0');
        const mm = String(month).padStart(2, '0');
        expect(isCalendarDate(`${yyyy}-${mm}-${String(day).padStart(2, '0')}`)).toBe(false);
        expect(isCalendarDate(`${yyyy}-13-01`)).toBe(false);
        expect(isCalendarDate(`${yyyy}-02-30`)).toBe(false);
      }),
    );
  });

  it('refuses 30 February as a holiday, naming the field once', async () => {
    await expect(validatePayload(HolidayDto, { date: '2026-02-30', name: 'Nowhere Day' })).resolves.toEqual({
      ok: false,
      errors: [{ field: 'date', message: 'date must be a date that exists (2026-02-30 does not)' }],
    });
  });
});

describe('integer ranges', () => {
  it.each([['abc'], [0], [201], [1.5]])('says the range of limit once for %p', async (limit) => {
    await expect(validatePayload(PageRequest, { limit })).resolves.toEqual({ ok: false, errors: [{ field: 'limit', message: 'limit must be an integer from 1 to 200' }] });
  });
});

describe('time zones', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'])('takes %s, an IANA time zone', (value) => {
    expect(isTimeZone(value)).toBe(true);
  });

  it.each(['+02:00', '-05', 'Mars/Olympus_Mons', 'Europe/Berlinn', '', 42, null])('refuses %p, which is no IANA time zone', (value) => {
    expect(isTimeZone(value)).toBe(false);
  });
});

describe('a nested object', () => {
  it('is refused as an array, even an empty one, naming the field (an array of nothing passed every nested rule)', async () => {
    const rule = { name: 'Network', position: 10, assignmentGroup: 'network-ops' };
    await expect(validatePayload(RoutingRuleDto, { ...rule, conditions: [] })).resolves.toEqual({ ok: false, errors: [{ field: 'conditions', message: 'conditions must be an object' }] });
    await expect(validatePayload(RoutingRuleDto, { ...rule, conditions: [{ categories: ['network'] }] })).resolves.toMatchObject({ ok: false, errors: [{ field: 'conditions' }] });
    await expect(validatePayload(RoutingRuleDto, { ...rule, conditions: { categories: ['network'] } })).resolves.toMatchObject({ ok: true });
  });
});
