import type { ServiceDefinition } from '@itsm/runtime';
import { coreTablesMigration, auditIndexesMigration } from '@itsm/persistence';
import { NotificationConfig } from './config';
import { Contact } from './contacts/contact.entity';
import { ContactsModule } from './contacts/contacts.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { DeliveryAttempt } from './deliveries/delivery-attempt.entity';
import { Delivery } from './deliveries/delivery.entity';
import { EventLogModule } from './event-log/event-log.module';
import { ReceivedEvent } from './event-log/received-event.entity';
import { CreateEventLog1795449614150 } from './migrations/1795449614150-createEventLog';
import { Notifications1795846154445 } from './migrations/1795846154445-notifications';
import { ContactIds1795950000000 } from './migrations/1795950000000-contactIds';
import { Subscription } from './subscriptions/subscription.entity';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';

/** Notifications: the event log, subscriptions, contacts, signed webhooks and email with retries, the delivery log. */
export const notificationApp: ServiceDefinition<NotificationConfig> = {
  name: 'notification',
  config: NotificationConfig,
  entities: [ReceivedEvent, Subscription, Contact, Delivery, DeliveryAttempt],
  migrations: [coreTablesMigration('notification'), CreateEventLog1795449614150, Notifications1795846154445, ContactIds1795950000000, auditIndexesMigration('notification')],
  modules: [EventLogModule, SubscriptionsModule, ContactsModule, DeliveriesModule],
};
