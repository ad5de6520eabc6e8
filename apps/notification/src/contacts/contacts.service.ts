import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, type ContactView, NotificationError, NotificationErrorCode, type PutContactRequest } from '@itsm/contracts';
import { Contact, contactId } from './contact.entity';
import { ContactWriter } from './contact.writer';

/** The contacts directory: how `caller`, `assignee` and `assignment_group` recipients become addresses. Admins keep it. */
@Injectable()
export class ContactsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ContactWriter,
  ) {}

  async get(sub: string): Promise<ContactView> {
    const contact = await this.dataSource.getRepository(Contact).findOneBy({ sub });
    if (!contact) throw new NotificationError(NotificationErrorCode.ContactNotFound, `no contact for ${sub}`);
    return this.writer.toView(contact);
  }

  /** Creates or replaces the contact of `sub`; its audit rows keep the version beside the contact. */
  async put(request: PutContactRequest, actor: Actor): Promise<ContactView> {
    const id = contactId(request.sub);
    const fields = { email: request.email, name: request.name ?? null, groups: [...new Set(request.groups ?? [])] };
    return this.dataSource.transaction(async (manager) => {
      // Puts of one sub take turns: of two first puts at once, the later one replaces the earlier instead of failing on the key.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`notification.contact:${request.sub}`]);
      if (!(await manager.existsBy(Contact, { id }))) {
        const created = manager.create(Contact, { id, sub: request.sub, ...fields, updatedAt: new Date(), version: 1 });
        return this.writer.insert(manager, created, { actorId: actor.sub, auditAfter: (view) => ({ ...view, version: created.version }) });
      }
      const contact = await this.writer.lock(manager, id);
      const before = { ...this.writer.toView(contact), version: contact.version };
      Object.assign(contact, fields);
      return this.writer.save(manager, contact, before, { actorId: actor.sub, action: 'updated', auditAfter: (view) => ({ ...view, version: contact.version }) });
    });
  }
}
