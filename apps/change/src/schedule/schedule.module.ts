import { Module } from '@nestjs/common';
import { CalendarService } from './calendar.service';
import { ScheduleHandler } from './schedule.handler';
import { ScheduleService } from './schedule.service';

/** The schedule check (conflicts with other changes and windows), the change calendar and the deployment gate. */
@Module({
  controllers: [ScheduleHandler],
  providers: [ScheduleService, CalendarService],
  exports: [ScheduleService],
})
export class ScheduleModule {}
