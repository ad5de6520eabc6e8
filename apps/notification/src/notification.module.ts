import { Module } from '@nestjs/common';
import { ContactsHandler } from './contacts/contacts.handler';
import { ContactsService } from './contacts/contacts.service';
import { SubscriptionsHandler } from './subscriptions/subscriptions.handler';
import { SubscriptionsService } from './subscriptions/subscriptions.service';

/** Subscriptions, contacts, the fan-out of events into deliveries, the dispatcher and the delivery log. */
@Module({
  controllers: [SubscriptionsHandler, ContactsHandler],
  providers: [SubscriptionsService, ContactsService],
})
export class NotificationModule {}
