import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { CiIdentifiers, CiStatus, CiView } from '@itsm/contracts';
import { CiClass } from '../classes/ci-class.entity';

@Entity({ name: 'cis' })
@Index('cis_class_idx', ['className', 'name'])
@Index('cis_environment_idx', ['environment', 'status'])
@Index('cis_name_idx', { synchronize: false })
@Index('cis_identifiers_idx', { synchronize: false })
@Index('cis_attributes_idx', { synchronize: false })
@Index('cis_k8s_uid_key', { synchronize: false })
@Check('cis_criticality_check', 'criticality BETWEEN 1 AND 4')
@Check('cis_status_check', `status IN ('planned', 'operational', 'maintenance', 'retired')`)
export class Ci {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'cis_pkey' })
  id!: string;

  @Column({ name: 'class_name', type: 'text' })
  className!: string;

  @ManyToOne(() => CiClass, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'class_name', referencedColumnName: 'name', foreignKeyConstraintName: 'cis_class_fkey' })
  ciClass?: CiClass;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  attributes!: Record<string, unknown>;

  @Column({ type: 'text' })
  environment!: string;

  @Column({ type: 'text' })
  status!: CiStatus;

  @Column({ type: 'smallint' })
  criticality!: number;

  @Column({ name: 'owner_group', type: 'text', nullable: true })
  ownerGroup!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  identifiers!: CiIdentifiers;

  /** Field (`name`, `attributes.version`, …) → the source that last set it. */
  @Column({ name: 'attribute_sources', type: 'jsonb', default: () => `'{}'` })
  attributeSources!: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toCiView(ci: Ci): CiView {
  return {
    id: ci.id,
    name: ci.name,
    className: ci.className,
    attributes: ci.attributes,
    environment: ci.environment,
    status: ci.status,
    criticality: ci.criticality,
    ownerGroup: ci.ownerGroup,
    identifiers: ci.identifiers,
    attributeSources: ci.attributeSources,
    createdAt: ci.createdAt.toISOString(),
    updatedAt: ci.updatedAt.toISOString(),
    retiredAt: ci.retiredAt ? ci.retiredAt.toISOString() : null,
    version: ci.version,
  };
}
