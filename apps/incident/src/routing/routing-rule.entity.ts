import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { RoutingConditions, RoutingRuleView } from '@itsm/contracts';

/** Ordered conditions → assignment group, applied when an incident is opened without a group. */
@Entity({ name: 'routing_rules' })
@Index('routing_rules_position_idx', ['position'])
export class RoutingRule {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'routing_rules_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'int' })
  position!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'jsonb' })
  conditions!: RoutingConditions;

  @Column({ name: 'assignment_group', type: 'text' })
  assignmentGroup!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toRoutingRuleView(rule: RoutingRule): RoutingRuleView {
  return {
    id: rule.id,
    name: rule.name,
    position: rule.position,
    enabled: rule.enabled,
    conditions: rule.conditions,
    assignmentGroup: rule.assignmentGroup,
    version: rule.version,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}
