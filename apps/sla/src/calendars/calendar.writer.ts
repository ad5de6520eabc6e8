import { Injectable } from '@nestjs/common';
import { type CalendarView, SlaError, SlaErrorCode } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { Calendar, toCalendarView } from './calendar.entity';

/** Every change of a business-hours calendar: row lock, `If-Match`, version and audit row (calendars announce no events). */
@Injectable()
export class CalendarWriter extends RecordWriter<Calendar, CalendarView> {
  protected readonly entity = Calendar;
  protected readonly entityType = 'calendar';

  // Declared here so that Nest sees what to inject (the abstract base has no decorator, so no parameter types).
  toView(calendar: Calendar): CalendarView {
    return toCalendarView(calendar);
  }

  protected label(calendar: Calendar): string {
    return `calendar ${calendar.name}`;
  }

  protected notFound(id: string): SlaError {
    return calendarNotFound(id);
  }
}

export function calendarNotFound(id: string): SlaError {
  return new SlaError(SlaErrorCode.CalendarNotFound, `calendar ${id} not found`);
}
