import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { RelationshipRuleView, RelationshipType } from '@itsm/contracts';

/** An allowed (type, source class, target class); `*` stands for any class. Edges no rule allows are refused. */
@Entity({ name: 'relationship_rules' })
@Unique('relationship_rules_key', ['type', 'sourceClass', 'targetClass'])
export class RelationshipRule {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'relationship_rules_pkey' })
  id!: string;

  @Column({ type: 'text' })
  type!: RelationshipType;

  @Column({ name: 'source_class', type: 'text' })
  sourceClass!: string;

  @Column({ name: 'target_class', type: 'text' })
  targetClass!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export function toRelationshipRuleView(rule: RelationshipRule): RelationshipRuleView {
  return { id: rule.id, type: rule.type, sourceClass: rule.sourceClass, targetClass: rule.targetClass, createdAt: rule.createdAt.toISOString() };
}
