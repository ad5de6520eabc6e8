import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { ALL_EVENTS, type CloudEvent, DeliveryStatus, type RecipientDto } from '@itsm/contracts';
import { OnEvents } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import { nameUuid } from '@itsm/persistence';
import { conditionsMatch } from '../domain/conditions';
import { patternMatches } from '../domain/event-patterns';
import { contextOf, forRequester, type NotificationContext } from '../domain/notification-context';
import { renderTemplate } from '../domain/templates';
import type { NotificationConfig } from '../config';
import { Contact } from '../contacts/contact.entity';
import { Subscription } from '../subscriptions/subscription.entity';
import { Delivery, type DeliveryContent } from './delivery.entity';
import { defaultEmail } from './default-email';
import { EmailSender } from './email-sender';

interface Addressee {
  address: string;
  /** The caller of the ticket: gets the requester's view of the event, never a work note. */
  requester: boolean;
}

/**
 * Durable consumer `notification-dispatch` over every event: each enabled subscription whose event types and
 * conditions match gets one delivery per recipient, written in the consumer's transaction. A redelivered
 * event finds its deliveries there already (same key), so it never makes a second message.
 */
@Injectable()
export class FanOutHandler {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    private readonly email: EmailSender,
  ) {}

  /** The enabled subscriptions each open transaction read (see {@link enabledSubscriptions}); an entry goes with its transaction's manager. */
  private readonly subscriptionsRead = new WeakMap<EntityManager, Promise<Subscription[]>>();

  @OnEvents('dispatch', ALL_EVENTS)
  async fanOut(event: CloudEvent, manager: EntityManager): Promise<void> {
    const subscriptions = (await this.enabledSubscriptions(manager)).filter((subscription) => subscription.eventTypes.some((pattern) => patternMatches(pattern, event.type)));
    if (subscriptions.length === 0) return;
    const context = contextOf(event);
    const deliveries: Array<Omit<Delivery, 'seq' | 'createdAt'>> = [];
    for (const subscription of subscriptions) {
      if (!conditionsMatch(subscription.conditions, context)) continue;
      if (subscription.channel === 'webhook' && subscription.webhook) {
        const url = subscription.webhook.url;
        deliveries.push(this.delivery(subscription, event, context, url, new URL(url).hostname, { kind: 'webhook', body: JSON.stringify(event) }));
        continue;
      }
      for (const addressee of await this.addressees(manager, subscription.email?.recipients ?? [], context)) {
        const seen = addressee.requester ? forRequester(context) : context;
        // A work note (or anything else a requester may not see) is simply not sent to the caller.
        if (!seen) continue;
        const template = subscription.template;
        const fallback = defaultEmail(seen, addressee.requester);
        const content: DeliveryContent = {
          kind: 'email',
          to: addressee.address,
          subject: template?.subject ? renderTemplate(template.subject, seen, { html: false }).replace(/\s+/g, ' ').trim() : fallback.subject,
          text: template?.text ? renderTemplate(template.text, seen, { html: false }) : fallback.text,
          html: template?.html ? renderTemplate(template.html, seen, { html: true }) : null,
        };
        deliveries.push(this.delivery(subscription, event, context, addressee.address, this.email.host, content));
      }
    }
    if (deliveries.length === 0) return;
    await manager.createQueryBuilder().insert().into(Delivery).values(deliveries).orIgnore().execute();
  }

  /**
   * The enabled subscriptions, read once per transaction: the consumer applies a batch of events in one, and
   * nothing in it changes subscriptions, so every event of the batch is matched against the same ones, as if the
   * batch were handled at one instant.
   */
  private enabledSubscriptions(manager: EntityManager): Promise<Subscription[]> {
    const inTransaction = manager.queryRunner?.isTransactionActive === true;
    const read = inTransaction ? this.subscriptionsRead.get(manager) : undefined;
    if (read) return read;
    const reading = manager.find(Subscription, { where: { enabled: true } });
    if (inTransaction) this.subscriptionsRead.set(manager, reading);
    return reading;
  }

  private delivery(subscription: Subscription, event: CloudEvent, context: NotificationContext, recipient: string, host: string, content: DeliveryContent): Omit<Delivery, 'seq' | 'createdAt'> {
    const id = nameUuid(`itsm:notification:delivery:${subscription.id}:${event.id}:${recipient}`);
    return {
      id,
      subscriptionId: subscription.id,
      eventId: event.id,
      eventType: event.type,
      subject: event.subject,
      orderingKey: context.ticket.id ?? event.subject,
      channel: subscription.channel,
      recipient,
      host,
      messageId: content.kind === 'webhook' ? `msg_${id}` : `<${id}@itsm.notifications>`,
      content,
      status: DeliveryStatus.Pending,
      attempts: 0,
      nextAttemptAt: new Date(),
      leaseUntil: null,
      replayRequested: false,
      lastStatusCode: null,
      lastError: null,
      deliveredAt: null,
    };
  }

  /** The addresses of an email subscription's recipients for this event, once each (the requester's view wins). */
  private async addressees(manager: EntityManager, recipients: readonly RecipientDto[], context: NotificationContext): Promise<Addressee[]> {
    const byAddress = new Map<string, Addressee>();
    const add = (address: string | undefined | null, requester: boolean) => {
      if (!address) return;
      const key = address.toLowerCase();
      const known = byAddress.get(key);
      byAddress.set(key, { address, requester: requester || (known?.requester ?? false) });
    };
    const { ticket } = context;
    const people = [ticket.callerId, ticket.assigneeId].filter((sub): sub is string => sub !== null);
    const contacts = people.length > 0 ? await manager.find(Contact, { where: { sub: In(people) } }) : [];
    const emailOf = (sub: string | null) => contacts.find((contact) => contact.sub === sub)?.email;
    for (const recipient of recipients) {
      if (recipient.kind === 'address') add(recipient.address, false);
      else if (recipient.kind === 'caller') add(emailOf(ticket.callerId), true);
      else if (recipient.kind === 'assignee') add(emailOf(ticket.assigneeId), false);
      else if (ticket.assignmentGroup) {
        const members: Contact[] = await manager.query(`SELECT sub, email FROM ${manager.connection.getMetadata(Contact).tablePath} WHERE $1 = ANY(groups) ORDER BY sub`, [ticket.assignmentGroup]);
        for (const member of members) add(member.email, member.sub === ticket.callerId);
      }
    }
    return [...byAddress.values()];
  }
}
