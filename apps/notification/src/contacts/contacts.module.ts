import { Module } from '@nestjs/common';
import { ContactWriter } from './contact.writer';
import { ContactsHandler } from './contacts.handler';
import { ContactsService } from './contacts.service';

/** The contacts directory: the email address and groups of each person, kept by admins. */
@Module({
  controllers: [ContactsHandler],
  providers: [ContactsService, ContactWriter],
})
export class ContactsModule {}
