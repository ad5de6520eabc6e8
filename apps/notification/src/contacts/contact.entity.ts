import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A person notifications can reach by email: how `caller`, `assignee` and group recipients become addresses. */
@Entity({ name: 'contacts' })
export class Contact {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'contacts_pkey' })
  sub!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  /** Assignment groups the person belongs to. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  groups!: string[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
