import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CalendarAddRequest,
  type CalendarAddResult,
  type CalendarBetweenRequest,
  type CalendarBetweenResult,
  type CalendarIdRequest,
  type CalendarList,
  type CalendarView,
  type CreateCalendarDto,
  type ImportHolidaysRequest,
  type ListCalendarsRequest,
  SlaRpc,
  type UpdateCalendarRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { CalendarsService } from './calendars.service';

/** NATS RPC of business-hours calendars. */
@Controller()
export class CalendarsHandler {
  constructor(private readonly calendars: CalendarsService) {}

  @RpcHandler(SlaRpc.listCalendars)
  list(@Payload() request: ListCalendarsRequest): Promise<CalendarList> {
    return this.calendars.list(request);
  }

  @RpcHandler(SlaRpc.getCalendar)
  get(@Payload() request: CalendarIdRequest): Promise<CalendarView> {
    return this.calendars.get(request.id);
  }

  @RpcHandler(SlaRpc.createCalendar)
  create(@Payload() request: CreateCalendarDto): Promise<CalendarView> {
    return this.calendars.create(request, currentActor());
  }

  @RpcHandler(SlaRpc.updateCalendar)
  update(@Payload() request: UpdateCalendarRequest): Promise<CalendarView> {
    return this.calendars.update(request, currentActor());
  }

  @RpcHandler(SlaRpc.importHolidays)
  importHolidays(@Payload() request: ImportHolidaysRequest): Promise<CalendarView> {
    return this.calendars.importHolidays(request, currentActor());
  }

  @RpcHandler(SlaRpc.addBusinessTime)
  add(@Payload() request: CalendarAddRequest): Promise<CalendarAddResult> {
    return this.calendars.add(request);
  }

  @RpcHandler(SlaRpc.businessTimeBetween)
  between(@Payload() request: CalendarBetweenRequest): Promise<CalendarBetweenResult> {
    return this.calendars.between(request);
  }
}
