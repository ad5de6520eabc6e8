import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { FulfillmentTaskState, type FulfillmentTaskView } from '@itsm/contracts';
import { ServiceRequest } from './service-request.entity';

/** Work a group does to deliver a request; the request is fulfilled only when none is open. */
@Entity({ name: 'request_tasks' })
@Index('request_tasks_request_idx', ['requestId', 'createdAt'])
@Index('request_tasks_group_idx', ['assignmentGroup', 'state'])
@Check('request_tasks_state_check', "state IN ('open', 'completed')")
export class FulfillmentTask {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'request_tasks_pkey' })
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @ManyToOne(() => ServiceRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'request_tasks_request_id_fkey' })
  request?: ServiceRequest;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'assignment_group', type: 'text' })
  assignmentGroup!: string;

  @Column({ type: 'text' })
  state!: FulfillmentTaskState;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'completed_by', type: 'text', nullable: true })
  completedBy!: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toTaskView(task: FulfillmentTask): FulfillmentTaskView {
  return {
    id: task.id,
    title: task.title,
    assignmentGroup: task.assignmentGroup,
    state: task.state,
    createdBy: task.createdBy,
    createdAt: task.createdAt.toISOString(),
    completedBy: task.completedBy,
    completedAt: task.completedAt ? task.completedAt.toISOString() : null,
  };
}
