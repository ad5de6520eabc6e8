import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DeliveryStatus, NotificationEvents } from '@itsm/contracts';
import { eventOf, OutboxWriter, SYSTEM_ACTOR } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import { nextAttemptDelay, parseRetrySchedule } from '../domain/retry-policy';
import type { NotificationConfig } from '../config';
import { Subscription } from '../subscriptions/subscription.entity';
import { SubscriptionWriter } from '../subscriptions/subscription.writer';
import type { AttemptResult } from './attempt-result';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { Delivery } from './delivery.entity';

/**
 * Writes what an attempt came to, in one transaction: the attempt row, the delivery's status and next attempt,
 * the `delivered` or `failed` event, and the subscription's run of failures (disabling it, with its event, when
 * the run reaches NOTIFICATION_DISABLE_AFTER_FAILURES).
 */
@Injectable()
export class DeliveryRecorder {
  private readonly schedule: number[];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    private readonly outbox: OutboxWriter,
    private readonly subscriptions: SubscriptionWriter,
  ) {
    this.schedule = parseRetrySchedule(config.NOTIFICATION_RETRY_SCHEDULE_MS);
  }

  /** `replay`: the attempt is a replay someone asked for (by default, when the delivery says one was asked for). */
  async record(deliveryId: string, result: AttemptResult, options: { now?: Date; replay?: boolean } = {}): Promise<void> {
    const now = options.now ?? new Date();
    await this.dataSource.transaction(async (manager) => {
      const delivery = await manager.findOne(Delivery, { where: { id: deliveryId }, lock: { mode: 'pessimistic_write' } });
      if (!delivery) return;
      const attempt = delivery.attempts + 1;
      const replay = options.replay ?? delivery.replayRequested;
      await manager.insert(DeliveryAttempt, { deliveryId, attempt, at: now, statusCode: result.statusCode, error: result.error, latencyMs: Math.round(result.latencyMs), replay });
      // A replay is one more try on request; it does not start the retry schedule again.
      const delay = result.decision === 'retry' && !replay ? nextAttemptDelay(attempt, result.outcome, this.schedule, now.getTime(), Math.random) : null;
      const status = settle(result, delay);
      const nextAttemptAt = delay === null ? null : new Date(now.getTime() + delay);
      await manager.update(
        Delivery,
        { id: deliveryId },
        {
          attempts: attempt,
          status,
          nextAttemptAt,
          leaseUntil: null,
          // A message waiting for its channel keeps the replay asked for: the attempt once it can go is that replay.
          replayRequested: status === DeliveryStatus.Pending && replay,
          lastStatusCode: result.statusCode,
          lastError: result.error,
          deliveredAt: status === DeliveryStatus.Delivered ? now : delivery.deliveredAt,
        },
      );
      const base = {
        deliveryId,
        subscriptionId: delivery.subscriptionId,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        channel: delivery.channel,
        recipient: delivery.recipient,
        attempt,
        statusCode: result.statusCode,
        latencyMs: Math.round(result.latencyMs),
      };
      if (status === DeliveryStatus.Delivered) {
        await this.outbox.publish(manager, NotificationEvents.delivered, base, { subject: deliveryId });
        // A plain statement: the run of failures is bookkeeping, not an edit (no new version, no lock when already 0).
        await manager.query(`UPDATE ${manager.connection.getMetadata(Subscription).tablePath} SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0`, [delivery.subscriptionId]);
        return;
      }
      await this.outbox.publish(
        manager,
        NotificationEvents.failed,
        { ...base, error: result.error ?? 'failed', willRetry: status !== DeliveryStatus.Failed, nextAttemptAt: nextAttemptAt?.toISOString() ?? null },
        { subject: deliveryId },
      );
      if (status === DeliveryStatus.Failed && !replay) await this.messageFailed(manager, delivery.subscriptionId);
    });
  }

  /** A message used all its attempts: one more in the subscription's run; at the limit the subscription is disabled. */
  private async messageFailed(manager: EntityManager, subscriptionId: string): Promise<void> {
    const subscription = await manager.findOne(Subscription, { where: { id: subscriptionId }, lock: { mode: 'pessimistic_write' } });
    if (!subscription) return;
    const failures = subscription.consecutiveFailures + 1;
    const limit = this.config.NOTIFICATION_DISABLE_AFTER_FAILURES;
    if (failures < limit || !subscription.enabled) {
      await manager.query(`UPDATE ${manager.connection.getMetadata(Subscription).tablePath} SET consecutive_failures = $2 WHERE id = $1`, [subscriptionId, failures]);
      return;
    }
    const reason = `disabled after ${failures} failed messages in a row`;
    const before = this.subscriptions.toView(subscription);
    Object.assign(subscription, { consecutiveFailures: failures, enabled: false, disabledReason: reason });
    await this.subscriptions.save(manager, subscription, before, {
      actorId: SYSTEM_ACTOR,
      action: 'disabled',
      events: () => [eventOf(NotificationEvents.subscriptionDisabled, { subscriptionId, name: subscription.name, owner: subscription.owner, consecutiveFailures: failures, reason })],
    });
  }
}

/** Where a delivery stands after an attempt; `delay` is the wait before the next one, null when none is scheduled. */
function settle(result: AttemptResult, delay: number | null): DeliveryStatus {
  if (result.decision === 'delivered') return DeliveryStatus.Delivered;
  if (result.decision === 'wait') return DeliveryStatus.Pending;
  return delay !== null ? DeliveryStatus.Retrying : DeliveryStatus.Failed;
}
