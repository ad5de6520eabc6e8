import { Injectable } from '@nestjs/common';
import { type ContactView, NotificationError, NotificationErrorCode } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { Contact, toContactView } from './contact.entity';

/** Every change of the contacts directory, audited as `contact` under the contact's name-based UUID. */
@Injectable()
export class ContactWriter extends RecordWriter<Contact, ContactView> {
  protected readonly entity = Contact;
  protected readonly entityType = 'contact';

  toView(contact: Contact): ContactView {
    return toContactView(contact);
  }

  protected label(contact: Contact): string {
    return `contact ${contact.sub}`;
  }

  protected notFound(id: string): NotificationError {
    return new NotificationError(NotificationErrorCode.ContactNotFound, `contact ${id} not found`);
  }
}
