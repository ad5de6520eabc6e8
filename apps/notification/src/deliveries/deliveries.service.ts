import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import {
  type Actor,
  DEFAULT_PAGE_SIZE,
  type DeliveryAttemptView,
  type DeliveryPage,
  DeliveryStatus,
  type DeliveryView,
  type ListDeliveriesRequest,
  NotificationError,
  NotificationErrorCode,
} from '@itsm/contracts';
import { decodeCursor, encodeCursor, isUuid } from '@itsm/persistence';
import { mayReadDelivery, seesAllSubscriptions } from '../domain/access';
import { Subscription } from '../subscriptions/subscription.entity';
import { waitingForSmtp } from './attempt-result';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { DeliveryRecorder } from './delivery-recorder';
import { Delivery } from './delivery.entity';
import { Dispatcher } from './dispatcher';
import { EmailSender } from './email-sender';

function attemptView(attempt: DeliveryAttempt): DeliveryAttemptView {
  return { attempt: attempt.attempt, at: attempt.at.toISOString(), statusCode: attempt.statusCode, error: attempt.error, latencyMs: attempt.latencyMs, replay: attempt.replay };
}

export function deliveryView(delivery: Delivery, attempts: readonly DeliveryAttempt[]): DeliveryView {
  return {
    id: delivery.id,
    subscriptionId: delivery.subscriptionId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    subject: delivery.subject,
    channel: delivery.channel,
    recipient: delivery.recipient,
    messageId: delivery.messageId,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    attemptLog: [...attempts].sort((a, b) => a.attempt - b.attempt).map(attemptView),
  };
}

/** The delivery log (per subscription, per event) and replays. Owners see their subscriptions' deliveries; managers and admins all. */
@Injectable()
export class DeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly dispatcher: Dispatcher,
    private readonly recorder: DeliveryRecorder,
    private readonly email: EmailSender,
  ) {}

  async list(query: ListDeliveriesRequest, actor: Actor): Promise<DeliveryPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.dataSource.getRepository(Delivery).createQueryBuilder('d');
    if (query.subscription) builder.andWhere('d.subscription_id = :subscription', { subscription: query.subscription });
    if (query.event) builder.andWhere('d.event_id = :event', { event: query.event });
    if (query.status && query.status.length > 0) builder.andWhere('d.status IN (:...status)', { status: query.status });
    if (!seesAllSubscriptions(actor)) {
      builder.andWhere(`d.subscription_id IN (SELECT id FROM ${this.dataSource.getMetadata(Subscription).tablePath} WHERE owner = :owner)`, { owner: actor.sub });
    }
    if (query.cursor) {
      const [seq] = decodeCursor(query.cursor, 1, ([value]) => typeof value === 'string' && /^\d+$/.test(value));
      builder.andWhere('d.seq < :seq', { seq });
    }
    const rows = await builder.orderBy('d.seq', 'DESC').take(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const attempts = page.length === 0 ? [] : await this.dataSource.getRepository(DeliveryAttempt).findBy({ deliveryId: In(page.map((d) => d.id)) });
    const last = page.at(-1);
    return {
      items: page.map((delivery) => deliveryView(delivery, attempts.filter((attempt) => attempt.deliveryId === delivery.id))),
      nextCursor: rows.length > limit && last ? encodeCursor([String(last.seq)]) : null,
    };
  }

  async get(id: string, actor: Actor): Promise<DeliveryView> {
    const delivery = await this.visible(id, actor);
    return deliveryView(delivery, await this.dataSource.getRepository(DeliveryAttempt).findBy({ deliveryId: id }));
  }

  /**
   * Sends the message again with the same message id, whatever its status; the attempt is marked as a replay. An
   * email while SMTP_HOST is unset cannot go: the replay is logged as waiting for SMTP, and the delivery stays
   * pending until a mail server is configured.
   */
  async replay(id: string, actor: Actor): Promise<DeliveryView> {
    const delivery = await this.visible(id, actor);
    if (delivery.channel === 'email' && !this.email.configured) {
      await this.recorder.record(id, waitingForSmtp(), { replay: true });
      return this.get(id, actor);
    }
    await this.dataSource.getRepository(Delivery).update({ id }, { status: DeliveryStatus.Pending, nextAttemptAt: new Date(), replayRequested: true, leaseUntil: null });
    this.dispatcher.wake();
    return this.get(id, actor);
  }

  private async visible(id: string, actor: Actor): Promise<Delivery> {
    const delivery = isUuid(id) ? await this.dataSource.getRepository(Delivery).findOneBy({ id }) : null;
    const subscription = delivery && !seesAllSubscriptions(actor) ? await this.dataSource.getRepository(Subscription).findOneBy({ id: delivery.subscriptionId }) : null;
    if (!delivery || !mayReadDelivery(actor, subscription)) throw new NotificationError(NotificationErrorCode.DeliveryNotFound, `delivery ${id} not found`);
    return delivery;
  }
}
