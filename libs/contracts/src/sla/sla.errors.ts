import { ErrorCode, errorOfCodes, type ErrorKinds, type FieldError } from '../errors';

/** What the sla domain refuses (calendars, policies, clocks and reports): the `reason` of its error replies and problems. */
export enum SlaErrorCode {
  /** No business-hours calendar has that id. */
  CalendarNotFound = 'SLA_CALENDAR_NOT_FOUND',
  /** Another calendar (or the built-in 24x7) already has that name. */
  CalendarNameTaken = 'SLA_CALENDAR_NAME_TAKEN',
  /** The built-in 24x7 calendar cannot be changed. */
  CalendarBuiltIn = 'SLA_CALENDAR_BUILT_IN',
  /** A calendar definition (time zone, weekly hours, holidays) that cannot be used as given. */
  CalendarInvalid = 'SLA_CALENDAR_INVALID',
  /** A holiday import whose iCalendar file cannot be read. */
  HolidayFileInvalid = 'SLA_HOLIDAY_FILE_INVALID',
  /** A holiday import whose components are not nested as an iCalendar's: one VCALENDAR holding VEVENT, VTIMEZONE and the like. */
  HolidayFileMalformed = 'SLA_HOLIDAY_FILE_MALFORMED',
  /** A holiday import past a limit of one file: events, expanded occurrences or time to read it. */
  HolidayFileTooLarge = 'SLA_HOLIDAY_FILE_TOO_LARGE',
  /** A holiday import whose last year comes before its first. */
  HolidayYearsInverted = 'SLA_HOLIDAY_YEARS_INVERTED',
  /** No SLA or OLA policy has that id. */
  PolicyNotFound = 'SLA_POLICY_NOT_FOUND',
  /** Another policy already has that name. */
  PolicyNameTaken = 'SLA_POLICY_NAME_TAKEN',
  /** A policy definition (conditions, targets, calendars) that cannot be used as given. */
  PolicyInvalid = 'SLA_POLICY_INVALID',
  /** No event of that ticket has reached the SLA service, so it has no clocks to rebuild. */
  TicketNotFound = 'SLA_TICKET_NOT_FOUND',
  /** A business duration that is not a whole, non-negative number of seconds or an ISO 8601 time duration. */
  DurationInvalid = 'SLA_DURATION_INVALID',
  /** Business time added past the last instant the service can represent. */
  BusinessTimeOutOfRange = 'SLA_BUSINESS_TIME_OUT_OF_RANGE',
  /** Business time added on a calendar whose hours and holidays leave no business time for 20 years after the start. */
  CalendarHasNoBusinessTime = 'SLA_CALENDAR_HAS_NO_BUSINESS_TIME',
  /** Business time asked between two instants whose end comes before their start. */
  PeriodInverted = 'SLA_PERIOD_INVERTED',
  /** A report period whose end is not after its start. */
  ReportPeriodEmpty = 'SLA_REPORT_PERIOD_EMPTY',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const SLA_ERROR_KINDS: ErrorKinds<SlaErrorCode> = {
  [SlaErrorCode.CalendarNotFound]: ErrorCode.NOT_FOUND,
  [SlaErrorCode.CalendarNameTaken]: ErrorCode.CONFLICT,
  [SlaErrorCode.CalendarBuiltIn]: ErrorCode.CONFLICT,
  [SlaErrorCode.CalendarInvalid]: ErrorCode.UNPROCESSABLE,
  [SlaErrorCode.HolidayFileInvalid]: ErrorCode.UNPROCESSABLE,
  [SlaErrorCode.HolidayFileMalformed]: ErrorCode.UNPROCESSABLE,
  [SlaErrorCode.HolidayFileTooLarge]: ErrorCode.UNPROCESSABLE,
  [SlaErrorCode.HolidayYearsInverted]: ErrorCode.UNPROCESSABLE,
  [SlaErrorCode.PolicyNotFound]: ErrorCode.NOT_FOUND,
  [SlaErrorCode.PolicyNameTaken]: ErrorCode.CONFLICT,
  [SlaErrorCode.PolicyInvalid]: ErrorCode.UNPROCESSABLE,
  [SlaErrorCode.TicketNotFound]: ErrorCode.NOT_FOUND,
  [SlaErrorCode.DurationInvalid]: ErrorCode.VALIDATION,
  [SlaErrorCode.BusinessTimeOutOfRange]: ErrorCode.UNPROCESSABLE,
  [SlaErrorCode.CalendarHasNoBusinessTime]: ErrorCode.UNPROCESSABLE,
  [SlaErrorCode.PeriodInverted]: ErrorCode.UNPROCESSABLE,
  [SlaErrorCode.ReportPeriodEmpty]: ErrorCode.UNPROCESSABLE,
};

export class SlaError extends errorOfCodes(SLA_ERROR_KINDS) {
  /** A refusal of some fields of the input: the message names each field once (`what: a, b`), `details.errors` says why. */
  static ofFields(reason: SlaErrorCode, what: string, errors: readonly FieldError[]): SlaError {
    const fields = [...new Set(errors.map((error) => error.field))];
    return new SlaError(reason, `${what}: ${fields.join(', ')}`, { errors: [...errors] });
  }
}
