import { Column, Entity, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ContactView } from '@itsm/contracts';
import { nameUuid } from '@itsm/persistence';

/** A person notifications can reach by email: how `caller`, `assignee` and group recipients become addresses. */
@Entity({ name: 'contacts' })
@Unique('contacts_id_key', ['id'])
export class Contact {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'contacts_pkey' })
  sub!: string;

  /** {@link contactId} of `sub`: the contact's key in the audit log. */
  @Column({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  /** Assignment groups the person belongs to. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  groups!: string[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

/** The audit log keys rows by UUID and a contact by its `sub`: a name-based UUID gives each contact one stable key. */
export function contactId(sub: string): string {
  return nameUuid(`itsm:notification:contact:${sub}`);
}

export function toContactView(contact: Contact): ContactView {
  return { sub: contact.sub, email: contact.email, name: contact.name, groups: contact.groups, updatedAt: contact.updatedAt.toISOString() };
}
