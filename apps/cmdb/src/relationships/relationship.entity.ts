import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { RelationshipType, RelationshipView } from '@itsm/contracts';
import { Ci } from '../cis/ci.entity';

/** A directional edge: the source relies on the target. One edge per (type, source, target). */
@Entity({ name: 'ci_relationships' })
@Unique('ci_relationships_edge_key', ['type', 'sourceId', 'targetId'])
@Index('ci_relationships_source_idx', ['sourceId', 'targetId'])
@Index('ci_relationships_target_idx', ['targetId', 'sourceId'])
@Check('ci_relationships_no_self_check', 'source_id <> target_id')
export class CiRelationship {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'ci_relationships_pkey' })
  id!: string;

  @Column({ type: 'text' })
  type!: RelationshipType;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId!: string;

  @ManyToOne(() => Ci, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'ci_relationships_source_fkey' })
  source?: Ci;

  @Column({ name: 'target_id', type: 'uuid' })
  targetId!: string;

  @ManyToOne(() => Ci, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'target_id', foreignKeyConstraintName: 'ci_relationships_target_fkey' })
  target?: Ci;

  @Column({ name: 'data_source', type: 'text' })
  dataSource!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export function toRelationshipView(edge: CiRelationship): RelationshipView {
  return { id: edge.id, type: edge.type, sourceId: edge.sourceId, targetId: edge.targetId, dataSource: edge.dataSource, createdAt: edge.createdAt.toISOString() };
}
