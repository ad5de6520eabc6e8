import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import { Channel, type HoldReason, type Impact, IncidentState, type IncidentView, Priority, type ResolutionCode, type SuggestedArticle, type Urgency } from '@itsm/contracts';

const timestamp = { type: 'timestamptz', nullable: true } as const;

@Entity({ name: 'incidents' })
@Unique('incidents_number_key', ['number'])
@Index('incidents_caller_idx', ['callerId', 'createdAt'])
@Index('incidents_state_idx', ['state', 'createdAt'])
@Index('incidents_group_idx', ['assignmentGroup', 'state'])
@Index('incidents_assignee_idx', ['assigneeId', 'state'])
@Index('incidents_parent_idx', ['parentId'])
@Index('incidents_service_idx', ['serviceId'])
@Index('incidents_updated_idx', ['updatedAt'])
// Every list is newest first (created_at DESC, id DESC): read backwards, this index answers unfiltered and broadly
// filtered lists without sorting the table.
@Index('incidents_created_idx', ['createdAt', 'id'])
@Index('incidents_ci_ids_idx', { synchronize: false })
@Index('incidents_search_idx', { synchronize: false })
@Index('incidents_resolved_idx', ['resolvedAt'], { where: `state = 'resolved'` })
@Check('incidents_priority_check', `priority IN ('P1', 'P2', 'P3', 'P4', 'P5')`)
@Check('incidents_impact_check', 'impact BETWEEN 1 AND 3')
@Check('incidents_urgency_check', 'urgency BETWEEN 1 AND 3')
@Check('incidents_state_check', `state IN ('new', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled', 'merged')`)
export class Incident {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'incidents_pkey' })
  id!: string;

  /** `INC0001001`, from the `incident_number_seq` sequence. */
  @Column({ type: 'text' })
  number!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ type: 'text', nullable: true })
  subcategory!: string | null;

  @Column({ type: 'smallint' })
  impact!: Impact;

  @Column({ type: 'smallint' })
  urgency!: Urgency;

  @Column({ type: 'text' })
  priority!: Priority;

  @Column({ name: 'priority_overridden', type: 'boolean', default: false })
  priorityOverridden!: boolean;

  @Column({ type: 'text' })
  state!: IncidentState;

  @Column({ name: 'hold_reason', type: 'text', nullable: true })
  holdReason!: HoldReason | null;

  @Column({ name: 'resolution_code', type: 'text', nullable: true })
  resolutionCode!: ResolutionCode | null;

  @Column({ name: 'resolution_notes', type: 'text', nullable: true })
  resolutionNotes!: string | null;

  @Column({ name: 'caller_id', type: 'text' })
  callerId!: string;

  @Column({ name: 'caller_name', type: 'text', nullable: true })
  callerName!: string | null;

  /** As at opening and never changed after, so an SLA chosen by caller group does not shift under a running clock. */
  @Column({ name: 'caller_groups', type: 'text', array: true, default: () => `'{}'` })
  callerGroups!: string[];

  @Column({ name: 'opened_by_id', type: 'text' })
  openedById!: string;

  @Column({ type: 'text', default: Channel.Api })
  channel!: Channel;

  @Column({ name: 'assignment_group', type: 'text', nullable: true })
  assignmentGroup!: string | null;

  @Column({ name: 'assignee_id', type: 'text', nullable: true })
  assigneeId!: string | null;

  @Column({ name: 'reassignment_count', type: 'int', default: 0 })
  reassignmentCount!: number;

  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId!: string | null;

  @Column({ name: 'ci_ids', type: 'uuid', array: true, default: () => `'{}'` })
  ciIds!: string[];

  @Column({ type: 'boolean', default: false })
  major!: boolean;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ name: 'problem_id', type: 'uuid', nullable: true })
  problemId!: string | null;

  @Column({ name: 'change_ids', type: 'uuid', array: true, default: () => `'{}'` })
  changeIds!: string[];

  /** The knowledge service's latest suggestions; written only by the suggestions consumer, outside the record's version. */
  @Column({ name: 'suggested_articles', type: 'jsonb', default: () => `'[]'` })
  suggestedArticles!: SuggestedArticle[];

  /** The incident version the stored suggestions were computed for; null until the first arrive. */
  @Column({ name: 'suggestions_version', type: 'int', nullable: true })
  suggestionsVersion!: number | null;

  @Column({ name: 'merged_into_id', type: 'uuid', nullable: true })
  mergedIntoId!: string | null;

  @Column({ name: 'reopen_count', type: 'int', default: 0 })
  reopenCount!: number;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'responded_at', ...timestamp })
  respondedAt!: Date | null;

  @Column({ name: 'resolved_at', ...timestamp })
  resolvedAt!: Date | null;

  @Column({ name: 'closed_at', ...timestamp })
  closedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toIncidentView(incident: Incident): IncidentView {
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    description: incident.description,
    category: incident.category,
    subcategory: incident.subcategory,
    impact: incident.impact,
    urgency: incident.urgency,
    priority: incident.priority,
    priorityOverridden: incident.priorityOverridden,
    state: incident.state,
    holdReason: incident.holdReason,
    resolutionCode: incident.resolutionCode,
    resolutionNotes: incident.resolutionNotes,
    callerId: incident.callerId,
    callerName: incident.callerName,
    callerGroups: incident.callerGroups,
    openedById: incident.openedById,
    channel: incident.channel,
    assignmentGroup: incident.assignmentGroup,
    assigneeId: incident.assigneeId,
    reassignmentCount: incident.reassignmentCount,
    serviceId: incident.serviceId,
    ciIds: incident.ciIds,
    major: incident.major,
    parentId: incident.parentId,
    problemId: incident.problemId,
    changeIds: incident.changeIds,
    suggestedArticles: incident.suggestedArticles ?? [],
    mergedIntoId: incident.mergedIntoId,
    reopenCount: incident.reopenCount,
    openedAt: incident.openedAt.toISOString(),
    respondedAt: iso(incident.respondedAt),
    resolvedAt: iso(incident.resolvedAt),
    closedAt: iso(incident.closedAt),
    createdAt: incident.createdAt.toISOString(),
    updatedAt: incident.updatedAt.toISOString(),
    version: incident.version,
  };
}
