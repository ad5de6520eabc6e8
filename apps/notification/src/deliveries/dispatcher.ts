import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { SERVICE_CONFIG, SERVICE_OPTIONS, type ServiceRuntimeOptions } from '@itsm/runtime';
import { counter, histogram } from '@itsm/observability';
import type { NotificationConfig } from '../config';
import { Subscription } from '../subscriptions/subscription.entity';
import { type AttemptResult, webhookResult } from './attempt-result';
import { DeliveryRecorder } from './delivery-recorder';
import { Delivery } from './delivery.entity';
import { EmailSender } from './email-sender';
import { WebhookSender } from './webhook-sender';

const attempts = counter('itsm_notification_attempts_total', 'Delivery attempts by channel and result', ['channel', 'result']);
const latency = histogram('itsm_notification_attempt_seconds', 'Time one delivery attempt took', ['channel']);

/**
 * How long a claim holds: past the longest timeout a subscription may set (60 s) with a margin, so a delivery is never
 * taken again while an attempt at it may still be running.
 */
const LEASE_MS = 90_000;

/**
 * Sends due deliveries. Each pass claims what is due `FOR UPDATE SKIP LOCKED` (replicas never take the same
 * delivery), skips a delivery while an earlier one of the same subscription, ticket and recipient is unsettled
 * (so they go out in event order), and takes no more for a host than its free slots: a host that hangs fills
 * its own slots only, and deliveries to the others go on.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<void> | undefined;
  private again = false;
  private stopping = false;
  private readonly perHost = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Deliveries this process is attempting: never claimed again meanwhile, whatever their lease says. */
  private readonly attempting = new Set<string>();
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @Inject(SERVICE_OPTIONS) options: ServiceRuntimeOptions,
    private readonly webhooks: WebhookSender,
    private readonly email: EmailSender,
    private readonly recorder: DeliveryRecorder,
  ) {
    this.logger = options.logger.child({ component: 'dispatcher' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), this.config.NOTIFICATION_POLL_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops claiming, lets the attempts in flight finish and record their outcome. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.passing;
    await Promise.all([...this.inFlight]);
    this.email.close();
  }

  /** Runs a pass now (or right after the one running). */
  wake(): void {
    if (this.stopping) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = this.pass()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'dispatch pass failed; trying again'))
      .finally(() => {
        this.passing = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async pass(): Promise<void> {
    const free = this.config.NOTIFICATION_CONCURRENCY - this.inFlight.size;
    if (free <= 0) return;
    for (const delivery of await this.claim(free)) {
      this.attempting.add(delivery.id);
      const sending = this.attempt(delivery).finally(() => {
        this.inFlight.delete(sending);
        this.attempting.delete(delivery.id);
        this.release(delivery.host);
        // A settled delivery may let the next one of its ticket go: look again at once.
        this.wake();
      });
      this.inFlight.add(sending);
    }
  }

  /** Claims due deliveries within the free slots of each host; returns them leased to this process. */
  private async claim(limit: number): Promise<Delivery[]> {
    const table = this.dataSource.getMetadata(Delivery).tablePath;
    const saturated = [...this.perHost.entries()].filter(([, busy]) => busy >= this.config.NOTIFICATION_PER_HOST_CONCURRENCY).map(([host]) => host);
    const attempting = [...this.attempting];
    const taken: Delivery[] = [];
    try {
      return await this.dataSource.transaction(async (manager) => {
      const candidates = await manager
        .createQueryBuilder(Delivery, 'd')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where(`d.status IN ('pending', 'retrying')`)
        // An email waiting for SMTP (replayed while SMTP_HOST was unset) has no next attempt: it goes once a mail server is configured.
        .andWhere(this.email.configured ? `(d.next_attempt_at <= now() OR (d.next_attempt_at IS NULL AND d.channel = 'email'))` : 'd.next_attempt_at <= now()')
        .andWhere('(d.lease_until IS NULL OR d.lease_until < now())')
        .andWhere(saturated.length > 0 ? 'd.host <> ALL(:saturated)' : 'true', { saturated })
        .andWhere(attempting.length > 0 ? 'd.id <> ALL(:attempting)' : 'true', { attempting })
        .andWhere(
          `NOT EXISTS (SELECT 1 FROM ${table} e WHERE e.subscription_id = d.subscription_id AND e.ordering_key = d.ordering_key AND e.recipient = d.recipient AND e.seq < d.seq AND e.status IN ('pending', 'retrying'))`,
        )
        .orderBy('d.next_attempt_at', 'ASC')
        .addOrderBy('d.seq', 'ASC')
        .limit(limit * 2)
        .getMany();
      for (const delivery of candidates) {
        if (taken.length >= limit) break;
        const busy = this.perHost.get(delivery.host) ?? 0;
        if (busy >= this.config.NOTIFICATION_PER_HOST_CONCURRENCY) continue;
        this.perHost.set(delivery.host, busy + 1);
        taken.push(delivery);
      }
      if (taken.length > 0) {
        await manager.query(`UPDATE ${table} SET lease_until = now() + make_interval(secs => $2::double precision / 1000) WHERE id = ANY($1)`, [taken.map((d) => d.id), LEASE_MS]);
      }
      return taken;
    });
    } catch (error) {
      // Nothing was claimed: give the host slots counted for it back.
      for (const delivery of taken) this.release(delivery.host);
      throw error;
    }
  }

  private release(host: string): void {
    this.perHost.set(host, Math.max(0, (this.perHost.get(host) ?? 1) - 1));
  }

  private async attempt(delivery: Delivery): Promise<void> {
    try {
      const result = await this.send(delivery);
      attempts.inc({ channel: delivery.channel, result: result.decision });
      latency.observe({ channel: delivery.channel }, result.latencyMs / 1000);
      await this.recorder.record(delivery.id, result);
    } catch (error) {
      // The lease lapses and the delivery is tried again; nothing was recorded, so nothing is lost.
      this.logger.error({ err: error, deliveryId: delivery.id }, 'could not attempt a delivery');
    }
  }

  private async send(delivery: Delivery): Promise<AttemptResult> {
    const { content } = delivery;
    const subscription = await this.dataSource.getRepository(Subscription).findOneBy({ id: delivery.subscriptionId });
    // A disabled subscription sends nothing more (a replay someone asks for excepted); its messages fail and stay in the log.
    const refusal = !subscription ? 'the subscription no longer exists' : !subscription.enabled && !delivery.replayRequested ? 'the subscription is disabled' : null;
    if (refusal || !subscription) return { decision: 'fail', statusCode: null, error: refusal, latencyMs: 0, outcome: { kind: 'network', error: refusal ?? '' } };
    if (content.kind === 'email') {
      return this.email.send({ to: content.to, subject: content.subject, text: content.text, html: content.html, messageId: delivery.messageId });
    }
    if (!subscription.secret) return { decision: 'fail', statusCode: null, error: 'the subscription has no signing secret', latencyMs: 0, outcome: { kind: 'network', error: 'no secret' } };
    const now = new Date();
    const secrets = [subscription.secret, ...(subscription.previousSecret && subscription.previousSecretExpiresAt && subscription.previousSecretExpiresAt > now ? [subscription.previousSecret] : [])];
    const timeoutMs = subscription.webhook?.timeoutMs ?? this.config.NOTIFICATION_WEBHOOK_TIMEOUT_MS;
    const sent = await this.webhooks.send({ url: delivery.recipient, messageId: delivery.messageId, body: content.body, secrets, timeoutMs }, now);
    return webhookResult(sent.outcome, sent.latencyMs, timeoutMs);
  }
}
