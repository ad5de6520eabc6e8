import ICAL from 'ical.js';
import { type ChangeCalendar, ChangeWindowKind } from '@itsm/contracts';

/** The iCalendar product identifier of the exported calendars. */
export const CALENDAR_PRODID = '-//ITSM//Change calendar//EN';

/** What a VEVENT of the calendar is: its CATEGORIES value. */
export const CalendarCategory = { Change: 'change', Blackout: ChangeWindowKind.Blackout, Maintenance: ChangeWindowKind.Maintenance } as const;

/** A UID domain that keeps the UIDs of this calendar apart from every other calendar's. */
const UID_DOMAIN = 'change.itsm';

/**
 * The change calendar as iCalendar text (RFC 5545): one VEVENT per change and per window occurrence, every time in
 * UTC. UIDs are stable, so a client that subscribes sees an event move rather than a new one appear: a change by its
 * id, an occurrence by its window's id and its start.
 */
export function calendarIcs(calendar: ChangeCalendar, descriptions: ReadonlyMap<string, string>, now: Date): string {
  const vcalendar = new ICAL.Component(['vcalendar', [], []]);
  vcalendar.updatePropertyWithValue('prodid', CALENDAR_PRODID);
  vcalendar.updatePropertyWithValue('version', '2.0');
  vcalendar.updatePropertyWithValue('calscale', 'GREGORIAN');
  vcalendar.updatePropertyWithValue('method', 'PUBLISH');
  const stamp = ICAL.Time.fromJSDate(now, true);
  for (const change of calendar.changes) {
    vcalendar.addSubcomponent(
      vevent({
        uid: `change-${change.id}@${UID_DOMAIN}`,
        stamp,
        start: change.plannedStart,
        end: change.plannedEnd,
        summary: `${change.number} ${change.title}`,
        description: [`${change.type} change, ${change.state}`, change.description].filter((line) => line !== '').join('\n\n'),
        category: CalendarCategory.Change,
      }),
    );
  }
  for (const occurrence of calendar.windows) {
    const kind = occurrence.kind === ChangeWindowKind.Blackout ? 'Blackout' : 'Maintenance window';
    vcalendar.addSubcomponent(
      vevent({
        uid: `${occurrence.kind}-${occurrence.windowId}-${occurrence.start}@${UID_DOMAIN}`,
        stamp,
        start: occurrence.start,
        end: occurrence.end,
        summary: `${kind}: ${occurrence.name}`,
        description: descriptions.get(occurrence.windowId) ?? '',
        category: occurrence.kind,
      }),
    );
  }
  return vcalendar.toString() + '\r\n';
}

interface EventFields {
  uid: string;
  stamp: ICAL.Time;
  start: string;
  end: string;
  summary: string;
  description: string;
  category: string;
}

function vevent(fields: EventFields): ICAL.Component {
  const event = new ICAL.Component('vevent');
  event.updatePropertyWithValue('uid', fields.uid);
  event.updatePropertyWithValue('dtstamp', fields.stamp);
  event.updatePropertyWithValue('dtstart', ICAL.Time.fromJSDate(new Date(fields.start), true));
  event.updatePropertyWithValue('dtend', ICAL.Time.fromJSDate(new Date(fields.end), true));
  event.updatePropertyWithValue('summary', fields.summary);
  if (fields.description !== '') event.updatePropertyWithValue('description', fields.description);
  event.updatePropertyWithValue('categories', fields.category);
  return event;
}
