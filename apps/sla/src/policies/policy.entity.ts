import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { PolicyView, SlaKind } from '@itsm/contracts';
import type { PolicyConditions, TargetSpec } from '../domain/policy';

/** An SLA or OLA policy: which tickets it applies to and its targets (durations in seconds). */
@Entity({ name: 'policies' })
@Unique('policies_name_key', ['name'])
export class Policy {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'policies_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text' })
  kind!: SlaKind;

  /** Matching order (`order` in the API; a reserved word in SQL). */
  @Column({ name: 'rank', type: 'int' })
  order!: number;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'jsonb' })
  conditions!: PolicyConditions;

  @Column({ type: 'jsonb' })
  targets!: TargetSpec[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toPolicyView(policy: Policy): PolicyView {
  return {
    id: policy.id,
    name: policy.name,
    description: policy.description,
    kind: policy.kind,
    order: policy.order,
    enabled: policy.enabled,
    conditions: policy.conditions,
    targets: policy.targets.map((target) => ({
      metric: target.metric,
      durationSeconds: target.durationSeconds,
      durationByPriority: target.durationByPriority,
      calendarId: target.calendarId,
      pauseStates: target.pauseStates,
      pauseHoldReasons: target.pauseHoldReasons as PolicyView['targets'][number]['pauseHoldReasons'],
      warnAt: target.warnAt,
    })),
    createdAt: policy.createdAt.toISOString(),
    updatedAt: policy.updatedAt.toISOString(),
    version: policy.version,
  };
}
