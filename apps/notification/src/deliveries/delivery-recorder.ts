import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DeliveryStatus, NotificationEvents } from '@itsm/contracts';
import { OutboxWriter } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import { nextAttemptDelay, parseRetrySchedule } from '../domain/retry-policy';
import type { NotificationConfig } from '../config';
import { Subscription } from '../subscriptions/subscription.entity';
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
  ) {
    this.schedule = parseRetrySchedule(config.NOTIFICATION_RETRY_SCHEDULE_MS);
  }

  async record(deliveryId: string, result: AttemptResult, now = new Date()): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const delivery = await manager.findOne(Delivery, { where: { id: deliveryId }, lock: { mode: 'pessimistic_write' } });
      if (!delivery) return;
      const attempt = delivery.attempts + 1;
      const replay = delivery.replayRequested;
      await manager.insert(DeliveryAttempt, { deliveryId, attempt, at: now, statusCode: result.statusCode, error: result.error, latencyMs: Math.round(result.latencyMs), replay });
      // A replay is one more try on request; it does not start the retry schedule again.
      const delay = result.decision === 'retry' && !replay ? nextAttemptDelay(attempt, result.outcome, this.schedule, now.getTime(), Math.random) : null;
      const status = result.decision === 'delivered' ? DeliveryStatus.Delivered : delay !== null ? DeliveryStatus.Retrying : DeliveryStatus.Failed;
      const nextAttemptAt = delay === null ? null : new Date(now.getTime() + delay);
      await manager.update(
        Delivery,
        { id: deliveryId },
        {
          attempts: attempt,
          status,
          nextAttemptAt,
          leaseUntil: null,
          replayRequested: false,
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
        { ...base, error: result.error ?? 'failed', willRetry: status === DeliveryStatus.Retrying, nextAttemptAt: nextAttemptAt?.toISOString() ?? null },
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
    await manager.update(Subscription, { id: subscriptionId }, { consecutiveFailures: failures, enabled: false, disabledReason: reason, version: subscription.version + 1 });
    await this.outbox.publish(manager, NotificationEvents.subscriptionDisabled, { subscriptionId, name: subscription.name, owner: subscription.owner, consecutiveFailures: failures, reason }, { subject: subscriptionId });
  }
}
