import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChangeCalendar, ChangeCalendarQuery, ChangeRpc } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { TEXT_CALENDAR } from '../sla/text-calendar';

/** What `GET /v1/changes/calendar.ics` answers: the iCalendar text itself, in UTF-8. */
export const TEXT_CALENDAR_UTF8 = `${TEXT_CALENDAR}; charset=utf-8`;

const PERIOD = 'The period is `from` (inclusive) to `to` (exclusive), instants with their offset from UTC; `to` must be after `from` and at most 366 days later (else 400 naming `to`). `ciId` keeps the changes touching that CI and the windows covering it (global blackouts always).';

const ICS_EXAMPLE = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//ITSM suite//change calendar//EN',
  'BEGIN:VEVENT',
  'UID:9d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a@change',
  'DTSTAMP:20261101T000000Z',
  'DTSTART:20261102T093000Z',
  'DTEND:20261102T113000Z',
  'SUMMARY:CHG0001001 Upgrade the VPN gateway firmware to 9.4',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

/**
 * The change calendar, as JSON and as iCalendar for calendar applications. Registered before the changes' routes,
 * as `calendar` and `calendar.ics` sit where a change id would.
 */
@ApiTags('changes')
@ApiBearerAuth()
@Controller('changes')
export class ChangeCalendarController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('calendar')
  @RolesOf(ChangeRpc.calendar)
  @ApiOperation({ summary: 'The changes and window occurrences of a period.', description: `Changes scheduled or being implemented (or approved and awaiting scheduling) whose planned window overlaps the period, and the blackout and maintenance window occurrences in it. ${PERIOD}` })
  @ApiOkResponse({ type: ChangeCalendar })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  calendar(@Query() query: ChangeCalendarQuery): Promise<ChangeCalendar> {
    return this.rpc.call(ChangeRpc.calendar, query);
  }

  @Get('calendar.ics')
  @RolesOf(ChangeRpc.calendarIcs)
  @ApiOperation({
    summary: 'The change calendar of a period as iCalendar (.ics).',
    description: `The same changes and window occurrences as \`GET /v1/changes/calendar\`, one VEVENT each, as \`${TEXT_CALENDAR_UTF8}\` (RFC 5545). ${PERIOD} Errors are problem+json like everywhere else.`,
  })
  @ApiOkResponse({ description: 'The calendar as iCalendar text.', content: { [TEXT_CALENDAR]: { schema: { type: 'string' }, example: ICS_EXAMPLE } } })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  async calendarIcs(@Query() query: ChangeCalendarQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { ics } = await this.rpc.call(ChangeRpc.calendarIcs, query);
    void reply.type(TEXT_CALENDAR_UTF8);
    return ics;
  }
}
