import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsObject, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { Role, RoleSets } from '../actor';
import { FieldChange } from '../incident/incident.dto';
import { defineEvent, defineRpc } from '../message';
import {
  CreateDetectionRuleRequest,
  DetectionRuleIdRequest,
  DetectionRuleList,
  DetectionRuleView,
  ListDetectionRulesRequest,
  UpdateDetectionRuleRequest,
} from './detection-rule.dto';
import { GetKnownErrorRequest, KnownErrorPage, KnownErrorView, PublishKnownErrorRequest, RetireKnownErrorRequest, SearchKnownErrorsRequest } from './known-error.dto';
import {
  CandidatesReport,
  IncidentsPerProblemReport,
  KnownErrorsInUseReport,
  ProblemReportQuery,
  ProblemTopReportQuery,
  RecurringPatternsReport,
  TimeToRootCauseReport,
} from './problem-report.dto';
import {
  AddProblemCommentRequest,
  CreateProblemRequest,
  GetProblemRequest,
  LinkIncidentRequest,
  ListProblemsRequest,
  ProblemCommentList,
  ProblemCommentView,
  ProblemDetection,
  ProblemHistory,
  ProblemPage,
  ProblemView,
  TransitionProblemRequest,
  UnlinkIncidentRequest,
  UpdateProblemRequest,
} from './problem.dto';
import { ProblemLinkSource, ProblemResolutionCode, ProblemState } from './problem.enums';

/** Events about one problem carry it whole, as it is after the change. */
class ProblemEventPayload {
  @ApiProperty({ type: ProblemView })
  @IsObject()
  @ValidateNested()
  @Type(() => ProblemView)
  problem!: ProblemView;
}

/** Payload of `itsm.events.problem.created.v1`: the problem as it was opened, by a person or by detection. */
export class ProblemCreatedV1 extends ProblemEventPayload {}

export class ProblemUpdatedV1 extends ProblemEventPayload {
  @ApiProperty({ type: [FieldChange] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FieldChange)
  changes!: FieldChange[];
}

export class ProblemStateChangedV1 extends ProblemEventPayload {
  @ApiProperty({ enum: ProblemState, enumName: 'ProblemState' })
  @IsEnum(ProblemState)
  from!: ProblemState;

  @ApiProperty({ enum: ProblemState, enumName: 'ProblemState' })
  @IsEnum(ProblemState)
  to!: ProblemState;

  @ApiPropertyOptional({ description: 'Why, where the move was given a reason (cancel, a fix that did not hold).' })
  @IsOptional()
  @IsString()
  reason?: string;
}

export class ProblemIncidentLinkedV1 extends ProblemEventPayload {
  @ApiProperty({ format: 'uuid', description: 'The incident now linked; the incident service sets its `problemId`.' })
  @IsUUID()
  incidentId!: string;

  @ApiProperty({ enum: ProblemLinkSource, enumName: 'ProblemLinkSource', description: 'Linked by an agent (`manual`) or by detection (`detected`).' })
  @IsEnum(ProblemLinkSource)
  source!: ProblemLinkSource;
}

export class ProblemIncidentUnlinkedV1 extends ProblemEventPayload {
  @ApiProperty({ format: 'uuid', description: 'The incident no longer linked; the incident service clears its `problemId`.' })
  @IsUUID()
  incidentId!: string;
}

/** A root cause was recorded for the first time (`problem.rootCause`, `problem.rootCauseIdentifiedAt`). */
export class ProblemRootCauseIdentifiedV1 extends ProblemEventPayload {}

export class ProblemKnownErrorPublishedV1 extends ProblemEventPayload {
  @ApiProperty({ type: KnownErrorView })
  @IsObject()
  @ValidateNested()
  @Type(() => KnownErrorView)
  knownError!: KnownErrorView;
}

export class ProblemKnownErrorRetiredV1 extends ProblemEventPayload {
  @ApiProperty({ type: KnownErrorView, description: 'The known error as retired, with `retireReason`.' })
  @IsObject()
  @ValidateNested()
  @Type(() => KnownErrorView)
  knownError!: KnownErrorView;
}

export class ProblemResolvedV1 extends ProblemEventPayload {
  @ApiProperty({ enum: ProblemResolutionCode, enumName: 'ProblemResolutionCode' })
  @IsEnum(ProblemResolutionCode)
  resolutionCode!: ProblemResolutionCode;

  @ApiProperty({ description: 'The resolution text; the incident service adds it as a public comment to each open linked incident.' })
  @IsString()
  resolution!: string;
}

export class ProblemClosedV1 extends ProblemEventPayload {}

export class ProblemCandidateDetectedV1 extends ProblemEventPayload {
  @ApiProperty({ type: ProblemDetection })
  @IsObject()
  @ValidateNested()
  @Type(() => ProblemDetection)
  detection!: ProblemDetection;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The incidents that made the pattern, all linked to the candidate.' })
  @IsArray()
  @IsUUID('all', { each: true })
  incidentIds!: string[];
}

const problemEvent = <N extends string, P>(name: N, payload: new () => P, summary: string) =>
  defineEvent({ domain: 'problem', name, version: 1, payload, summary });

export const ProblemEvents = {
  created: problemEvent('created', ProblemCreatedV1, 'A problem was opened, by an agent or by detection of recurring incidents (`problem.detected`).'),
  updated: problemEvent('updated', ProblemUpdatedV1, 'Fields of a problem changed; `changes` lists each with its old and new value.'),
  stateChanged: problemEvent('state_changed', ProblemStateChangedV1, 'A problem moved from one state to another.'),
  incidentLinked: problemEvent('incident_linked', ProblemIncidentLinkedV1, 'An incident was linked to a problem, by an agent or by detection.'),
  incidentUnlinked: problemEvent('incident_unlinked', ProblemIncidentUnlinkedV1, 'An incident was unlinked from a problem.'),
  rootCauseIdentified: problemEvent('root_cause_identified', ProblemRootCauseIdentifiedV1, 'The root cause of a problem was recorded for the first time.'),
  knownErrorPublished: problemEvent('known_error_published', ProblemKnownErrorPublishedV1, 'A problem’s root cause and workaround were published as a known error.'),
  knownErrorRetired: problemEvent('known_error_retired', ProblemKnownErrorRetiredV1, 'A known error was retired, by a manager or when its problem closed after a permanent fix.'),
  resolved: problemEvent('resolved', ProblemResolvedV1, 'A problem was resolved; open linked incidents get the resolution as a comment.'),
  closed: problemEvent('closed', ProblemClosedV1, 'A resolved problem was closed (final).'),
  candidateDetected: problemEvent('candidate_detected', ProblemCandidateDetectedV1, 'Recurring incidents matched a detection rule and a candidate problem was opened for the pattern.'),
} as const;

/** Who reads these reports: those who work tickets, and auditors. */
const REPORT_READERS: readonly Role[] = [...RoleSets.agents, Role.Auditor];

const problemRpc = <O extends string, Q, S>(operation: O, request: new () => Q, response: new () => S, summary: string, roles: readonly Role[]) =>
  defineRpc({ domain: 'problem', operation, request, response, summary, roles });

/** Requesters call none of these: a problem, known error or rule is never shown to them, nor is its existence. */
export const ProblemRpc = {
  create: problemRpc('create', CreateProblemRequest, ProblemView, 'Open a problem.', RoleSets.agents),
  get: problemRpc('get', GetProblemRequest, ProblemView, 'Read one problem.', RoleSets.agents),
  list: problemRpc('list', ListProblemsRequest, ProblemPage, 'List problems by filters, sorted, a page at a time.', RoleSets.agents),
  update: problemRpc('update', UpdateProblemRequest, ProblemView, 'Change fields of a problem.', RoleSets.agents),
  transition: problemRpc(
    'transition',
    TransitionProblemRequest,
    ProblemView,
    'Move a problem to another state; the service lets only managers and admins cancel.',
    RoleSets.agents,
  ),
  addComment: problemRpc('add_comment', AddProblemCommentRequest, ProblemCommentView, 'Add a comment or work note to a problem.', RoleSets.agents),
  listComments: problemRpc('list_comments', GetProblemRequest, ProblemCommentList, 'Read the comments and work notes of a problem, oldest first.', RoleSets.agents),
  history: problemRpc('history', GetProblemRequest, ProblemHistory, 'Read the audit trail of a problem.', RoleSets.agents),
  linkIncident: problemRpc('link_incident', LinkIncidentRequest, ProblemView, 'Link an incident to a problem (at most one open problem per incident).', RoleSets.agents),
  unlinkIncident: problemRpc('unlink_incident', UnlinkIncidentRequest, ProblemView, 'Unlink an incident from a problem.', RoleSets.agents),
  publishKnownError: problemRpc('known_error_publish', PublishKnownErrorRequest, KnownErrorView, 'Publish a problem’s root cause and workaround as a known error (managers).', RoleSets.managers),
  retireKnownError: problemRpc('known_error_retire', RetireKnownErrorRequest, KnownErrorView, 'Retire a known error (managers).', RoleSets.managers),
  getKnownError: problemRpc('known_error_get', GetKnownErrorRequest, KnownErrorView, 'Read one known error.', RoleSets.agents),
  searchKnownErrors: problemRpc('known_error_search', SearchKnownErrorsRequest, KnownErrorPage, 'Full-text search of known errors, best match first, a page at a time.', RoleSets.agents),
  createDetectionRule: problemRpc('detection_rule_create', CreateDetectionRuleRequest, DetectionRuleView, 'Add a detection rule (managers).', RoleSets.managers),
  listDetectionRules: problemRpc('detection_rule_list', ListDetectionRulesRequest, DetectionRuleList, 'The detection rules, by name.', RoleSets.agents),
  getDetectionRule: problemRpc('detection_rule_get', DetectionRuleIdRequest, DetectionRuleView, 'Read one detection rule.', RoleSets.agents),
  updateDetectionRule: problemRpc('detection_rule_update', UpdateDetectionRuleRequest, DetectionRuleView, 'Replace a detection rule (managers).', RoleSets.managers),
  deleteDetectionRule: problemRpc('detection_rule_delete', DetectionRuleIdRequest, DetectionRuleView, 'Remove a detection rule (managers).', RoleSets.managers),
  recurringReport: problemRpc('report_recurring', ProblemTopReportQuery, RecurringPatternsReport, 'The categories and CIs with the most incidents in a period, with their problems.', REPORT_READERS),
  incidentsPerProblemReport: problemRpc(
    'report_incidents_per_problem',
    ProblemTopReportQuery,
    IncidentsPerProblemReport,
    'Incidents linked per problem opened in a period, and the problems with the most.',
    REPORT_READERS,
  ),
  timeToRootCauseReport: problemRpc('report_time_to_root_cause', ProblemReportQuery, TimeToRootCauseReport, 'Mean and median hours from opening a problem to its root cause.', REPORT_READERS),
  knownErrorsInUseReport: problemRpc(
    'report_known_errors_in_use',
    ProblemTopReportQuery,
    KnownErrorsInUseReport,
    'Per known error, the linked incidents resolved with `known_error` in a period.',
    REPORT_READERS,
  ),
  candidatesReport: problemRpc('report_candidates', ProblemReportQuery, CandidatesReport, 'Candidate problems detected in a period: accepted, canceled, still open.', REPORT_READERS),
} as const;
