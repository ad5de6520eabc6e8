import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { type Role, RoleSets } from '../actor';
import { defineEvent, defineRpc } from '../message';
import { SLA_METRICS, type SlaMetric } from '../sla/sla.dto';
import {
  AddCommentRequest,
  CommentList,
  CommentView,
  CountIncidentsRequest,
  CreatedIncidentView,
  CreateIncidentRequest,
  FieldChange,
  GetIncidentRequest,
  IncidentCounts,
  IncidentHistory,
  IncidentPage,
  IncidentView,
  LinkChildrenRequest,
  ListIncidentsRequest,
  SetMajorRequest,
  TransitionIncidentRequest,
  UpdateIncidentRequest,
} from './incident.dto';
import { IncidentState, Priority } from './incident.enums';
import { CreateRoutingRuleRequest, ListRoutingRulesRequest, RoutingRuleIdRequest, RoutingRuleList, RoutingRuleView, UpdateRoutingRuleRequest } from './routing.dto';

/** Payload of `itsm.events.incident.created.v1`: the incident as it was created. */
export class IncidentCreatedV1 extends IncidentView {}

/** Events about one incident carry it whole, as it is after the change. */
class IncidentEventPayload {
  @ApiProperty({ type: IncidentView })
  @IsObject()
  @ValidateNested()
  @Type(() => IncidentView)
  incident!: IncidentView;
}

export class IncidentUpdatedV1 extends IncidentEventPayload {
  @ApiProperty({ type: [FieldChange] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FieldChange)
  changes!: FieldChange[];
}

export class IncidentAssignedV1 extends IncidentEventPayload {
  @ApiProperty({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  previousGroup!: string | null;

  @ApiProperty({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  previousAssigneeId!: string | null;

  @ApiProperty({ description: 'True when a group or assignee was already set (counted in `reassignmentCount`).' })
  @IsBoolean()
  reassignment!: boolean;
}

export class IncidentStateChangedV1 extends IncidentEventPayload {
  @ApiProperty({ enum: IncidentState, enumName: 'IncidentState' })
  @IsEnum(IncidentState)
  from!: IncidentState;

  @ApiProperty({ enum: IncidentState, enumName: 'IncidentState' })
  @IsEnum(IncidentState)
  to!: IncidentState;

  @ApiPropertyOptional({ description: 'Why, where the move takes a reason (cancel, reopen, cascade from a parent, auto-close).' })
  @IsOptional()
  @IsString()
  reason?: string;
}

export class IncidentPriorityChangedV1 extends IncidentEventPayload {
  @ApiProperty({ enum: Priority, enumName: 'Priority' })
  @IsEnum(Priority)
  from!: Priority;

  @ApiProperty({ enum: Priority, enumName: 'Priority' })
  @IsEnum(Priority)
  to!: Priority;

  @ApiProperty({ description: 'Set by hand rather than from the matrix.' })
  @IsBoolean()
  overridden!: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  reason?: string;
}

export class IncidentCommentAddedV1 {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  incidentId!: string;

  @ApiProperty({ example: 'INC0001001' })
  @IsString()
  number!: string;

  @ApiProperty({ description: 'The caller, for notifications to the requester.' })
  @IsString()
  callerId!: string;

  @ApiProperty({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  assignmentGroup!: string | null;

  @ApiProperty({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  assigneeId!: string | null;

  @ApiProperty({ type: CommentView, description: '`comment.visibility` is `internal` for work notes: never forward those to requesters.' })
  @IsObject()
  @ValidateNested()
  @Type(() => CommentView)
  comment!: CommentView;
}

export class IncidentMajorChangedV1 extends IncidentEventPayload {
  @ApiProperty()
  @IsString()
  reason!: string;
}

export class IncidentReopenedV1 extends IncidentEventPayload {
  @ApiProperty()
  @IsString()
  reason!: string;
}

export class IncidentClosedV1 extends IncidentEventPayload {
  @ApiProperty({ description: 'Closed by the auto-close job after the resolved period, not by a person.' })
  @IsBoolean()
  automatic!: boolean;
}

export class IncidentEscalatedV1 extends IncidentEventPayload {
  @ApiProperty({ enum: ['warning', 'breached'] })
  @IsIn(['warning', 'breached'])
  trigger!: 'warning' | 'breached';

  @ApiProperty({ enum: SLA_METRICS })
  @IsIn(SLA_METRICS)
  metric!: SlaMetric;

  @ApiProperty({ format: 'uuid', description: 'The SLA clock that triggered it.' })
  @IsUUID()
  clockId!: string;

  @ApiPropertyOptional({ description: 'Warning threshold in percent.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  thresholdPercent?: number;

  @ApiProperty({ description: 'Index of the escalation rule applied (0-based, in configuration order).' })
  @IsInt()
  @Min(0)
  rule!: number;

  @ApiProperty({ description: 'Notify the managers of the assignment group (for the notification service).' })
  @IsBoolean()
  notifyManager!: boolean;

  @ApiProperty({ type: [FieldChange], description: 'What the escalation changed (priority, assignment group).' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FieldChange)
  changes!: FieldChange[];
}

const incidentEvent = <N extends string, P>(name: N, payload: new () => P, summary: string) =>
  defineEvent({ domain: 'incident', name, version: 1, payload, summary });

export const IncidentEvents = {
  created: incidentEvent('created', IncidentCreatedV1, 'An incident was opened; its `channel` records how it was reported.'),
  updated: incidentEvent('updated', IncidentUpdatedV1, 'Fields of an incident changed; `changes` lists each with its old and new value.'),
  assigned: incidentEvent('assigned', IncidentAssignedV1, 'The assignment group or assignee of an incident changed (routing, an agent, or escalation).'),
  stateChanged: incidentEvent('state_changed', IncidentStateChangedV1, 'An incident moved from one state to another.'),
  priorityChanged: incidentEvent('priority_changed', IncidentPriorityChangedV1, 'The priority of an incident changed (matrix, manual override or escalation).'),
  commentAdded: incidentEvent('comment_added', IncidentCommentAddedV1, 'A comment (public) or work note (internal) was added to an incident.'),
  majorDeclared: incidentEvent('major_declared', IncidentMajorChangedV1, 'A manager declared a major incident.'),
  majorUndeclared: incidentEvent('major_undeclared', IncidentMajorChangedV1, 'A manager withdrew the major-incident declaration.'),
  reopened: incidentEvent('reopened', IncidentReopenedV1, 'A resolved incident was reopened within the reopen window.'),
  closed: incidentEvent('closed', IncidentClosedV1, 'An incident was closed (final), by a person or by auto-close.'),
  escalated: incidentEvent('escalated', IncidentEscalatedV1, 'An SLA warning or breach escalated an incident by the configured rules.'),
} as const;

const incidentRpc = <O extends string, Q, S>(operation: O, request: new () => Q, response: new () => S, summary: string, roles: readonly Role[]) =>
  defineRpc({ domain: 'incident', operation, request, response, summary, roles });

export const IncidentRpc = {
  create: incidentRpc('create', CreateIncidentRequest, CreatedIncidentView, 'Open an incident; routing rules assign it, possible duplicates are returned.', RoleSets.requestersAndAgents),
  get: incidentRpc('get', GetIncidentRequest, IncidentView, 'Read one incident; requesters only see what they opened.', RoleSets.everyone),
  list: incidentRpc('list', ListIncidentsRequest, IncidentPage, 'List incidents by filters, sorted, a page at a time.', RoleSets.everyone),
  counts: incidentRpc('counts', CountIncidentsRequest, IncidentCounts, 'Count incidents per state for a queue view.', RoleSets.everyone),
  update: incidentRpc('update', UpdateIncidentRequest, IncidentView, 'Change fields of an incident (agents).', RoleSets.agents),
  transition: incidentRpc('transition', TransitionIncidentRequest, IncidentView, 'Move an incident to another state.', RoleSets.everyone),
  addComment: incidentRpc('add_comment', AddCommentRequest, CommentView, 'Add a comment or work note.', RoleSets.everyone),
  comments: incidentRpc('comments', GetIncidentRequest, CommentList, 'Read the comments (and, for agents, the work notes) of an incident.', RoleSets.everyone),
  history: incidentRpc('history', GetIncidentRequest, IncidentHistory, 'Read the audit trail of an incident.', RoleSets.everyone),
  setMajor: incidentRpc('set_major', SetMajorRequest, IncidentView, 'Declare or withdraw a major incident (managers).', RoleSets.managers),
  linkChildren: incidentRpc('link_children', LinkChildrenRequest, IncidentView, 'Make incidents children of this one.', RoleSets.agents),
  createRoutingRule: incidentRpc('routing_rule_create', CreateRoutingRuleRequest, RoutingRuleView, 'Add a routing rule (managers).', RoleSets.managers),
  updateRoutingRule: incidentRpc('routing_rule_update', UpdateRoutingRuleRequest, RoutingRuleView, 'Replace a routing rule (managers).', RoleSets.managers),
  deleteRoutingRule: incidentRpc('routing_rule_delete', RoutingRuleIdRequest, RoutingRuleView, 'Remove a routing rule (managers).', RoleSets.managers),
  getRoutingRule: incidentRpc('routing_rule_get', RoutingRuleIdRequest, RoutingRuleView, 'Read one routing rule.', RoleSets.agents),
  listRoutingRules: incidentRpc('routing_rule_list', ListRoutingRulesRequest, RoutingRuleList, 'Routing rules in the order they are tried.', RoleSets.agents),
} as const;
