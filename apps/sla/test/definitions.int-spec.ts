/** Calendars and policies as admins define them over RPC: versions, audit rows and each refusal with its reason. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALWAYS_CALENDAR_ID, type CalendarView, CommonErrorCode, type CreateCalendarDto, ErrorCode, type PolicyTargetDto, SlaErrorCode, SlaRpc } from '@itsm/contracts';
import { ada, fieldsOf, sam } from '@itsm/testing';
import { SlaHarness } from './support/sla-harness';

const OFFICE = [{ start: '09:00', end: '17:00' }];
const WEEKDAYS = { monday: OFFICE, tuesday: OFFICE, wednesday: OFFICE, thursday: OFFICE, friday: OFFICE };
const RESOLUTION: PolicyTargetDto[] = [{ metric: 'resolution', duration: 'PT8H' }];

const office = (overrides: Partial<CreateCalendarDto> = {}): CreateCalendarDto => ({ name: `Office ${randomUUID().slice(0, 8)}`, timeZone: 'Europe/Berlin', weekly: WEEKDAYS, ...overrides });

const ics = (...dates: string[]): string =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//ITSM tests//Holidays//EN', ...dates.flatMap((date) => ['BEGIN:VEVENT', `UID:${date}@test`, `DTSTART;VALUE=DATE:${date.replace(/-/g, '')}`, 'SUMMARY:Closed', 'END:VEVENT']), 'END:VCALENDAR', ''].join('\r\n');

/** The refusal of a call, to assert its kind, reason and fields. */
const refusal = (call: Promise<unknown>): Promise<unknown> => call.then(
  () => {
    throw new Error('the call was not refused');
  },
  (error: unknown) => error,
);

describe('SLA calendars and policies', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await SlaHarness.start();
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  const createCalendar = (overrides: Partial<CreateCalendarDto> = {}): Promise<CalendarView> => h.rpc.call(SlaRpc.createCalendar, office(overrides), { actor: ada });

  describe('calendars', () => {
    it('moves a calendar one version per change and audits each change with the calendar before and after', async () => {
      const created = await createCalendar();
      const replaced = await h.rpc.call(SlaRpc.updateCalendar, { ...office({ name: created.name, description: 'Saturdays too' }), weekly: { ...WEEKDAYS, saturday: OFFICE }, id: created.id, expectedVersion: 1 }, { actor: ada });
      const imported = await h.rpc.call(SlaRpc.importHolidays, { id: created.id, ics: ics('2026-12-25'), fromYear: 2026, toYear: 2026, expectedVersion: 2 }, { actor: ada });

      expect(created).toMatchObject({ version: 1, builtIn: false });
      expect(replaced).toMatchObject({ version: 2, description: 'Saturdays too', weekly: { saturday: OFFICE } });
      expect(imported).toMatchObject({ version: 3, holidays: [{ date: '2026-12-25' }] });
      await expect(h.rpc.call(SlaRpc.getCalendar, { id: created.id }, { actor: sam })).resolves.toEqual(imported);
      await expect(h.audit(created.id)).resolves.toEqual([
        expect.objectContaining({ entity_type: 'calendar', action: 'created', actor_id: 'ada', before: null, after: expect.objectContaining({ version: 1 }) }),
        expect.objectContaining({ action: 'updated', before: expect.objectContaining({ version: 1 }), after: expect.objectContaining({ version: 2, description: 'Saturdays too' }) }),
        expect.objectContaining({ action: 'updated', before: expect.objectContaining({ version: 2, holidays: [] }), after: expect.objectContaining({ version: 3 }) }),
      ]);
    });

    it('refuses a change based on a version the calendar has moved on from, and leaves it as it was', async () => {
      const created = await createCalendar();

      await expect(h.rpc.call(SlaRpc.updateCalendar, { ...office(), id: created.id, expectedVersion: 2 }, { actor: ada })).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED, reason: CommonErrorCode.VersionMismatch });
      await expect(h.rpc.call(SlaRpc.getCalendar, { id: created.id }, { actor: sam })).resolves.toEqual(created);
      await expect(h.audit(created.id)).resolves.toHaveLength(1);
    });

    it('tells an unknown calendar, a taken name and the built-in calendar apart by their reason', async () => {
      const taken = await createCalendar();
      const unknown = randomUUID();

      await expect(h.rpc.call(SlaRpc.getCalendar, { id: unknown }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: SlaErrorCode.CalendarNotFound, message: `calendar ${unknown} not found` });
      await expect(h.rpc.call(SlaRpc.updateCalendar, { ...office(), id: unknown }, { actor: ada })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: SlaErrorCode.CalendarNotFound });
      await expect(h.rpc.call(SlaRpc.addBusinessTime, { id: unknown, start: '2026-03-06T14:00:00Z', duration: 'PT1H' }, { actor: sam })).rejects.toMatchObject({ reason: SlaErrorCode.CalendarNotFound });
      for (const name of [taken.name, '24x7']) {
        const refused = await refusal(createCalendar({ name }));
        expect(refused).toMatchObject({ code: ErrorCode.CONFLICT, reason: SlaErrorCode.CalendarNameTaken });
        expect(fieldsOf(refused)).toEqual(['name']);
      }
      const builtIn = await refusal(h.rpc.call(SlaRpc.updateCalendar, { ...office(), id: ALWAYS_CALENDAR_ID }, { actor: ada }));
      expect(builtIn).toMatchObject({ code: ErrorCode.CONFLICT, reason: SlaErrorCode.CalendarBuiltIn });
      expect(fieldsOf(builtIn)).toEqual(['id']);
    });

    it('refuses definitions and holiday files that cannot be used, naming the field, each with its reason', async () => {
      const calendar = await createCalendar();

      const zone = await refusal(createCalendar({ timeZone: 'Mars/Olympus' }));
      expect(zone).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: SlaErrorCode.CalendarInvalid, message: 'the calendar cannot be used as given: timeZone' });
      const file = await refusal(h.rpc.call(SlaRpc.importHolidays, { id: calendar.id, ics: 'hello' }, { actor: ada }));
      expect(file).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: SlaErrorCode.HolidayFileInvalid });
      expect(fieldsOf(file)).toEqual(['ics']);
      const years = await refusal(h.rpc.call(SlaRpc.importHolidays, { id: calendar.id, ics: ics('2026-12-25'), fromYear: 2027, toYear: 2026 }, { actor: ada }));
      expect(years).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: SlaErrorCode.HolidayYearsInverted });
      expect(fieldsOf(years)).toEqual(['toYear']);
      const period = await refusal(h.rpc.call(SlaRpc.businessTimeBetween, { id: ALWAYS_CALENDAR_ID, start: '2026-03-09T10:00:00Z', end: '2026-03-06T10:00:00Z' }, { actor: sam }));
      expect(period).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: SlaErrorCode.PeriodInverted });
      expect(fieldsOf(period)).toEqual(['end']);
      await expect(h.audit(calendar.id)).resolves.toHaveLength(1);
    });

    it('refuses a holiday file past the budget of one file, or not nested as an iCalendar, quickly and naming the limit', async () => {
      const calendar = await createCalendar();
      const daily = readFileSync(join(__dirname, '..', 'src', 'domain', 'fixtures', 'daily-rules-40x9999.ics'), 'utf8');
      const started = Date.now();
      const tooLarge = await refusal(h.rpc.call(SlaRpc.importHolidays, { id: calendar.id, ics: daily, fromYear: 2026, toYear: 2031 }, { actor: ada }));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(tooLarge).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: SlaErrorCode.HolidayFileTooLarge, details: { exceeded: 'occurrences', limit: 20_000 } });
      expect(fieldsOf(tooLarge)).toEqual(['ics']);
      expect(JSON.stringify(tooLarge)).toContain('more than 20000 occurrences');

      const nested = [...Array.from({ length: 1_000 }, () => 'BEGIN:VCALENDAR'), 'VERSION:2.0', ...Array.from({ length: 1_000 }, () => 'END:VCALENDAR'), ''].join('\r\n');
      const malformed = await refusal(h.rpc.call(SlaRpc.importHolidays, { id: calendar.id, ics: nested }, { actor: ada }));
      expect(malformed).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: SlaErrorCode.HolidayFileMalformed });
      expect(fieldsOf(malformed)).toEqual(['ics']);
      await expect(h.rpc.call(SlaRpc.getCalendar, { id: calendar.id }, { actor: sam })).resolves.toMatchObject({ version: 1, holidays: [] });
    });

    it('refuses to add business time on a calendar with none for 20 years, naming the calendar, and measures none there', async () => {
      // Business hours on Mondays only, and every Monday for 21 years a holiday.
      const mondays = Array.from({ length: 21 * 53 }, (_, week) => ({ date: new Date(Date.UTC(2026, 0, 5 + 7 * week)).toISOString().slice(0, 10), name: 'Closed' }));
      const closed = await createCalendar({ timeZone: 'UTC', weekly: { monday: OFFICE }, holidays: mondays });

      const added = await refusal(h.rpc.call(SlaRpc.addBusinessTime, { id: closed.id, start: '2026-01-01T00:00:00Z', duration: 'PT1H' }, { actor: sam }));
      expect(added).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: SlaErrorCode.CalendarHasNoBusinessTime, message: 'the calendar has no business time for 20 years after the start: id' });
      expect(fieldsOf(added)).toEqual(['id']);
      await expect(h.rpc.call(SlaRpc.businessTimeBetween, { id: closed.id, start: '2026-01-01T00:00:00Z', end: '2046-01-01T00:00:00Z' }, { actor: sam })).resolves.toMatchObject({ businessSeconds: 0 });
      // After the holidays, business time goes on.
      await expect(h.rpc.call(SlaRpc.addBusinessTime, { id: closed.id, start: '2048-01-01T00:00:00Z', duration: 'PT1H' }, { actor: sam })).resolves.toMatchObject({ durationSeconds: 3600 });
    });

    it('leaves calendars to admins, as the operations declare', async () => {
      await expect(h.rpc.call(SlaRpc.createCalendar, office(), { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired });
    });
  });

  describe('policies', () => {
    it('moves a policy one version per change and audits each change with the policy before and after', async () => {
      const created = await h.policy({ targets: RESOLUTION });
      const replaced = await h.rpc.call(SlaRpc.updatePolicy, { id: created.id, expectedVersion: 1, name: created.name, kind: 'sla', conditions: {}, targets: RESOLUTION, enabled: false }, { actor: ada });

      expect(created).toMatchObject({ version: 1, enabled: true });
      expect(replaced).toMatchObject({ version: 2, enabled: false });
      await expect(h.rpc.call(SlaRpc.getPolicy, { id: created.id }, { actor: sam })).resolves.toEqual(replaced);
      await expect(h.audit(created.id)).resolves.toEqual([
        expect.objectContaining({ entity_type: 'policy', action: 'created', actor_id: 'ada', before: null, after: expect.objectContaining({ version: 1 }) }),
        expect.objectContaining({ action: 'updated', before: expect.objectContaining({ version: 1, enabled: true }), after: expect.objectContaining({ version: 2, enabled: false }) }),
      ]);
      await expect(h.rpc.call(SlaRpc.updatePolicy, { id: created.id, expectedVersion: 1, name: created.name, kind: 'sla', conditions: {}, targets: RESOLUTION }, { actor: ada })).rejects.toMatchObject({
        code: ErrorCode.PRECONDITION_FAILED,
        reason: CommonErrorCode.VersionMismatch,
      });
    });

    it('tells an unknown policy, a taken name and a policy that cannot be used apart by their reason', async () => {
      const taken = await h.policy({ targets: RESOLUTION });
      const unknown = randomUUID();

      await expect(h.rpc.call(SlaRpc.getPolicy, { id: unknown }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: SlaErrorCode.PolicyNotFound, message: `policy ${unknown} not found` });
      await expect(h.rpc.call(SlaRpc.updatePolicy, { id: unknown, name: 'Anything', kind: 'sla', conditions: {}, targets: RESOLUTION }, { actor: ada })).rejects.toMatchObject({ reason: SlaErrorCode.PolicyNotFound });
      const name = await refusal(h.policy({ name: taken.name, targets: RESOLUTION }));
      expect(name).toMatchObject({ code: ErrorCode.CONFLICT, reason: SlaErrorCode.PolicyNameTaken });
      expect(fieldsOf(name)).toEqual(['name']);
      const ola = await refusal(h.policy({ kind: 'ola', targets: RESOLUTION }));
      expect(ola).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: SlaErrorCode.PolicyInvalid });
      expect(fieldsOf(ola)).toEqual(['conditions.assignmentGroups']);
      const calendar = await refusal(h.policy({ targets: [{ metric: 'resolution', duration: 'PT8H', calendarId: randomUUID() }] }));
      expect(calendar).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: SlaErrorCode.PolicyInvalid });
    });
  });
});
