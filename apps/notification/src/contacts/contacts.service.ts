import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type ContactView, DomainError, ErrorCode, type PutContactRequest } from '@itsm/contracts';
import { AuditEntry, nameUuid } from '@itsm/persistence';
import { WorkContexts } from '@itsm/observability';
import { requireAdmin, requireContactReader } from '../notification-access';
import { Contact } from './contact.entity';

export function toContactView(contact: Contact): ContactView {
  return { sub: contact.sub, email: contact.email, name: contact.name, groups: contact.groups, updatedAt: contact.updatedAt.toISOString() };
}

/** The audit log keys rows by UUID and a contact by its `sub`: a name-based UUID gives each contact one stable audit key. */
export function contactAuditId(sub: string): string {
  return nameUuid(`itsm:notification:contact:${sub}`);
}

/** The contacts directory: how `caller`, `assignee` and `assignment_group` recipients become addresses. Admins keep it. */
@Injectable()
export class ContactsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(sub: string, actor: Actor): Promise<ContactView> {
    requireContactReader(actor);
    const contact = await this.dataSource.getRepository(Contact).findOneBy({ sub });
    if (!contact) throw new DomainError(ErrorCode.NOT_FOUND, `no contact for ${sub}`);
    return toContactView(contact);
  }

  /** Creates or replaces the contact of `sub`. */
  async put(request: PutContactRequest, actor: Actor): Promise<ContactView> {
    requireAdmin(actor, 'keep the contacts directory');
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOne(Contact, { where: { sub: request.sub }, lock: { mode: 'pessimistic_write' } });
      const contact = manager.create(Contact, { sub: request.sub, email: request.email, name: request.name ?? null, groups: [...new Set(request.groups ?? [])], updatedAt: new Date() });
      // Two first writes of one sub at once: the later one wins instead of failing on the key.
      await manager.createQueryBuilder().insert().into(Contact).values(contact).orUpdate(['email', 'name', 'groups', 'updated_at'], ['sub']).execute();
      const before = existing ? toContactView(existing) : null;
      const after = toContactView(contact);
      await audit(manager, { entityId: contactAuditId(contact.sub), action: existing ? 'updated' : 'created', actorId: actor.sub, before, after });
      return after;
    });
  }
}

async function audit(manager: EntityManager, record: { entityId: string; action: string; actorId: string; before: object | null; after: object | null }): Promise<void> {
  await manager.insert(AuditEntry, { entityType: 'contact', ...record, correlationId: WorkContexts.current()?.correlationId ?? null });
}
