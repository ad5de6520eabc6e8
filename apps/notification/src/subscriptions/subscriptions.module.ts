import { Module } from '@nestjs/common';
import { SubscriptionWriter } from './subscription.writer';
import { SubscriptionsHandler } from './subscriptions.handler';
import { SubscriptionsService } from './subscriptions.service';

/** Subscriptions: which events go where, under which conditions, signed with which secret; their writer serves the dispatcher too. */
@Module({
  controllers: [SubscriptionsHandler],
  providers: [SubscriptionsService, SubscriptionWriter],
  exports: [SubscriptionWriter],
})
export class SubscriptionsModule {}
