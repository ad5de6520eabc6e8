import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { DetectionRuleView, DetectionScope } from '@itsm/contracts';

/** When recurring incidents make a problem candidate: N incidents of one CI (or service) and category within a window. */
@Entity({ name: 'detection_rules' })
@Unique('detection_rules_name_key', ['name'])
@Check('detection_rules_scope_check', `scope IN ('ci', 'service')`)
@Check('detection_rules_threshold_check', 'threshold BETWEEN 2 AND 1000')
@Check('detection_rules_window_check', 'window_hours BETWEEN 1 AND 720')
export class DetectionRule {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'detection_rules_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  scope!: DetectionScope;

  /** Only incidents of this business service (null: any). */
  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId!: string | null;

  /** Only incidents of this category (null: any; incidents without a category never count). */
  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ type: 'int' })
  threshold!: number;

  @Column({ name: 'window_hours', type: 'int' })
  windowHours!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toDetectionRuleView(rule: DetectionRule): DetectionRuleView {
  return {
    id: rule.id,
    name: rule.name,
    scope: rule.scope,
    serviceId: rule.serviceId,
    category: rule.category,
    threshold: rule.threshold,
    windowHours: rule.windowHours,
    enabled: rule.enabled,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
    version: rule.version,
  };
}
