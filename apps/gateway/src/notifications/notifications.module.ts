import { Module } from '@nestjs/common';
import { ContactsController } from './contacts.controller';
import { DeliveriesController } from './deliveries.controller';
import { SubscriptionsController } from './subscriptions.controller';

/** `/v1/notifications/...`; each route maps to an RPC of the notification service. */
@Module({ controllers: [SubscriptionsController, DeliveriesController, ContactsController] })
export class NotificationsModule {}
