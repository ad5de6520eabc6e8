import { Module } from '@nestjs/common';
import { CalendarRegistry } from './calendars/calendar-registry';
import { CalendarsHandler } from './calendars/calendars.handler';
import { CalendarsService } from './calendars/calendars.service';
import { AlertScheduler } from './clocks/alert-scheduler';
import { ClockKeeper } from './clocks/clock-keeper';
import { ClocksHandler } from './clocks/clocks.handler';
import { ClocksService } from './clocks/clocks.service';
import { TicketEventsHandler } from './clocks/ticket-events.handler';
import { PoliciesHandler } from './policies/policies.handler';
import { PoliciesService } from './policies/policies.service';
import { PolicyRegistry } from './policies/policy-registry';
import { ReportsHandler } from './reports/reports.handler';
import { ReportsService } from './reports/reports.service';

/** Calendars, policies, the clocks the ticket events drive, their scheduler, and the reports. */
@Module({
  controllers: [CalendarsHandler, PoliciesHandler, ClocksHandler, ReportsHandler],
  providers: [CalendarRegistry, CalendarsService, PolicyRegistry, PoliciesService, ClockKeeper, ClocksService, TicketEventsHandler, AlertScheduler, ReportsService],
})
export class SlaModule {}
