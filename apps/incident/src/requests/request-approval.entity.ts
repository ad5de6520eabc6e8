import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { ApprovalDecision, type RequestApprovalView } from '@itsm/contracts';
import { ServiceRequest } from './service-request.entity';

/** One approval step of a request: a named approver (manager, n of m) or a group, and its decision. */
@Entity({ name: 'request_approvals' })
@Index('request_approvals_request_idx', ['requestId', 'position'])
@Index('request_approvals_approver_idx', ['approverId'])
@Check('request_approvals_decision_check', "decision IN ('pending', 'approved', 'rejected', 'no_longer_required')")
@Check('request_approvals_who_check', '(approver_id IS NULL) <> (approver_group IS NULL)')
export class RequestApproval {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'request_approvals_pkey' })
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @ManyToOne(() => ServiceRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'request_approvals_request_id_fkey' })
  request?: ServiceRequest;

  /** Order of the steps as the item lists its approvers. */
  @Column({ type: 'smallint' })
  position!: number;

  @Column({ name: 'approver_id', type: 'text', nullable: true })
  approverId!: string | null;

  @Column({ name: 'approver_group', type: 'text', nullable: true })
  group!: string | null;

  @Column({ type: 'text' })
  decision!: ApprovalDecision;

  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toApprovalView(step: RequestApproval): RequestApprovalView {
  return {
    id: step.id,
    approverId: step.approverId,
    group: step.group,
    decision: step.decision,
    decidedBy: step.decidedBy,
    decidedAt: step.decidedAt ? step.decidedAt.toISOString() : null,
    comment: step.comment,
  };
}
