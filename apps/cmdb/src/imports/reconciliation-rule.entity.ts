import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ReconciliationRuleView } from '@itsm/contracts';

/**
 * Source precedence: for the CIs of a class (or all classes) and some fields (or all), the sources in order of
 * authority. A source may overwrite a value set by a source of equal or lower rank; `manual` ranks as listed,
 * and a source that is not listed ranks below all listed ones.
 */
@Entity({ name: 'reconciliation_rules' })
@Index('reconciliation_rules_position_idx', ['position'])
export class ReconciliationRule {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'reconciliation_rules_pkey' })
  id!: string;

  /** Rules are tried by ascending position; the first that covers the class and field decides. */
  @Column({ type: 'int' })
  position!: number;

  /** Null for every class. */
  @Column({ name: 'class_name', type: 'text', nullable: true })
  className!: string | null;

  /** Fields such as `name`, `environment`, `attributes.version`; null for every field. */
  @Column({ type: 'text', array: true, nullable: true })
  fields!: string[] | null;

  /** Highest authority first. */
  @Column({ type: 'text', array: true })
  sources!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toReconciliationRuleView(rule: ReconciliationRule): ReconciliationRuleView {
  return {
    id: rule.id,
    position: rule.position,
    className: rule.className,
    fields: rule.fields,
    sources: rule.sources,
    version: rule.version,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}
