import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ChangeTemplateView } from '@itsm/contracts';

/** A standard change model: pre-approved plans, the CI classes it may touch and how long it may take. */
@Entity({ name: 'change_templates' })
@Unique('change_templates_name_key', ['name'])
@Check('change_templates_duration_check', 'max_duration_minutes > 0')
export class ChangeTemplate {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'change_templates_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'implementation_plan', type: 'text' })
  implementationPlan!: string;

  @Column({ name: 'backout_plan', type: 'text' })
  backoutPlan!: string;

  @Column({ name: 'test_plan', type: 'text', default: '' })
  testPlan!: string;

  @Column({ name: 'allowed_ci_classes', type: 'text', array: true, default: () => `'{}'` })
  allowedCiClasses!: string[];

  @Column({ name: 'max_duration_minutes', type: 'int' })
  maxDurationMinutes!: number;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toChangeTemplateView(template: ChangeTemplate): ChangeTemplateView {
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    implementationPlan: template.implementationPlan,
    backoutPlan: template.backoutPlan,
    testPlan: template.testPlan,
    allowedCiClasses: template.allowedCiClasses,
    maxDurationMinutes: template.maxDurationMinutes,
    enabled: template.enabled,
    createdAt: template.createdAt.toISOString(),
    updatedAt: template.updatedAt.toISOString(),
    version: template.version,
  };
}
