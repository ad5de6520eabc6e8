import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { BlackoutScope, type BlackoutWindowView, ChangeApprovalState, type ChangeCalendar, ChangeRpc, ChangeState, ChangeWindowKind, ErrorCode, type MaintenanceWindowView } from '@itsm/contracts';
import { alice, fieldsOf, maria, sam } from '@itsm/testing';
import { ChangeHarness } from './support/change-harness';
import { buildBlackout, buildMaintenanceWindow, insertChangeWithImpact } from './support/window-requests';

const at = (iso: string): Date => new Date(iso);
const JANUARY = { from: '2031-01-01T00:00:00Z', to: '2031-02-01T00:00:00Z' };

/** The changes are written straight into the database in the state a test needs, as the lifecycle would have left them. */
describe('the change calendar', () => {
  let h: ChangeHarness;
  const ci = randomUUID();
  const otherCi = randomUUID();
  const ids: Record<string, string> = {};
  let weekly: BlackoutWindowView;
  let global: BlackoutWindowView;
  let slot: MaintenanceWindowView;

  beforeAll(async () => {
    h = await ChangeHarness.start();
    const approved = { approvalState: ChangeApprovalState.Approved };
    ids['acrossNewYear'] = await insertChangeWithImpact(h, { ...approved, number: 'CHG0200000', title: 'Rotate certificates', state: ChangeState.Scheduled, ciIds: [ci], plannedStart: at('2030-12-31T23:00:00Z'), plannedEnd: at('2031-01-01T01:00:00Z') });
    ids['implementing'] = await insertChangeWithImpact(h, { ...approved, number: 'CHG0200002', state: ChangeState.Implement, ciIds: [otherCi], plannedStart: at('2031-01-05T08:00:00Z'), plannedEnd: at('2031-01-05T09:00:00Z') });
    ids['scheduled'] = await insertChangeWithImpact(h, { ...approved, number: 'CHG0200001', title: 'Upgrade the VPN gateway', state: ChangeState.Scheduled, ciIds: [ci], plannedStart: at('2031-01-10T08:00:00Z'), plannedEnd: at('2031-01-10T10:00:00Z') });
    ids['authorized'] = await insertChangeWithImpact(h, { ...approved, number: 'CHG0200003', state: ChangeState.Authorize, ciIds: [ci], plannedStart: at('2031-01-20T08:00:00Z'), plannedEnd: at('2031-01-20T09:00:00Z') });
    await insertChangeWithImpact(h, { state: ChangeState.New, ciIds: [ci], plannedStart: at('2031-01-11T08:00:00Z'), plannedEnd: at('2031-01-11T09:00:00Z') });
    await insertChangeWithImpact(h, { state: ChangeState.Authorize, approvalState: ChangeApprovalState.Pending, ciIds: [ci], plannedStart: at('2031-01-12T08:00:00Z'), plannedEnd: at('2031-01-12T09:00:00Z') });
    await insertChangeWithImpact(h, { ...approved, state: ChangeState.Scheduled, ciIds: [ci], plannedStart: at('2031-02-01T00:00:00Z'), plannedEnd: at('2031-02-01T01:00:00Z') });

    weekly = await h.rpc.call(
      ChangeRpc.createBlackout,
      buildBlackout({ name: 'Friday evenings', description: 'Weekend support is thin', targetIds: [ci], start: '2031-01-03T18:00:00Z', end: '2031-01-03T22:00:00Z', rrule: 'FREQ=WEEKLY;BYDAY=FR' }),
      { actor: maria },
    );
    global = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ name: 'Audit day', scope: BlackoutScope.Global, targetIds: [], start: '2031-01-15T00:00:00Z', end: '2031-01-16T00:00:00Z' }), { actor: maria });
    slot = await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow({ name: 'Storage slot', ciIds: [otherCi], start: '2031-01-12T01:00:00Z', end: '2031-01-12T04:00:00Z', rrule: null }), { actor: maria });
    await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ name: 'Next year', targetIds: [ci], start: '2032-01-01T00:00:00Z', end: '2032-01-02T00:00:00Z' }), { actor: maria });
  });

  afterAll(async () => {
    await h.stop();
  });

  it('lists the changes holding their windows in the period and the window occurrences, each by start', async () => {
    const calendar = await h.rpc.call(ChangeRpc.calendar, JANUARY, { actor: sam });
    expect(calendar.from).toBe('2031-01-01T00:00:00.000Z');
    expect(calendar.to).toBe('2031-02-01T00:00:00.000Z');
    expect(calendar.changes.map((change) => change.id)).toEqual([ids['acrossNewYear'], ids['implementing'], ids['scheduled'], ids['authorized']]);
    expect(calendar.changes[2]).toMatchObject({ number: 'CHG0200001', state: ChangeState.Scheduled, plannedStart: '2031-01-10T08:00:00.000Z' });
    const friday = (day: string) => ({ kind: ChangeWindowKind.Blackout, windowId: weekly.id, name: 'Friday evenings', start: `2031-01-${day}T18:00:00.000Z`, end: `2031-01-${day}T22:00:00.000Z`, targetIds: [ci] });
    expect(calendar.windows).toEqual([
      friday('03'),
      friday('10'),
      { kind: ChangeWindowKind.Maintenance, windowId: slot.id, name: 'Storage slot', start: '2031-01-12T01:00:00.000Z', end: '2031-01-12T04:00:00.000Z', targetIds: [otherCi] },
      { kind: ChangeWindowKind.Blackout, windowId: global.id, name: 'Audit day', start: '2031-01-15T00:00:00.000Z', end: '2031-01-16T00:00:00.000Z', targetIds: [] },
      friday('17'),
      friday('24'),
      friday('31'),
    ]);

    // For one CI: its changes, the windows naming it and the global blackouts.
    const forCi = await h.rpc.call(ChangeRpc.calendar, { ...JANUARY, ciId: ci }, { actor: sam });
    expect(forCi.changes.map((change) => change.id)).toEqual([ids['acrossNewYear'], ids['scheduled'], ids['authorized']]);
    expect(new Set(forCi.windows.map((window) => window.windowId))).toEqual(new Set([weekly.id, global.id]));
  });

  it('exports the same as iCalendar events that read back with their times in UTC', async () => {
    const calendar: ChangeCalendar = await h.rpc.call(ChangeRpc.calendar, JANUARY, { actor: sam });
    const { ics } = await h.rpc.call(ChangeRpc.calendarIcs, JANUARY, { actor: sam });
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('DTSTART:20310110T080000Z');

    const vcalendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
    expect(vcalendar.getFirstPropertyValue('version')).toBe('2.0');
    const events = vcalendar.getAllSubcomponents('vevent').map((event) => {
      const start = event.getFirstPropertyValue('dtstart') as ICAL.Time;
      const end = event.getFirstPropertyValue('dtend') as ICAL.Time;
      expect(start.zone).toBe(ICAL.Timezone.utcTimezone);
      expect(end.zone).toBe(ICAL.Timezone.utcTimezone);
      expect(event.getFirstPropertyValue('dtstamp')).toBeInstanceOf(ICAL.Time);
      return {
        uid: event.getFirstPropertyValue('uid') as string,
        start: start.toJSDate().toISOString(),
        end: end.toJSDate().toISOString(),
        summary: event.getFirstPropertyValue('summary') as string,
        description: event.getFirstPropertyValue('description') as string | null,
        category: event.getFirstPropertyValue('categories') as string,
      };
    });
    expect(events).toHaveLength(calendar.changes.length + calendar.windows.length);
    expect(new Set(events.map((event) => event.uid)).size).toBe(events.length);

    const changes = events.filter((event) => event.category === 'change');
    expect(changes.map(({ start, end }) => ({ start, end }))).toEqual(calendar.changes.map((change) => ({ start: change.plannedStart, end: change.plannedEnd })));
    expect(changes.find((event) => event.summary.startsWith('CHG0200001'))).toMatchObject({ summary: 'CHG0200001 Upgrade the VPN gateway', start: '2031-01-10T08:00:00.000Z', description: expect.stringContaining('scheduled') });

    const blackouts = events.filter((event) => event.category === 'blackout');
    const maintenance = events.filter((event) => event.category === 'maintenance');
    const occurrences = (kind: ChangeWindowKind) => calendar.windows.filter((window) => window.kind === kind).map(({ start, end }) => ({ start, end }));
    expect(blackouts.map(({ start, end }) => ({ start, end }))).toEqual(occurrences(ChangeWindowKind.Blackout));
    expect(maintenance.map(({ start, end }) => ({ start, end }))).toEqual(occurrences(ChangeWindowKind.Maintenance));
    expect(blackouts.filter((event) => event.summary === 'Blackout: Friday evenings')).toHaveLength(5);
    expect(blackouts.find((event) => event.summary === 'Blackout: Friday evenings')?.description).toBe('Weekend support is thin');
  });

  it('refuses an empty or inverted period and one longer than 366 days, naming to', async () => {
    for (const query of [
      { from: '2031-01-01T00:00:00Z', to: '2031-01-01T00:00:00Z' },
      { from: '2031-02-01T00:00:00Z', to: '2031-01-01T00:00:00Z' },
      { from: '2031-01-01T00:00:00Z', to: '2032-01-03T00:00:00Z' },
    ]) {
      const error = await h.rpc.call(ChangeRpc.calendar, query, { actor: sam }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['to']);
      await expect(h.rpc.call(ChangeRpc.calendarIcs, query, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    }
    await expect(h.rpc.call(ChangeRpc.calendar, JANUARY, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });
});
