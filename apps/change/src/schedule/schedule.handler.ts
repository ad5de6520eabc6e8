import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ChangeCalendar, type ChangeCalendarIcs, type ChangeCalendarQuery, type ChangeConflictCheck, ChangeRpc, type GateAnswer, type GetChangeRequest } from '@itsm/contracts';
import { RpcHandler } from '@itsm/messaging';
import { CalendarService } from './calendar.service';
import { ScheduleService } from './schedule.service';

/** NATS RPC of the schedule: the conflict check on demand, the deployment gate and the change calendar. */
@Controller()
export class ScheduleHandler {
  constructor(
    private readonly schedule: ScheduleService,
    private readonly calendars: CalendarService,
  ) {}

  @RpcHandler(ChangeRpc.conflicts)
  conflicts(@Payload() request: GetChangeRequest): Promise<ChangeConflictCheck> {
    return this.schedule.conflictsOf(request.id);
  }

  @RpcHandler(ChangeRpc.gate)
  gate(@Payload() request: GetChangeRequest): Promise<GateAnswer> {
    return this.schedule.gate(request.id);
  }

  @RpcHandler(ChangeRpc.calendar)
  calendar(@Payload() request: ChangeCalendarQuery): Promise<ChangeCalendar> {
    return this.calendars.calendar(request);
  }

  @RpcHandler(ChangeRpc.calendarIcs)
  calendarIcs(@Payload() request: ChangeCalendarQuery): Promise<ChangeCalendarIcs> {
    return this.calendars.calendarIcs(request);
  }
}
