import { Role, RoleSets } from '../actor';
import { defineEvent, defineRpc } from '../message';
import {
  CalendarAddRequest,
  CalendarAddResult,
  CalendarBetweenRequest,
  CalendarBetweenResult,
  CalendarIdRequest,
  CalendarList,
  CalendarView,
  CreateCalendarDto,
  ImportHolidaysRequest,
  ListCalendarsRequest,
  UpdateCalendarRequest,
} from './calendar.dto';
import { ClockPage, ListClocksRequest, RecomputeClocksRequest, RecomputeClocksResult } from './clock.dto';
import { CreatePolicyDto, ListPoliciesRequest, PolicyIdRequest, PolicyList, PolicyView, UpdatePolicyRequest } from './policy.dto';
import { BreachesQuery, BreachPage, ComplianceReport, ComplianceReportQuery, ResponseTimesQuery, ResponseTimesReport } from './report.dto';
import { SlaClockCorrectedV1 } from './clock-correction.dto';
import { SlaBreachedV1, SlaClockChangedV1, SlaWarningV1 } from './sla.dto';

const clockEvent = <N extends string>(name: N, summary: string) => defineEvent({ domain: 'sla', name, version: 1, payload: SlaClockChangedV1, summary });

export const SlaEvents = {
  clockStarted: clockEvent('clock_started', 'An SLA or OLA clock started for a ticket (a policy began to apply).'),
  clockPaused: clockEvent('clock_paused', 'A clock paused (the ticket entered a pausing state, e.g. on hold awaiting the caller).'),
  clockResumed: clockEvent('clock_resumed', 'A paused clock runs again, or a stopped resolution clock resumed because the ticket was reopened.'),
  clockRetargeted: clockEvent('clock_retargeted', 'A clock got another target (the ticket’s priority changed, or its policy was edited).'),
  warning: defineEvent({
    domain: 'sla',
    name: 'warning',
    version: 1,
    payload: SlaWarningV1,
    summary: 'An SLA or OLA clock passed a warning threshold (e.g. 75 % of its target).',
  }),
  breached: defineEvent({
    domain: 'sla',
    name: 'breached',
    version: 1,
    payload: SlaBreachedV1,
    summary: 'An SLA or OLA clock ran past its target.',
  }),
  achieved: clockEvent('achieved', 'A clock stopped within its target (the ticket was responded to or resolved in time).'),
  clockStopped: clockEvent('clock_stopped', 'A clock that had breached stopped (the ticket was responded to or resolved late).'),
  clockCanceled: clockEvent('clock_canceled', 'A clock was canceled (the ticket was canceled or merged, or the policy no longer applies).'),
  clockCorrected: defineEvent({
    domain: 'sla',
    name: 'clock_corrected',
    version: 1,
    payload: SlaClockCorrectedV1,
    summary:
      'An entry of a clock’s history announced before reads differently after the clocks were rebuilt (a policy or calendar changed, or a ticket event arrived late): what was announced, and what holds now (null when the entry is retracted).',
  }),
} as const;

/** Who reads these reports: managers and admins, and auditors. */
const REPORT_READERS: readonly Role[] = [...RoleSets.managers, Role.Auditor];

const slaRpc = <O extends string, Q, S>(operation: O, request: new () => Q, response: new () => S, summary: string, roles: readonly Role[]) =>
  defineRpc({ domain: 'sla', operation, request, response, summary, roles });

export const SlaRpc = {
  listCalendars: slaRpc('calendar_list', ListCalendarsRequest, CalendarList, 'The business-hours calendars, the built-in 24x7 first.', RoleSets.agents),
  getCalendar: slaRpc('calendar_get', CalendarIdRequest, CalendarView, 'Read one calendar.', RoleSets.agents),
  createCalendar: slaRpc('calendar_create', CreateCalendarDto, CalendarView, 'Add a business-hours calendar (admins).', RoleSets.admins),
  updateCalendar: slaRpc('calendar_update', UpdateCalendarRequest, CalendarView, 'Replace a calendar (admins); open clocks on it are recomputed.', RoleSets.admins),
  importHolidays: slaRpc('calendar_import_holidays', ImportHolidaysRequest, CalendarView, 'Add (or replace) a calendar’s holidays from an iCalendar file (admins).', RoleSets.admins),
  addBusinessTime: slaRpc('calendar_add', CalendarAddRequest, CalendarAddResult, 'When a business duration from a start instant ends, on a calendar.', RoleSets.agents),
  businessTimeBetween: slaRpc('calendar_between', CalendarBetweenRequest, CalendarBetweenResult, 'Business time between two instants, on a calendar.', RoleSets.agents),
  listPolicies: slaRpc('policy_list', ListPoliciesRequest, PolicyList, 'SLA and OLA policies in matching order.', RoleSets.agents),
  getPolicy: slaRpc('policy_get', PolicyIdRequest, PolicyView, 'Read one policy.', RoleSets.agents),
  createPolicy: slaRpc('policy_create', CreatePolicyDto, PolicyView, 'Add an SLA or OLA policy (admins).', RoleSets.admins),
  updatePolicy: slaRpc('policy_update', UpdatePolicyRequest, PolicyView, 'Replace a policy (admins); open clocks are recomputed.', RoleSets.admins),
  listClocks: slaRpc('clock_list', ListClocksRequest, ClockPage, 'Clocks with their history, by ticket or filters.', RoleSets.agents),
  recomputeClocks: slaRpc('clock_recompute', RecomputeClocksRequest, RecomputeClocksResult, 'Rebuild the clocks of a ticket from its events and report what differed.', RoleSets.agents),
  complianceReport: slaRpc('report_compliance', ComplianceReportQuery, ComplianceReport, 'Compliance per policy, priority, service or group over a period.', REPORT_READERS),
  responseTimesReport: slaRpc('report_response_times', ResponseTimesQuery, ResponseTimesReport, 'MTTA and MTTR (mean and p90) in business and wall time over a period.', REPORT_READERS),
  breachesReport: slaRpc('report_breaches', BreachesQuery, BreachPage, 'Clocks that breached in a period, most recent first.', REPORT_READERS),
} as const;
