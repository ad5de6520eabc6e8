import { ALWAYS_CALENDAR_ID, SlaError, SlaErrorCode } from '@itsm/contracts';

/*
 * Who may call each SLA operation is the `roles` of its declaration (agents read calendars, policies and clocks,
 * managers read the reports, admins define calendars and policies), checked before any use case runs. What the
 * roles cannot say is about one record: the built-in 24x7 calendar belongs to nobody, so nobody changes it.
 */

/** Whether a calendar may be changed at all, by anyone: every one but the built-in 24x7. */
export function isChangeableCalendar(id: string): boolean {
  return id !== ALWAYS_CALENDAR_ID;
}

/** Refuses a change of the built-in 24x7 calendar (409, naming `id`). */
export function assertChangeableCalendar(id: string): void {
  if (!isChangeableCalendar(id)) {
    throw new SlaError(SlaErrorCode.CalendarBuiltIn, 'the built-in 24x7 calendar cannot be changed; define a calendar of your own', { errors: [{ field: 'id', message: 'is built in' }] });
  }
}
