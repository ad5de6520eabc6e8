import type { SubscriptionView } from '@itsm/contracts';
import type { Subscription } from './subscription.entity';

/** A subscription as callers see it: never with its secrets. */
export function toSubscriptionView(subscription: Subscription): SubscriptionView {
  return {
    id: subscription.id,
    name: subscription.name,
    description: subscription.description,
    eventTypes: subscription.eventTypes,
    conditions: subscription.conditions,
    channel: subscription.channel,
    webhook: subscription.webhook,
    email: subscription.email,
    template: subscription.template,
    enabled: subscription.enabled,
    owner: subscription.owner,
    consecutiveFailures: subscription.consecutiveFailures,
    disabledReason: subscription.disabledReason,
    previousSecretExpiresAt: subscription.previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: subscription.createdAt.toISOString(),
    updatedAt: subscription.updatedAt.toISOString(),
    version: subscription.version,
  };
}
