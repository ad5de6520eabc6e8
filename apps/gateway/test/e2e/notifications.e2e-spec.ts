/**
 * The suite working together as a subscriber sees it: an incident opened through the gateway, its SLA clock
 * breaching, and both reaching a webhook receiver as signed messages; the built gateway, incident, sla and
 * notification services as processes, real NATS and PostgreSQL.
 */
import { Webhook } from 'standardwebhooks';
import {
  type CloudEvent,
  type CreatedIncidentView,
  type CreatedSubscriptionView,
  type DeliveryPage,
  DeliveryStatus,
  Impact,
  IncidentEvents,
  Role,
  SlaEvents,
  Urgency,
} from '@itsm/contracts';
import { mintToken, waitFor, WebhookReceiver } from '@itsm/testing';
import { GatewayClient, type Reply } from './client';
import { type RunningSuite, startSuite } from './suite';

const ada = mintToken({ sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] });
const alice = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] });

describe('an incident and its SLA breach reaching a webhook subscriber', () => {
  let suite: RunningSuite;
  let client: GatewayClient;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    suite = await startSuite(['incident', 'sla', 'notification'], {
      sla: { SLA_TIMER_INTERVAL_MS: '200' },
      notification: { NOTIFICATION_ALLOWED_TARGETS: '127.0.0.1', NOTIFICATION_POLL_INTERVAL_MS: '100' },
    });
    client = new GatewayClient(suite.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await expect(suite.stop()).resolves.toEqual({ incident: 0, sla: 0, notification: 0, gateway: 0 });
    await receiver?.stop();
  }, 30_000);

  /** The gateway's API with a JSON body as the last argument. */
  const call = <T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<Reply<T>> => client.call<T>(method, path, token, { body });

  it('signs and delivers the incident’s creation and, seconds later, its SLA breach', async () => {
    const policy = await call('POST', '/v1/sla/policies', ada, { name: 'Five seconds', kind: 'sla', conditions: { ticketTypes: ['incident'] }, targets: [{ metric: 'resolution', duration: 5 }] });
    expect(policy.status).toBe(201);
    const subscription = await call<CreatedSubscriptionView>('POST', '/v1/notifications/subscriptions', ada, {
      name: 'Operations bot',
      eventTypes: ['incident.created', 'sla.breached'],
      conditions: { ticketTypes: ['incident'] },
      channel: 'webhook',
      webhook: { url: receiver.url('/itsm') },
    });
    expect(subscription.status).toBe(201);
    const hook = new Webhook(subscription.body.secret ?? '');

    const opened = await call<CreatedIncidentView>('POST', '/v1/incidents', alice, { title: 'Printer queue stuck', impact: Impact.Low, urgency: Urgency.Low });
    expect(opened.status).toBe(201);
    const events = await waitFor(
      () => {
        const verified = receiver.received.map((message) => hook.verify(message.body, message.headers) as CloudEvent<{ ticketId?: string; id?: string }>);
        const about = verified.filter((event) => event.data.id === opened.body.id || event.data.ticketId === opened.body.id);
        return about.length >= 2 ? about : undefined;
      },
      { what: 'the creation and the breach at the webhook', timeoutMs: 20_000 },
    );
    expect(events.map((event) => event.type)).toEqual([IncidentEvents.created.type, SlaEvents.breached.type]);
    expect(events[1]?.data).toMatchObject({ policyName: 'Five seconds', metric: 'resolution', ticketNumber: opened.body.number });

    // The sender marks a delivery delivered once the receiver has answered, a moment after the receiver saw it.
    const statuses = await waitFor(
      async () => {
        const log = await call<DeliveryPage>('GET', `/v1/notifications/deliveries?subscription=${subscription.body.id}`, ada);
        const found = log.body.items.map((delivery) => [delivery.eventType, delivery.status]);
        return found.every(([, status]) => status !== DeliveryStatus.Pending) ? found : undefined;
      },
      { what: 'both deliveries settled in the log', timeoutMs: 10_000 },
    );
    expect(statuses).toEqual(
      expect.arrayContaining([
        [IncidentEvents.created.type, DeliveryStatus.Delivered],
        [SlaEvents.breached.type, DeliveryStatus.Delivered],
      ]),
    );
  });
});
