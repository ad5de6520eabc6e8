import { Module } from '@nestjs/common';

/** Subscriptions, contacts, the fan-out of events into deliveries, the dispatcher and the delivery log. */
@Module({ controllers: [], providers: [] })
export class NotificationModule {}
