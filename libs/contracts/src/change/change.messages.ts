import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Role, RoleSets } from '../actor';
import { FieldChange } from '../incident/incident.dto';
import { defineEvent, defineRpc } from '../message';
import { ChangeCausedIncidentsReport, ChangeEmergencyRatioReport, ChangeReportQuery, ChangeSuccessRateReport, ChangeTopReportQuery } from './change-report.dto';
import {
  AddChangeCommentRequest,
  ChangeApproval,
  ChangeCalendar,
  ChangeCalendarIcs,
  ChangeCalendarQuery,
  ChangeCommentList,
  ChangeCommentView,
  ChangeConflict,
  ChangeConflictCheck,
  ChangeHistory,
  ChangePage,
  ChangeRisk,
  ChangeView,
  ChangeVoteRequest,
  CreateChangeRequest,
  DelegateApprovalRequest,
  GateAnswer,
  GetChangeRequest,
  ListChangesRequest,
  TransitionChangeRequest,
  UpdateChangeRequest,
} from './change.dto';
import { ChangeOutcome, ReleaseState } from './change.enums';
import {
  CreateReleaseRequest,
  GetReleaseRequest,
  ListReleasesRequest,
  ReleaseGateAnswer,
  ReleasePage,
  ReleaseView,
  TransitionReleaseRequest,
  UpdateReleaseRequest,
} from './release.dto';
import { ChangeTemplateIdRequest, ChangeTemplateList, ChangeTemplateView, CreateChangeTemplateRequest, ListChangeTemplatesRequest, UpdateChangeTemplateRequest } from './template.dto';
import {
  BlackoutWindowList,
  BlackoutWindowView,
  ChangeWindowIdRequest,
  CreateBlackoutWindowRequest,
  CreateMaintenanceWindowRequest,
  ListBlackoutWindowsRequest,
  ListMaintenanceWindowsRequest,
  MaintenanceWindowList,
  MaintenanceWindowView,
  UpdateBlackoutWindowRequest,
  UpdateMaintenanceWindowRequest,
} from './window.dto';

/** Events about one change carry it whole, as it is after the change. */
class ChangeEventPayload {
  @ApiProperty({ type: ChangeView })
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeView)
  change!: ChangeView;
}

/** Payload of `itsm.events.change.requested.v1`: the change as raised. */
export class ChangeRequestedV1 extends ChangeEventPayload {}

export class ChangeUpdatedV1 extends ChangeEventPayload {
  @ApiProperty({ type: [FieldChange] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FieldChange)
  changes!: FieldChange[];
}

export class ChangeRiskAssessedV1 extends ChangeEventPayload {
  @ApiProperty({ type: ChangeRisk, description: 'The risk as assessed now (also `change.risk`).' })
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeRisk)
  risk!: ChangeRisk;
}

export class ChangeApprovalRequestedV1 extends ChangeEventPayload {
  @ApiProperty({ type: ChangeApproval, description: 'The approval asked for (also `change.approval`): who may vote, and how many must approve.' })
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeApproval)
  approval!: ChangeApproval;
}

/** The approval policy was met (`change.approval.state` is `approved`); a `scheduled` or `conflict_detected` event follows. */
export class ChangeApprovedV1 extends ChangeEventPayload {}

export class ChangeRejectedV1 extends ChangeEventPayload {
  @ApiProperty({ description: 'Who rejected (`sub`): the approver who vetoed, or the manager who rejected the change for good.', example: 'morgan' })
  @IsString()
  rejectedBy!: string;

  @ApiProperty({ nullable: true, type: String, description: 'The vote’s comment or the manager’s reason.' })
  @IsOptional()
  @IsString()
  comment!: string | null;
}

/** The change moved to `scheduled` (`change.conflictOverride` says whether conflicts were overridden). */
export class ChangeScheduledV1 extends ChangeEventPayload {}

export class ChangeConflictDetectedV1 extends ChangeEventPayload {
  @ApiProperty({ type: [ChangeConflict], description: 'What the window collides with (also `change.conflicts`).' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChangeConflict)
  conflicts!: ChangeConflict[];
}

export class ChangeImplementationStartedV1 extends ChangeEventPayload {}

export class ChangeImplementedV1 extends ChangeEventPayload {
  @ApiProperty({ enum: ChangeOutcome, enumName: 'ChangeOutcome' })
  @IsEnum(ChangeOutcome)
  outcome!: ChangeOutcome;
}

export class ChangeClosedV1 extends ChangeEventPayload {}

export class ChangeCanceledV1 extends ChangeEventPayload {
  @ApiProperty({ example: 'Superseded by CHG0001042.' })
  @IsString()
  reason!: string;
}

/** Events about one release carry it whole, as it is after the change. */
class ReleaseEventPayload {
  @ApiProperty({ type: ReleaseView })
  @IsObject()
  @ValidateNested()
  @Type(() => ReleaseView)
  release!: ReleaseView;
}

export class ReleaseCreatedV1 extends ReleaseEventPayload {}

export class ReleaseStateChangedV1 extends ReleaseEventPayload {
  @ApiProperty({ enum: ReleaseState, enumName: 'ReleaseState' })
  @IsEnum(ReleaseState)
  from!: ReleaseState;

  @ApiProperty({ enum: ReleaseState, enumName: 'ReleaseState' })
  @IsEnum(ReleaseState)
  to!: ReleaseState;

  @ApiPropertyOptional({ description: 'Why, for a cancel.' })
  @IsOptional()
  @IsString()
  reason?: string;
}

const changeEvent = <N extends string, P>(name: N, payload: new () => P, summary: string) =>
  defineEvent({ domain: 'change', name, version: 1, payload, summary });

export const ChangeEvents = {
  requested: changeEvent('requested', ChangeRequestedV1, 'A change was raised.'),
  updated: changeEvent('updated', ChangeUpdatedV1, 'Fields of a change changed; `changes` lists each with its old and new value.'),
  riskAssessed: changeEvent('risk_assessed', ChangeRiskAssessedV1, 'The risk of a change was assessed: on the move to assess, or again after its CIs or window changed.'),
  approvalRequested: changeEvent('approval_requested', ChangeApprovalRequestedV1, 'A change moved to authorize and awaits approval by the policy for its type and risk.'),
  approved: changeEvent('approved', ChangeApprovedV1, 'The approval policy of a change was met.'),
  rejected: changeEvent('rejected', ChangeRejectedV1, 'A change was rejected: by an approver’s veto (back to new) or by a manager (final).'),
  scheduled: changeEvent('scheduled', ChangeScheduledV1, 'A change was scheduled: its window is clear, or a manager overrode the conflicts.'),
  conflictDetected: changeEvent('conflict_detected', ChangeConflictDetectedV1, 'An approved change could not be scheduled: its window conflicts with other changes or windows.'),
  implementationStarted: changeEvent('implementation_started', ChangeImplementationStartedV1, 'Implementation of a change began.'),
  implemented: changeEvent('implemented', ChangeImplementedV1, 'Implementation of a change ended with an outcome; the change is in review.'),
  closed: changeEvent('closed', ChangeClosedV1, 'A reviewed change was closed (final).'),
  canceled: changeEvent('canceled', ChangeCanceledV1, 'A change was canceled (final).'),
  releaseCreated: changeEvent('release_created', ReleaseCreatedV1, 'A release was created.'),
  releaseStateChanged: changeEvent('release_state_changed', ReleaseStateChangedV1, 'A release moved from one state to another.'),
} as const;

/** Who reads these reports: those who work tickets, and auditors. */
const REPORT_READERS: readonly Role[] = [...RoleSets.agents, Role.Auditor];

const changeRpc = <O extends string, Q, S>(operation: O, request: new () => Q, response: new () => S, summary: string, roles: readonly Role[]) =>
  defineRpc({ domain: 'change', operation, request, response, summary, roles });

/**
 * Requesters call none of these. The CAB reads and votes on the changes it approves; a vote is further checked
 * against the approval policy's role by the service.
 */
export const ChangeRpc = {
  create: changeRpc('create', CreateChangeRequest, ChangeView, 'Raise a change.', RoleSets.agents),
  get: changeRpc('get', GetChangeRequest, ChangeView, 'Read one change.', RoleSets.agentsAndCab),
  list: changeRpc('list', ListChangesRequest, ChangePage, 'List changes by filters, sorted, a page at a time.', RoleSets.agentsAndCab),
  update: changeRpc('update', UpdateChangeRequest, ChangeView, 'Change fields of a change.', RoleSets.agents),
  transition: changeRpc(
    'transition',
    TransitionChangeRequest,
    ChangeView,
    'Move a change to another state; the service lets only managers and admins reject or override conflicts.',
    RoleSets.agents,
  ),
  addComment: changeRpc('add_comment', AddChangeCommentRequest, ChangeCommentView, 'Add a comment or work note to a change.', RoleSets.agentsAndCab),
  listComments: changeRpc('list_comments', GetChangeRequest, ChangeCommentList, 'Read the comments and work notes of a change, oldest first.', RoleSets.agentsAndCab),
  history: changeRpc('history', GetChangeRequest, ChangeHistory, 'Read the audit trail of a change.', RoleSets.agentsAndCab),
  vote: changeRpc('approval_vote', ChangeVoteRequest, ChangeView, 'Approve or reject a change awaiting approval (holders of the policy’s role and their delegates).', RoleSets.agentsAndCab),
  delegate: changeRpc('approval_delegate', DelegateApprovalRequest, ChangeView, 'Let another user vote once on the caller’s behalf (holders of the policy’s role).', RoleSets.agentsAndCab),
  conflicts: changeRpc('conflicts', GetChangeRequest, ChangeConflictCheck, 'Run the schedule check of a change now and answer its conflicts (nothing is written).', RoleSets.agents),
  gate: changeRpc('gate', GetChangeRequest, GateAnswer, 'Whether a pipeline may deploy a change now, and if not, why.', RoleSets.agents),
  calendar: changeRpc('calendar', ChangeCalendarQuery, ChangeCalendar, 'The changes and window occurrences of a period.', RoleSets.agents),
  calendarIcs: changeRpc('calendar_ics', ChangeCalendarQuery, ChangeCalendarIcs, 'The change calendar of a period as iCalendar text.', RoleSets.agents),
  createTemplate: changeRpc('template_create', CreateChangeTemplateRequest, ChangeTemplateView, 'Add a standard change template (managers).', RoleSets.managers),
  listTemplates: changeRpc('template_list', ListChangeTemplatesRequest, ChangeTemplateList, 'The standard change templates, by name.', RoleSets.agents),
  getTemplate: changeRpc('template_get', ChangeTemplateIdRequest, ChangeTemplateView, 'Read one standard change template.', RoleSets.agents),
  updateTemplate: changeRpc('template_update', UpdateChangeTemplateRequest, ChangeTemplateView, 'Replace a standard change template (managers).', RoleSets.managers),
  deleteTemplate: changeRpc('template_delete', ChangeTemplateIdRequest, ChangeTemplateView, 'Remove a standard change template (managers).', RoleSets.managers),
  createBlackout: changeRpc('blackout_create', CreateBlackoutWindowRequest, BlackoutWindowView, 'Add a blackout window (managers).', RoleSets.managers),
  listBlackouts: changeRpc('blackout_list', ListBlackoutWindowsRequest, BlackoutWindowList, 'The blackout windows, by start.', RoleSets.agents),
  getBlackout: changeRpc('blackout_get', ChangeWindowIdRequest, BlackoutWindowView, 'Read one blackout window.', RoleSets.agents),
  updateBlackout: changeRpc('blackout_update', UpdateBlackoutWindowRequest, BlackoutWindowView, 'Replace a blackout window (managers).', RoleSets.managers),
  deleteBlackout: changeRpc('blackout_delete', ChangeWindowIdRequest, BlackoutWindowView, 'Remove a blackout window (managers).', RoleSets.managers),
  createMaintenanceWindow: changeRpc('maintenance_window_create', CreateMaintenanceWindowRequest, MaintenanceWindowView, 'Add a maintenance window (managers).', RoleSets.managers),
  listMaintenanceWindows: changeRpc('maintenance_window_list', ListMaintenanceWindowsRequest, MaintenanceWindowList, 'The maintenance windows, by start.', RoleSets.agents),
  getMaintenanceWindow: changeRpc('maintenance_window_get', ChangeWindowIdRequest, MaintenanceWindowView, 'Read one maintenance window.', RoleSets.agents),
  updateMaintenanceWindow: changeRpc('maintenance_window_update', UpdateMaintenanceWindowRequest, MaintenanceWindowView, 'Replace a maintenance window (managers).', RoleSets.managers),
  deleteMaintenanceWindow: changeRpc('maintenance_window_delete', ChangeWindowIdRequest, MaintenanceWindowView, 'Remove a maintenance window (managers).', RoleSets.managers),
  createRelease: changeRpc('release_create', CreateReleaseRequest, ReleaseView, 'Create a release.', RoleSets.agents),
  getRelease: changeRpc('release_get', GetReleaseRequest, ReleaseView, 'Read one release.', RoleSets.agents),
  listReleases: changeRpc('release_list', ListReleasesRequest, ReleasePage, 'List releases by filters, a page at a time.', RoleSets.agents),
  updateRelease: changeRpc('release_update', UpdateReleaseRequest, ReleaseView, 'Change fields of a release.', RoleSets.agents),
  transitionRelease: changeRpc('release_transition', TransitionReleaseRequest, ReleaseView, 'Move a release to another state.', RoleSets.agents),
  releaseGate: changeRpc('release_gate', GetReleaseRequest, ReleaseGateAnswer, 'Whether a pipeline may deploy a release now: only when every change’s gate allows it.', RoleSets.agents),
  successRateReport: changeRpc('report_success_rate', ChangeReportQuery, ChangeSuccessRateReport, 'Changes implemented in a period, by outcome.', REPORT_READERS),
  emergencyRatioReport: changeRpc('report_emergency_ratio', ChangeReportQuery, ChangeEmergencyRatioReport, 'Changes raised in a period, by type, and the share of emergencies.', REPORT_READERS),
  causedIncidentsReport: changeRpc(
    'report_caused_incidents',
    ChangeTopReportQuery,
    ChangeCausedIncidentsReport,
    'Changes implemented in a period that were followed by incidents on the CIs they touched.',
    REPORT_READERS,
  ),
} as const;
