import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { DetectionScope, Impact, KnownErrorState, Priority, ProblemResolutionCode, ProblemState, ProblemView, Urgency } from '@itsm/contracts';

const timestamp = { type: 'timestamptz', nullable: true } as const;

/** A problem: the unknown cause of one or more incidents, worked until it is fixed for good. */
@Entity({ name: 'problems' })
@Unique('problems_number_key', ['number'])
@Index('problems_state_idx', ['state', 'createdAt'])
@Index('problems_group_idx', ['assignmentGroup', 'state'])
@Index('problems_assignee_idx', ['assigneeId', 'state'])
@Index('problems_service_idx', ['serviceId'])
@Index('problems_updated_idx', ['updatedAt'])
@Index('problems_ci_ids_idx', { synchronize: false })
@Index('problems_search_idx', { synchronize: false })
@Index('problems_open_detection_key', { synchronize: false })
@Check('problems_priority_check', `priority IN ('P1', 'P2', 'P3', 'P4', 'P5')`)
@Check('problems_impact_check', 'impact BETWEEN 1 AND 3')
@Check('problems_urgency_check', 'urgency BETWEEN 1 AND 3')
@Check('problems_state_check', `state IN ('new', 'assess', 'root_cause_analysis', 'fix_in_progress', 'resolved', 'closed', 'canceled')`)
export class Problem {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'problems_pkey' })
  id!: string;

  /** `PRB0001001`, from the `problem_number_seq` sequence. */
  @Column({ type: 'text' })
  number!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text' })
  category!: string;

  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId!: string | null;

  @Column({ name: 'ci_ids', type: 'uuid', array: true, default: () => `'{}'` })
  ciIds!: string[];

  @Column({ type: 'smallint' })
  impact!: Impact;

  @Column({ type: 'smallint' })
  urgency!: Urgency;

  @Column({ type: 'text' })
  priority!: Priority;

  @Column({ name: 'assignment_group', type: 'text', nullable: true })
  assignmentGroup!: string | null;

  @Column({ name: 'assignee_id', type: 'text', nullable: true })
  assigneeId!: string | null;

  /** The linked incidents, in the order they were linked (kept with the rows of `problem_incidents`). */
  @Column({ name: 'incident_ids', type: 'uuid', array: true, default: () => `'{}'` })
  incidentIds!: string[];

  @Column({ name: 'change_ids', type: 'uuid', array: true, default: () => `'{}'` })
  changeIds!: string[];

  @Column({ name: 'root_cause', type: 'text', nullable: true })
  rootCause!: string | null;

  @Column({ name: 'cause_category', type: 'text', nullable: true })
  causeCategory!: string | null;

  @Column({ type: 'text', nullable: true })
  workaround!: string | null;

  @Column({ type: 'text' })
  state!: ProblemState;

  @Column({ name: 'resolution_code', type: 'text', nullable: true })
  resolutionCode!: ProblemResolutionCode | null;

  @Column({ type: 'text', nullable: true })
  resolution!: string | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;

  @Column({ type: 'boolean', default: false })
  detected!: boolean;

  /** The pattern a detection rule saw, for a problem the service opened itself: one open problem per key. */
  @Column({ name: 'detection_key', type: 'text', nullable: true })
  detectionKey!: string | null;

  @Column({ name: 'detection_rule_id', type: 'uuid', nullable: true })
  detectionRuleId!: string | null;

  @Column({ name: 'detection_rule_name', type: 'text', nullable: true })
  detectionRuleName!: string | null;

  @Column({ name: 'detection_scope', type: 'text', nullable: true })
  detectionScope!: DetectionScope | null;

  @Column({ name: 'detection_ci_id', type: 'uuid', nullable: true })
  detectionCiId!: string | null;

  @Column({ name: 'detection_service_id', type: 'uuid', nullable: true })
  detectionServiceId!: string | null;

  @Column({ name: 'detection_category', type: 'text', nullable: true })
  detectionCategory!: string | null;

  /** The problem's known error, as the problem shows it (the row of `known_errors` is the record). */
  @Column({ name: 'known_error_id', type: 'uuid', nullable: true })
  knownErrorId!: string | null;

  @Column({ name: 'known_error_number', type: 'text', nullable: true })
  knownErrorNumber!: string | null;

  @Column({ name: 'known_error_state', type: 'text', nullable: true })
  knownErrorState!: KnownErrorState | null;

  @Column({ name: 'opened_by_id', type: 'text' })
  openedById!: string;

  @Column({ name: 'root_cause_identified_at', ...timestamp })
  rootCauseIdentifiedAt!: Date | null;

  @Column({ name: 'resolved_at', ...timestamp })
  resolvedAt!: Date | null;

  @Column({ name: 'closed_at', ...timestamp })
  closedAt!: Date | null;

  @Column({ name: 'canceled_at', ...timestamp })
  canceledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toProblemView(problem: Problem): ProblemView {
  return {
    id: problem.id,
    number: problem.number,
    title: problem.title,
    description: problem.description,
    category: problem.category,
    serviceId: problem.serviceId,
    ciIds: problem.ciIds,
    impact: problem.impact,
    urgency: problem.urgency,
    priority: problem.priority,
    assignmentGroup: problem.assignmentGroup,
    assigneeId: problem.assigneeId,
    incidentIds: problem.incidentIds,
    changeIds: problem.changeIds,
    rootCause: problem.rootCause,
    causeCategory: problem.causeCategory,
    workaround: problem.workaround,
    state: problem.state,
    resolutionCode: problem.resolutionCode,
    resolution: problem.resolution,
    detected: problem.detected,
    detection:
      problem.detectionRuleId && problem.detectionScope && problem.detectionCategory !== null
        ? {
            ruleId: problem.detectionRuleId,
            ruleName: problem.detectionRuleName ?? '',
            scope: problem.detectionScope,
            ciId: problem.detectionCiId,
            serviceId: problem.detectionServiceId,
            category: problem.detectionCategory,
          }
        : null,
    knownError: problem.knownErrorId && problem.knownErrorNumber && problem.knownErrorState ? { id: problem.knownErrorId, number: problem.knownErrorNumber, state: problem.knownErrorState } : null,
    rootCauseIdentifiedAt: iso(problem.rootCauseIdentifiedAt),
    resolvedAt: iso(problem.resolvedAt),
    closedAt: iso(problem.closedAt),
    canceledAt: iso(problem.canceledAt),
    cancelReason: problem.cancelReason,
    openedBy: problem.openedById,
    createdAt: problem.createdAt.toISOString(),
    updatedAt: problem.updatedAt.toISOString(),
    version: problem.version,
  };
}
