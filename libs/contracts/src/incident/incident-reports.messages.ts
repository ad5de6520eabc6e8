import { Role } from '../actor';
import { defineRpc } from '../message';
import {
  FirstContactResolutionQuery,
  FirstContactResolutionReport,
  FulfilmentTimesQuery,
  FulfilmentTimesReport,
  IncidentBacklogReport,
  IncidentReportQuery,
  IncidentSeriesQuery,
  IncidentVolumeReport,
  ReassignmentReport,
  ReopenRateQuery,
  ReopenRateReport,
  ResolutionTimesQuery,
  ResolutionTimesReport,
} from './incident-reports.dto';

/** Service-desk reports are for those who run the desk and those who audit it; agents work the queues instead. */
export const SERVICE_DESK_REPORT_ROLES = [Role.Manager, Role.Admin, Role.Auditor] as const;

const reportRpc = <O extends string, Q, S>(operation: O, request: new () => Q, response: new () => S, summary: string) =>
  defineRpc({ domain: 'incident', operation, request, response, summary, roles: SERVICE_DESK_REPORT_ROLES });

/** The service-desk reports the incident service computes over its incidents and service requests. */
export const IncidentReportRpc = {
  volume: reportRpc('report_volume', IncidentSeriesQuery, IncidentVolumeReport, 'Incidents opened, resolved and closed per day, week or month, optionally by state, priority, group or service.'),
  backlog: reportRpc('report_backlog', IncidentSeriesQuery, IncidentBacklogReport, 'Incidents open at the end of each day, week or month, optionally by state, priority, group or service.'),
  resolutionTimes: reportRpc('report_resolution_times', ResolutionTimesQuery, ResolutionTimesReport, 'MTTA and MTTR in wall-clock seconds (count, mean, median, p90) by group or priority.'),
  firstContactResolution: reportRpc(
    'report_first_contact_resolution',
    FirstContactResolutionQuery,
    FirstContactResolutionReport,
    'Share of the incidents resolved in a period that were never reassigned nor reopened, by group or channel.',
  ),
  reassignments: reportRpc('report_reassignments', IncidentReportQuery, ReassignmentReport, 'Reassignment counts of the incidents resolved in a period: distribution and mean by group.'),
  reopens: reportRpc('report_reopens', ReopenRateQuery, ReopenRateReport, 'Share of the incidents resolved in a period that were reopened at least once, by group or priority.'),
  fulfilmentTimes: reportRpc('report_fulfilment_times', FulfilmentTimesQuery, FulfilmentTimesReport, 'Service request fulfilment time (submitted → fulfilled) per catalog item: count, mean, median, p90.'),
} as const;
