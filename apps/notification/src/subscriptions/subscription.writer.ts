import { Injectable } from '@nestjs/common';
import { NotificationError, NotificationErrorCode, type SubscriptionView } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { Subscription } from './subscription.entity';
import { toSubscriptionView } from './subscription-view';

/** Every change of a subscription, by its owner, an admin or the dispatcher disabling it: audited without its secrets. */
@Injectable()
export class SubscriptionWriter extends RecordWriter<Subscription, SubscriptionView> {
  protected readonly entity = Subscription;
  protected readonly entityType = 'subscription';

  toView(subscription: Subscription): SubscriptionView {
    return toSubscriptionView(subscription);
  }

  protected label(subscription: Subscription): string {
    return `subscription ${subscription.name}`;
  }

  notFound(id: string): NotificationError {
    return new NotificationError(NotificationErrorCode.SubscriptionNotFound, `subscription ${id} not found`);
  }
}
