import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { CiClassView, CiIdentifierKey } from '@itsm/contracts';

/** A CI class: the JSON Schema of its attributes and how its CIs are identified. */
@Entity({ name: 'ci_classes' })
export class CiClass {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'ci_classes_pkey' })
  name!: string;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** JSON Schema (2020-12) of `attributes`. */
  @Column({ name: 'attribute_schema', type: 'jsonb' })
  attributeSchema!: Record<string, unknown>;

  /** Ordered identifier sets: a CI matches on the first set whose identifiers it all has, e.g. [["serial"], ["hostname", "fqdn"]]. */
  @Column({ name: 'identification_rules', type: 'jsonb' })
  identificationRules!: CiIdentifierKey[][];

  @Column({ name: 'built_in', type: 'boolean', default: false })
  builtIn!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toCiClassView(ciClass: CiClass): CiClassView {
  return {
    name: ciClass.name,
    label: ciClass.label,
    description: ciClass.description,
    attributeSchema: ciClass.attributeSchema,
    identificationRules: ciClass.identificationRules,
    builtIn: ciClass.builtIn,
    createdAt: ciClass.createdAt.toISOString(),
    updatedAt: ciClass.updatedAt.toISOString(),
    version: ciClass.version,
  };
}
