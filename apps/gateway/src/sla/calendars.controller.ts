import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ALWAYS_CALENDAR_ID,
  CalendarAddDto,
  CalendarAddResult,
  CalendarBetweenDto,
  CalendarBetweenResult,
  CalendarDefinitionDto,
  CalendarIdRequest,
  CalendarList,
  CalendarView,
  CreateCalendarDto,
  ImportHolidaysDto,
  ListCalendarsRequest,
  SlaRpc,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { AcceptsBody, JSON_MEDIA_TYPE } from '../http/media-types';
import { created } from '../http/responses';
import { ImportHolidaysOptions, TEXT_CALENDAR, TextCalendarBody } from './text-calendar';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const CALENDAR_ID_PARAM = { name: 'id', description: 'A calendar id (UUID), or `24x7` for the built-in calendar.', example: ALWAYS_CALENDAR_ID };
const RULES =
  'Hours are local times in `timeZone`, an IANA zone (fixed offsets such as `+01:00` are refused: they ignore daylight saving time). ' +
  'A day left out or empty has no business hours; intervals of one day may not overlap (an `overnight` interval reaches into the next day); ' +
  'holidays are whole local days. What the shape allows but the service cannot use (an unknown zone, overlapping or inverted intervals, ' +
  'no business hours at all) is a 422 naming the field (`timeZone`, `weekly.monday.1.end`, …); a name already taken is a 409.';

const OFFICE_DAY = [{ start: '09:00', end: '17:00' }];
const BERLIN = {
  name: 'Berlin office hours',
  description: 'Service desk Berlin: weekdays 9 to 5.',
  timeZone: 'Europe/Berlin',
  weekly: { monday: OFFICE_DAY, tuesday: OFFICE_DAY, wednesday: OFFICE_DAY, thursday: OFFICE_DAY, friday: OFFICE_DAY },
  holidays: [
    { date: '2026-12-25', name: 'Christmas Day' },
    { date: '2026-12-26', name: 'Boxing Day' },
  ],
};
const SPLIT_DAY = [
  { start: '08:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
];
const NIGHT = [{ start: '22:00', end: '06:00', overnight: true }];
const HOLIDAYS_ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Example Corp//Holidays//EN',
  'BEGIN:VEVENT',
  'UID:christmas@example.com',
  'DTSTART;VALUE=DATE:20261225',
  'RRULE:FREQ=YEARLY',
  'SUMMARY:Christmas Day',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:closure-2026@example.com',
  'DTSTART;VALUE=DATE:20261228',
  'DTEND;VALUE=DATE:20261231',
  'SUMMARY:Company closure',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

/**
 * Business-hours calendars of the SLA service: `/v1/sla/calendars`. Everybody who works tickets reads them and
 * asks for business-time sums on them; admins define them.
 */
@ApiTags('sla')
@ApiBearerAuth()
@Controller('sla/calendars')
export class CalendarsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(SlaRpc.listCalendars)
  @ApiOperation({ summary: 'The business-hours calendars by name, the built-in `24x7` first.', description: '`name` keeps the calendars whose name contains it (any case).' })
  @ApiOkResponse({ type: CalendarList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListCalendarsRequest): Promise<CalendarList> {
    return this.rpc.call(SlaRpc.listCalendars, query);
  }

  @Post()
  @HttpCode(201)
  @RolesOf(SlaRpc.createCalendar)
  @ApiOperation({ summary: 'Define a business-hours calendar (admins).', description: RULES })
  @ApiBody({
    type: CreateCalendarDto,
    examples: {
      office: { summary: 'Weekdays 9 to 5 in Berlin, with two holidays', value: BERLIN },
      split: { summary: 'A lunch break in New York', value: { name: 'New York support desk', timeZone: 'America/New_York', weekly: { monday: SPLIT_DAY, tuesday: SPLIT_DAY, wednesday: SPLIT_DAY, thursday: SPLIT_DAY, friday: SPLIT_DAY } } },
      night: { summary: 'Night shifts that end the next morning', value: { name: 'Tokyo night operations', timeZone: 'Asia/Tokyo', weekly: { monday: NIGHT, tuesday: NIGHT, wednesday: NIGHT, thursday: NIGHT, friday: NIGHT } } },
    },
  })
  @ApiCreatedResponse({
    description: 'The calendar as defined.',
    type: CalendarView,
    headers: { Location: { description: 'Path of the new calendar.', schema: { type: 'string', example: '/v1/sla/calendars/5c0f7f1e-6d55-4f3e-9a7c-0b7c6f3d2a11' } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 413, 422, 500, 503, 504)
  async create(@Body() body: CreateCalendarDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CalendarView> {
    return created(reply, await this.rpc.call(SlaRpc.createCalendar, body), 'sla/calendars');
  }

  @Get(':id')
  @RolesOf(SlaRpc.getCalendar)
  @ApiOperation({ summary: 'Read one calendar.', description: '`24x7` is the built-in calendar in which every instant is business time.' })
  @ApiParam(CALENDAR_ID_PARAM)
  @ApiOkResponse({ type: CalendarView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: CalendarIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CalendarView> {
    return withEtag(reply, await this.rpc.call(SlaRpc.getCalendar, { id: params.id }));
  }

  @Put(':id')
  @RolesOf(SlaRpc.updateCalendar)
  @ApiOperation({
    summary: 'Replace a calendar (admins).',
    description: `${RULES} The clocks still running on the calendar get their due times recomputed; stopped ones keep what they ended with. The built-in \`24x7\` cannot be changed (409).`,
  })
  @ApiParam(CALENDAR_ID_PARAM)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: CalendarDefinitionDto, examples: { saturday: { summary: 'Open on Saturday mornings too', value: { ...BERLIN, weekly: { ...BERLIN.weekly, saturday: [{ start: '09:00', end: '13:00' }] } } } } })
  @ApiOkResponse({ description: 'The calendar after the change.', type: CalendarView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 413, 422, 500, 503, 504)
  async update(
    @Param() params: CalendarIdRequest,
    @Body() body: CalendarDefinitionDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CalendarView> {
    return withEtag(reply, await this.rpc.call(SlaRpc.updateCalendar, { ...body, id: params.id, ...precondition }));
  }

  @Post(':id/holidays/import')
  @HttpCode(200)
  @RolesOf(SlaRpc.importHolidays)
  @AcceptsBody(JSON_MEDIA_TYPE, TEXT_CALENDAR)
  @UseInterceptors(TextCalendarBody)
  @ApiOperation({
    summary: 'Add holidays to a calendar from an iCalendar (.ics) file (admins).',
    description:
      'All-day events are holidays (one per day of a multi-day event); a timed event counts on the local date it starts; recurring events ' +
      'are expanded for the years `fromYear` to `toYear`; cancelled events are left out. The holidays are added to those the calendar has ' +
      '(one per date), or replace them with `replace`. ' +
      `Send JSON \`{ "ics": "BEGIN:VCALENDAR…", "fromYear", "toYear", "replace" }\`, or the file itself with \`Content-Type: ${TEXT_CALENDAR}\` ` +
      'and the options as query parameters (with JSON, a field in the body wins over its query parameter). ' +
      'A file that cannot be read is a 422 naming `ics`, `toYear` before `fromYear` a 422 naming `toYear`. The built-in `24x7` cannot be changed (409).',
  })
  @ApiParam(CALENDAR_ID_PARAM)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiConsumes(JSON_MEDIA_TYPE)
  @ApiBody({
    type: ImportHolidaysDto,
    description: `Or the iCalendar text itself, as \`${TEXT_CALENDAR}\`.`,
    examples: { yearly: { summary: 'Christmas every year and a company closure, for 2026 to 2030', value: { ics: HOLIDAYS_ICS, fromYear: 2026, toYear: 2030 } } },
  })
  @ApiOkResponse({ description: 'The calendar with its holidays after the import.', type: CalendarView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 413, 422, 500, 503, 504)
  async importHolidays(
    @Param() params: CalendarIdRequest,
    @Body() body: ImportHolidaysDto,
    @Query() options: ImportHolidaysOptions,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CalendarView> {
    // JSON leaves out what is undefined, so the service applies its defaults to whatever neither place gave.
    const request = { ics: body.ics, fromYear: body.fromYear ?? options.fromYear, toYear: body.toYear ?? options.toYear, replace: body.replace ?? options.replace, id: params.id, ...precondition };
    return withEtag(reply, await this.rpc.call(SlaRpc.importHolidays, request));
  }

  @Post(':id/add')
  @HttpCode(200)
  @RolesOf(SlaRpc.addBusinessTime)
  @ApiOperation({
    summary: 'When a business duration that starts at an instant ends, on a calendar.',
    description:
      'Counts only business hours: `{ "start": "2026-03-06T15:00:00+01:00", "duration": "PT4H" }` on weekdays 9 to 5 in Berlin ends Monday at 11:00 ' +
      'Berlin time (`2026-03-09T10:00:00.000Z`). `duration` is whole seconds or an ISO 8601 time duration (`PT4H30M`); days are refused ' +
      '(a business day is not 24 hours), and so is anything negative (400 naming `duration`). A calendar whose hours and holidays leave no ' +
      'business time for 20 years after `start` answers 422 `SLA_CALENDAR_HAS_NO_BUSINESS_TIME` naming `id`; an end past the last instant ' +
      'the service represents, 422 `SLA_BUSINESS_TIME_OUT_OF_RANGE` naming `duration`. Nothing is stored.',
  })
  @ApiParam(CALENDAR_ID_PARAM)
  @ApiBody({
    type: CalendarAddDto,
    examples: {
      friday: { summary: 'Four business hours from Friday afternoon', value: { start: '2026-03-06T15:00:00+01:00', duration: 'PT4H' } },
      seconds: { summary: 'The same in seconds', value: { start: '2026-03-06T14:00:00Z', duration: 14400 } },
    },
  })
  @ApiOkResponse({ type: CalendarAddResult })
  @ApiProblemResponses(400, 401, 403, 404, 422, 500, 503, 504)
  add(@Param() params: CalendarIdRequest, @Body() body: CalendarAddDto): Promise<CalendarAddResult> {
    return this.rpc.call(SlaRpc.addBusinessTime, { ...body, id: params.id });
  }

  @Post(':id/between')
  @HttpCode(200)
  @RolesOf(SlaRpc.businessTimeBetween)
  @ApiOperation({
    summary: 'The business time between two instants, on a calendar.',
    description: 'Business seconds (holidays and hours outside the calendar left out) and wall-clock seconds. `end` before `start` is a 422 naming `end`. Nothing is stored.',
  })
  @ApiParam(CALENDAR_ID_PARAM)
  @ApiBody({ type: CalendarBetweenDto, examples: { weekend: { summary: 'Friday 16:00 to Monday 10:00 in Berlin', value: { start: '2026-03-06T16:00:00+01:00', end: '2026-03-09T10:00:00+01:00' } } } })
  @ApiOkResponse({ type: CalendarBetweenResult })
  @ApiProblemResponses(400, 401, 403, 404, 422, 500, 503, 504)
  between(@Param() params: CalendarIdRequest, @Body() body: CalendarBetweenDto): Promise<CalendarBetweenResult> {
    return this.rpc.call(SlaRpc.businessTimeBetween, { ...body, id: params.id });
  }
}

