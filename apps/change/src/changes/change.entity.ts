import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ChangeApproval, ChangeConflict, ChangeOutcome, ChangeRisk, ChangeState, ChangeType, ChangeView, ConflictOverride, RiskLevel } from '@itsm/contracts';

const timestamp = { type: 'timestamptz', nullable: true } as const;

/**
 * A change request. Its risk, approval and last conflict check are kept with it as JSON (they are read and written
 * with the change, never on their own); the CIs it touches and their impact set are arrays for the conflict search.
 */
@Entity({ name: 'changes' })
@Unique('changes_number_key', ['number'])
@Index('changes_state_idx', ['state', 'createdAt'])
@Index('changes_window_idx', ['plannedStart', 'plannedEnd'])
@Index('changes_group_idx', ['assignmentGroup', 'state'])
@Index('changes_implementer_idx', ['implementerId', 'state'])
@Index('changes_updated_idx', ['updatedAt'])
@Index('changes_ci_ids_idx', { synchronize: false })
@Index('changes_impact_ci_ids_idx', { synchronize: false })
@Index('changes_search_idx', { synchronize: false })
@Check('changes_type_check', `type IN ('standard', 'normal', 'emergency')`)
@Check('changes_state_check', `state IN ('new', 'assess', 'authorize', 'scheduled', 'implement', 'review', 'closed', 'canceled', 'rejected')`)
@Check('changes_window_check', 'planned_end > planned_start')
export class Change {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'changes_pkey' })
  id!: string;

  /** `CHG0001001`, from the `change_number_seq` sequence. */
  @Column({ type: 'text' })
  number!: string;

  @Column({ type: 'text' })
  type!: ChangeType;

  @Column({ name: 'template_id', type: 'uuid', nullable: true })
  templateId!: string | null;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text', default: '' })
  justification!: string;

  @Column({ name: 'implementation_plan', type: 'text', default: '' })
  implementationPlan!: string;

  @Column({ name: 'backout_plan', type: 'text', default: '' })
  backoutPlan!: string;

  @Column({ name: 'test_plan', type: 'text', default: '' })
  testPlan!: string;

  @Column({ name: 'ci_ids', type: 'uuid', array: true, default: () => `'{}'` })
  ciIds!: string[];

  /** The CIs within the configured number of hops of `ciIds` (upstream and downstream), as the CMDB answered at the last assessment. */
  @Column({ name: 'impact_ci_ids', type: 'uuid', array: true, default: () => `'{}'` })
  impactCiIds!: string[];

  @Column({ name: 'planned_start', type: 'timestamptz' })
  plannedStart!: Date;

  @Column({ name: 'planned_end', type: 'timestamptz' })
  plannedEnd!: Date;

  @Column({ name: 'assignment_group', type: 'text', nullable: true })
  assignmentGroup!: string | null;

  @Column({ name: 'implementer_id', type: 'text', nullable: true })
  implementerId!: string | null;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @Column({ name: 'incident_ids', type: 'uuid', array: true, default: () => `'{}'` })
  incidentIds!: string[];

  @Column({ name: 'problem_ids', type: 'uuid', array: true, default: () => `'{}'` })
  problemIds!: string[];

  @Column({ type: 'text' })
  state!: ChangeState;

  @Column({ name: 'risk_level', type: 'text', nullable: true })
  riskLevel!: RiskLevel | null;

  /** The last risk assessment (ChangeRisk), or null before assess. */
  @Column({ type: 'jsonb', nullable: true })
  risk!: object | null;

  /** The approval (ChangeApproval): policy, votes, delegations; null until approval is requested. */
  @Column({ type: 'jsonb', nullable: true })
  approval!: object | null;

  /** The conflicts found by the last schedule check (ChangeConflict[]). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  conflicts!: object[];

  /** A manager's decision to schedule despite conflicts: { reason, by, at }. */
  @Column({ name: 'conflict_override', type: 'jsonb', nullable: true })
  conflictOverride!: object | null;

  @Column({ type: 'text', nullable: true })
  outcome!: ChangeOutcome | null;

  @Column({ name: 'backout_performed', type: 'boolean', nullable: true })
  backoutPerformed!: boolean | null;

  @Column({ name: 'review_notes', type: 'text', nullable: true })
  reviewNotes!: string | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;

  @Column({ name: 'implementation_started_at', ...timestamp })
  implementationStartedAt!: Date | null;

  @Column({ name: 'implemented_at', ...timestamp })
  implementedAt!: Date | null;

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

/** The change as the API and the events show it (the JSON columns hold the contracts' shapes). */
export function toChangeView(change: Change): ChangeView {
  return {
    id: change.id,
    number: change.number,
    type: change.type,
    templateId: change.templateId,
    title: change.title,
    description: change.description,
    justification: change.justification,
    implementationPlan: change.implementationPlan,
    backoutPlan: change.backoutPlan,
    testPlan: change.testPlan,
    ciIds: change.ciIds,
    plannedStart: change.plannedStart.toISOString(),
    plannedEnd: change.plannedEnd.toISOString(),
    assignmentGroup: change.assignmentGroup,
    implementerId: change.implementerId,
    requestedBy: change.requestedBy,
    incidentIds: change.incidentIds,
    problemIds: change.problemIds,
    state: change.state,
    risk: change.risk as ChangeRisk | null,
    approval: change.approval as ChangeApproval | null,
    conflicts: change.conflicts as ChangeConflict[],
    conflictOverride: change.conflictOverride as ConflictOverride | null,
    outcome: change.outcome,
    backoutPerformed: change.backoutPerformed,
    reviewNotes: change.reviewNotes,
    cancelReason: change.cancelReason,
    implementationStartedAt: iso(change.implementationStartedAt),
    implementedAt: iso(change.implementedAt),
    closedAt: iso(change.closedAt),
    createdAt: change.createdAt.toISOString(),
    updatedAt: change.updatedAt.toISOString(),
    version: change.version,
  };
}
