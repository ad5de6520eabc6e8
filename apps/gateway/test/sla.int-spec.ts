/** Calendars, policies, clocks and SLA reports over HTTP: the gateway in-process, the built sla service as a process, real NATS and PostgreSQL. */
import { randomUUID } from 'node:crypto';
import {
  type CalendarAddResult,
  type CalendarBetweenResult,
  type CalendarList,
  type CalendarView,
  type ClockPage,
  type ComplianceReport,
  ErrorCode,
  type PolicyList,
  type PolicyView,
  type ResponseTimesReport,
  Role,
} from '@itsm/contracts';
import { mintToken } from '@itsm/testing';
import { expectProblem, GatewayWithService, problemFields, type Reply } from './support/gateway-with-service';

const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });
const mia = mintToken({ sub: 'mia', roles: [Role.Manager] });
const sam = mintToken({ sub: 'sam', roles: [Role.Agent] });
const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });

const OFFICE = [{ start: '09:00', end: '17:00' }];
const WEEKDAYS = { monday: OFFICE, tuesday: OFFICE, wednesday: OFFICE, thursday: OFFICE, friday: OFFICE };
/** Friday 6 March 2026, 15:00 in Berlin (CET): two business hours left that day. */
const FRIDAY_AFTERNOON = '2026-03-06T15:00:00+01:00';

function ics(...events: string[][]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//ITSM tests//Holidays//EN', ...events.flatMap((event) => ['BEGIN:VEVENT', ...event, 'END:VEVENT']), 'END:VCALENDAR', ''].join('\r\n');
}

function officeCalendar(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `Berlin office ${randomUUID().slice(0, 8)}`, timeZone: 'Europe/Berlin', weekly: WEEKDAYS, ...overrides };
}

describe('the SLA service through the gateway', () => {
  let h: GatewayWithService;

  beforeAll(async () => {
    h = await GatewayWithService.start('sla');
  }, 60_000);

  afterAll(async () => {
    await expect(h?.stop()).resolves.toBe(0);
  }, 30_000);

  async function createCalendar(overrides: Record<string, unknown> = {}): Promise<CalendarView> {
    const reply = await h.call<CalendarView>('POST', '/v1/sla/calendars', ada, { body: officeCalendar(overrides) });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  function add(calendarId: string, duration: string | number, start = FRIDAY_AFTERNOON): Promise<Reply<CalendarAddResult>> {
    return h.call<CalendarAddResult>('POST', `/v1/sla/calendars/${calendarId}/add`, sam, { body: { start, duration } });
  }

  describe('calendars', () => {
    it('defines a weekday 9-to-5 Berlin calendar: 201 with Location and ETag "1"; reads it with the same ETag; a stale If-Match is 412', async () => {
      const created = await h.call<CalendarView>('POST', '/v1/sla/calendars', ada, { body: officeCalendar({ name: 'Berlin office hours' }) });

      expect(created).toMatchObject({ status: 201, body: { name: 'Berlin office hours', timeZone: 'Europe/Berlin', weekly: WEEKDAYS, holidays: [], builtIn: false, version: 1 } });
      expect(created.headers.get('location')).toBe(`/v1/sla/calendars/${created.body.id}`);
      expect(created.headers.get('etag')).toBe('"1"');
      const read = await h.call<CalendarView>('GET', `/v1/sla/calendars/${created.body.id}`, sam);
      expect(read).toMatchObject({ status: 200, body: created.body });
      expect(read.headers.get('etag')).toBe('"1"');
      await expect(h.call<CalendarList>('GET', '/v1/sla/calendars?name=berlin%20OFFICE%20hours', sam)).resolves.toMatchObject({ status: 200, body: { items: [{ id: created.body.id }] } });

      const saturday = { ...WEEKDAYS, saturday: [{ start: '09:00', end: '13:00' }] };
      const replaced = await h.call<CalendarView>('PUT', `/v1/sla/calendars/${created.body.id}`, ada, { body: officeCalendar({ name: 'Berlin office hours', weekly: saturday }), headers: { 'if-match': '"1"' } });
      expect(replaced).toMatchObject({ status: 200, body: { weekly: saturday, version: 2 } });
      expect(replaced.headers.get('etag')).toBe('"2"');
      expectProblem(await h.call('PUT', `/v1/sla/calendars/${created.body.id}`, ada, { body: officeCalendar({ name: 'Berlin office hours' }), headers: { 'if-match': '"1"' } }), 412, ErrorCode.PRECONDITION_FAILED);
    });

    it('adds business time across a weekend: four hours from Friday 15:00 end on Monday at 11:00 Berlin time', async () => {
      const calendar = await createCalendar();

      const reply = await add(calendar.id, 'PT4H');

      expect(reply).toMatchObject({ status: 200, body: { due: '2026-03-09T10:00:00.000Z', durationSeconds: 14_400, wallSeconds: 68 * 3600 } });
      await expect(add(calendar.id, 14_400)).resolves.toMatchObject({ status: 200, body: { due: '2026-03-09T10:00:00.000Z' } });
    });

    it('counts only the business hours between Friday afternoon and Monday morning', async () => {
      const calendar = await createCalendar();

      const reply = await h.call<CalendarBetweenResult>('POST', `/v1/sla/calendars/${calendar.id}/between`, sam, { body: { start: '2026-03-06T16:00:00+01:00', end: '2026-03-09T10:00:00+01:00' } });

      expect(reply).toMatchObject({ status: 200, body: { businessSeconds: 2 * 3600, wallSeconds: 66 * 3600 } });
    });

    it('imports holidays from JSON and from a text/calendar body, and adding business time skips them', async () => {
      const calendar = await createCalendar();

      const fromJson = await h.call<CalendarView>('POST', `/v1/sla/calendars/${calendar.id}/holidays/import`, ada, {
        body: { ics: ics(['UID:closure@example.com', 'DTSTART;VALUE=DATE:20260309', 'SUMMARY:Office move']) },
        headers: { 'if-match': '"1"' },
      });
      expect(fromJson).toMatchObject({ status: 200, body: { holidays: [{ date: '2026-03-09', name: 'Office move' }], version: 2 } });
      expect(fromJson.headers.get('etag')).toBe('"2"');
      await expect(add(calendar.id, 'PT4H')).resolves.toMatchObject({ body: { due: '2026-03-10T10:00:00.000Z' } });

      const file = ics(['UID:strike@example.com', 'DTSTART;VALUE=DATE:20260310', 'SUMMARY:Strike'], ['UID:christmas@example.com', 'DTSTART;VALUE=DATE:20261225', 'RRULE:FREQ=YEARLY', 'SUMMARY:Christmas Day']);
      const fromText = await h.call<CalendarView>('POST', `/v1/sla/calendars/${calendar.id}/holidays/import?fromYear=2026&toYear=2027`, ada, {
        body: file,
        headers: { 'content-type': 'text/calendar; charset=utf-8', 'if-match': '"2"' },
      });
      expect(fromText).toMatchObject({ status: 200, body: { version: 3 } });
      expect(fromText.body.holidays.map((holiday) => holiday.date)).toEqual(['2026-03-09', '2026-03-10', '2026-12-25', '2027-12-25']);
      expect(fromText.headers.get('etag')).toBe('"3"');
      await expect(add(calendar.id, 'PT4H')).resolves.toMatchObject({ body: { due: '2026-03-11T10:00:00.000Z' } });

      const replaced = await h.call<CalendarView>('POST', `/v1/sla/calendars/${calendar.id}/holidays/import?fromYear=2026&toYear=2026&replace=true`, ada, { body: file, headers: { 'content-type': 'text/calendar' } });
      expect(replaced.body.holidays.map((holiday) => holiday.date)).toEqual(['2026-03-10', '2026-12-25']);
    });

    it('refuses a file that is not an iCalendar with 422 naming ics, and text/calendar bodies on other routes with 415', async () => {
      const calendar = await createCalendar();

      const garbage = await h.call('POST', `/v1/sla/calendars/${calendar.id}/holidays/import`, ada, { body: 'hello', headers: { 'content-type': 'text/calendar' } });
      expectProblem(garbage, 422, ErrorCode.UNPROCESSABLE);
      expect(problemFields(garbage)).toEqual(['ics']);
      expectProblem(await h.call('POST', '/v1/sla/calendars', ada, { body: ics(), headers: { 'content-type': 'text/calendar' } }), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    });

    it('serves the built-in 24x7 calendar and refuses to change it with 409', async () => {
      const always = await h.call<CalendarView>('GET', '/v1/sla/calendars/24x7', sam);
      expect(always).toMatchObject({ status: 200, body: { id: '24x7', builtIn: true } });
      expect(always.headers.get('etag')).toBe('"1"');
      await expect(add('24x7', 'PT4H')).resolves.toMatchObject({ body: { due: '2026-03-06T18:00:00.000Z' } });

      expectProblem(await h.call('PUT', '/v1/sla/calendars/24x7', ada, { body: officeCalendar() }), 409, ErrorCode.CONFLICT);
      const calendars = await h.call<CalendarList>('GET', '/v1/sla/calendars', mia);
      expect(calendars.body.items[0]?.id).toBe('24x7');
    });

    it.each([
      ['a time zone that does not exist', { timeZone: 'Mars/Olympus' }, ['timeZone']],
      [
        'overlapping intervals',
        {
          weekly: {
            ...WEEKDAYS,
            monday: [
              { start: '09:00', end: '13:00' },
              { start: '12:00', end: '17:00' },
            ],
          },
        },
        ['weekly.monday.1'],
      ],
      ['an interval that ends before it starts', { weekly: { ...WEEKDAYS, friday: [{ start: '17:00', end: '09:00' }] } }, ['weekly.friday.0.end']],
    ])('refuses %s with 422 naming the field', async (_label, overrides, expected) => {
      const reply = await h.call('POST', '/v1/sla/calendars', ada, { body: officeCalendar(overrides) });

      expectProblem(reply, 422, ErrorCode.UNPROCESSABLE);
      expect(problemFields(reply)).toEqual(expected);
    });

    it.each([['-PT1H'], [-5]])('refuses the negative duration %p with 400 naming duration', async (duration) => {
      const reply = await add('24x7', duration);

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(['duration']);
    });

    it('refuses an end before the start with 422 naming end', async () => {
      const reply = await h.call('POST', '/v1/sla/calendars/24x7/between', sam, { body: { start: '2026-03-09T10:00:00Z', end: '2026-03-06T10:00:00Z' } });

      expectProblem(reply, 422, ErrorCode.UNPROCESSABLE);
      expect(problemFields(reply)).toEqual(['end']);
    });

    it('refuses to add business time on a calendar with none for 20 years with 422 naming id, as the OpenAPI document declares', async () => {
      // Business hours on Mondays only, and every Monday for 21 years a holiday.
      const holidays = Array.from({ length: 21 * 53 }, (_, week) => ({ date: new Date(Date.UTC(2026, 0, 5 + 7 * week)).toISOString().slice(0, 10), name: 'Closed' }));
      const calendar = await createCalendar({ timeZone: 'UTC', weekly: { monday: [{ start: '09:00', end: '17:00' }] }, holidays });

      const reply = await add(calendar.id, 'PT1H', '2026-01-01T00:00:00Z');

      expect(expectProblem(reply, 422, ErrorCode.UNPROCESSABLE)).toMatchObject({ reason: 'SLA_CALENDAR_HAS_NO_BUSINESS_TIME' });
      expect(problemFields(reply)).toEqual(['id']);
      const document = (await (await fetch(`${h.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      expect(Object.keys(document.paths['/v1/sla/calendars/{id}/add']?.['post']?.responses ?? {})).toContain('422');
    });

    it('refuses an unknown field with 400 naming it', async () => {
      const reply = await h.call('POST', '/v1/sla/calendars', ada, { body: officeCalendar({ colour: 'blue' }) });

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(['colour']);
    });

    it('keeps requesters out of calendars and agents from defining them', async () => {
      expectProblem(await h.call('GET', '/v1/sla/calendars', alice), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', '/v1/sla/calendars/24x7', alice), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('POST', '/v1/sla/calendars', sam, { body: officeCalendar() }), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', `/v1/sla/calendars/${randomUUID()}`, sam), 404, ErrorCode.NOT_FOUND);
    });
  });

  describe('policies', () => {
    const policy = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
      name: `Incidents ${randomUUID().slice(0, 8)}`,
      kind: 'sla',
      conditions: { ticketTypes: ['incident'] },
      targets: [{ metric: 'resolution', durationByPriority: { P1: 'PT4H', P2: 'PT8H' }, duration: 'PT24H', pauseStates: ['on_hold'], warnAt: [75] }],
      ...overrides,
    });

    it('defines a policy: 201 with Location and ETag; reads, lists and replaces it with If-Match', async () => {
      const created = await h.call<PolicyView>('POST', '/v1/sla/policies', ada, { body: policy() });

      expect(created).toMatchObject({ status: 201, body: { kind: 'sla', order: 100, enabled: true, targets: [{ metric: 'resolution', durationSeconds: 86_400, durationByPriority: { P1: 14_400, P2: 28_800 }, calendarId: '24x7' }], version: 1 } });
      expect(created.headers.get('location')).toBe(`/v1/sla/policies/${created.body.id}`);
      expect(created.headers.get('etag')).toBe('"1"');
      const read = await h.call<PolicyView>('GET', `/v1/sla/policies/${created.body.id}`, sam);
      expect(read).toMatchObject({ status: 200, body: created.body });
      expect(read.headers.get('etag')).toBe('"1"');
      const listed = await h.call<PolicyList>('GET', '/v1/sla/policies?kind=sla&enabled=true', sam);
      expect(listed.body.items.map((item) => item.id)).toContain(created.body.id);

      const replaced = await h.call<PolicyView>('PUT', `/v1/sla/policies/${created.body.id}`, ada, { body: policy({ name: created.body.name, enabled: false }), headers: { 'if-match': '"1"' } });
      expect(replaced).toMatchObject({ status: 200, body: { enabled: false, version: 2 } });
      expect(replaced.headers.get('etag')).toBe('"2"');
      expectProblem(await h.call('PUT', `/v1/sla/policies/${created.body.id}`, ada, { body: policy({ name: created.body.name }), headers: { 'if-match': '"1"' } }), 412, ErrorCode.PRECONDITION_FAILED);
    });

    it('refuses a policy whose conditions match nothing with 422 naming conditions.priorities', async () => {
      const reply = await h.call('POST', '/v1/sla/policies', ada, { body: policy({ conditions: { ticketTypes: ['request'], priorities: ['P1'] }, targets: [{ metric: 'resolution', duration: 'PT8H' }] }) });

      expectProblem(reply, 422, ErrorCode.UNPROCESSABLE);
      expect(problemFields(reply)).toEqual(['conditions.priorities']);
    });

    it('refuses an OLA without assignment groups with 422', async () => {
      const reply = await h.call('POST', '/v1/sla/policies', ada, { body: policy({ kind: 'ola' }) });

      expectProblem(reply, 422, ErrorCode.UNPROCESSABLE);
      expect(problemFields(reply)).toEqual(['conditions.assignmentGroups']);
    });

    it('keeps requesters out of policies and agents from defining them', async () => {
      expectProblem(await h.call('GET', '/v1/sla/policies', alice), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('POST', '/v1/sla/policies', sam, { body: policy() }), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', `/v1/sla/policies/${randomUUID()}`, sam), 404, ErrorCode.NOT_FOUND);
      expect(problemFields(await h.call('GET', '/v1/sla/policies/not-a-uuid', sam))).toEqual(['id']);
    });
  });

  describe('clocks', () => {
    it('answers an empty page for a ticket without clocks', async () => {
      const reply = await h.call<ClockPage>('GET', `/v1/sla/clocks?ticket=${randomUUID()}&state=running,paused&breached=false&limit=10`, sam);

      expect(reply).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    });

    it('answers 404 when asked to recompute a ticket none of whose events reached the service', async () => {
      expectProblem(await h.call('POST', `/v1/sla/clocks/recompute?ticket=${randomUUID()}`, sam), 404, ErrorCode.NOT_FOUND);
      expect(problemFields(await h.call('POST', '/v1/sla/clocks/recompute', sam))).toEqual(['ticket']);
    });

    it('keeps requesters out of clocks', async () => {
      expectProblem(await h.call('GET', `/v1/sla/clocks?ticket=${randomUUID()}`, alice), 403, ErrorCode.FORBIDDEN);
    });
  });

  describe('reports', () => {
    const period = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';

    it('refuses a period whose end is before its start with 422 naming to', async () => {
      const reply = await h.call('GET', '/v1/reports/sla/compliance?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z', mia);

      expectProblem(reply, 422, ErrorCode.UNPROCESSABLE);
      expect(problemFields(reply)).toEqual(['to']);
    });

    it('reports compliance, response times and breaches of a period without clocks', async () => {
      await expect(h.call<ComplianceReport>('GET', `/v1/reports/sla/compliance?${period}&groupBy=priority`, mia)).resolves.toMatchObject({
        status: 200,
        body: { groupBy: 'priority', rows: [], overall: { total: 0, achieved: 0, breached: 0, compliancePercent: null } },
      });
      await expect(h.call<ResponseTimesReport>('GET', `/v1/reports/sla/response-times?${period}`, ada)).resolves.toMatchObject({
        status: 200,
        body: { mtta: { count: 0, business: { mean: null, p90: null } }, mttr: { count: 0 } },
      });
      await expect(h.call<ClockPage>('GET', `/v1/reports/sla/breaches?${period}&limit=5`, mia)).resolves.toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    });

    it('keeps agents out of the reports', async () => {
      expectProblem(await h.call('GET', `/v1/reports/sla/compliance?${period}`, sam), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', `/v1/reports/sla/breaches?${period}`, sam), 403, ErrorCode.FORBIDDEN);
    });
  });

  it('documents the SLA routes in the OpenAPI document, with examples', async () => {
    const document = (await (await fetch(`${h.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[]; requestBody?: { content: Record<string, { examples?: object }> } }>> };

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sla/calendars',
        '/v1/sla/calendars/{id}',
        '/v1/sla/calendars/{id}/holidays/import',
        '/v1/sla/calendars/{id}/add',
        '/v1/sla/calendars/{id}/between',
        '/v1/sla/policies',
        '/v1/sla/policies/{id}',
        '/v1/sla/clocks',
        '/v1/sla/clocks/recompute',
        '/v1/reports/sla/compliance',
        '/v1/reports/sla/response-times',
        '/v1/reports/sla/breaches',
      ]),
    );
    expect(document.paths['/v1/sla/calendars']?.['post']?.requestBody?.content['application/json']?.examples).toBeDefined();
    expect(document.paths['/v1/sla/policies']?.['post']?.requestBody?.content['application/json']?.examples).toBeDefined();
    expect(document.paths['/v1/reports/sla/compliance']?.['get']?.tags).toEqual(['reports']);
  });
});
