import { Module } from '@nestjs/common';
import { CalendarRegistry } from './calendar-registry';
import { CalendarWriter } from './calendar.writer';
import { CalendarsHandler } from './calendars.handler';
import { CalendarsService } from './calendars.service';

/** Business-hours calendars and the business-time arithmetic on them; the clocks read them through the registry. */
@Module({
  controllers: [CalendarsHandler],
  providers: [CalendarRegistry, CalendarWriter, CalendarsService],
  exports: [CalendarRegistry],
})
export class CalendarsModule {}
