import { Module } from '@nestjs/common';
import { CalendarsModule } from '../calendars/calendars.module';
import { PoliciesModule } from '../policies/policies.module';
import { AlertScheduler } from './alert-scheduler';
import { ClockKeeper } from './clock-keeper';
import { ClocksHandler } from './clocks.handler';
import { ClocksService } from './clocks.service';
import { TicketEventsHandler } from './ticket-events.handler';

/** The clocks ticket events drive under the policies and calendars, the scheduler of their alerts, and reading them. */
@Module({
  imports: [CalendarsModule, PoliciesModule],
  controllers: [ClocksHandler],
  providers: [ClockKeeper, ClocksService, TicketEventsHandler, AlertScheduler],
  exports: [ClocksService],
})
export class ClocksModule {}
