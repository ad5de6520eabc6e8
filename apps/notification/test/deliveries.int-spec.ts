/**
 * Delivering notifications to real peers: a webhook receiver on loopback that checks every signature with the
 * official Standard Webhooks library, and an SMTP server that parses every email; the notification service with
 * real PostgreSQL and NATS JetStream, fed with events as the other services publish them.
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import {
  type Actor,
  type CloudEvent,
  CommentVisibility,
  type CreatedSubscriptionView,
  type CreateSubscriptionDto,
  DeliveryStatus,
  type DeliveryView,
  type EventDeclaration,
  IncidentEvents,
  type IncidentView,
  ErrorCode,
  NotificationErrorCode,
  NotificationEvents,
  NotificationRpc,
  Priority,
  Role,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import type { RunningService } from '@itsm/runtime';
import { buildIncidentView, createTestDatabase, readEvents, type ReceivedWebhook, resetStreams, serviceTestEnv, startTestService, type TestDatabase, verifySignature, waitFor, WebhookReceiver, connectTestNats } from '@itsm/testing';
import { notificationApp } from '../src/service-definition';
import { DeliveryRetention } from '../src/deliveries/delivery-retention';
import { WebhookSender } from '../src/deliveries/webhook-sender';
import { parseAllowList } from '../src/domain/address-guard';
import { MailReceiver } from './support/receivers';

const ada: Actor = { sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] };
const WEBHOOK_TIMEOUT_MS = 1500;

describe('notification deliveries', () => {
  let database: TestDatabase;
  let nc: NatsConnection;
  let service: RunningService;
  let rpc: RpcClient;
  let hooks: WebhookReceiver;
  let mail: MailReceiver;

  beforeAll(async () => {
    hooks = await WebhookReceiver.start();
    mail = await MailReceiver.start();
    database = await createTestDatabase();
    nc = await connectTestNats('notification-test');
    await resetStreams(nc);
    service = await startTestService(
      notificationApp,
      serviceTestEnv(database, {
        NOTIFICATION_ALLOWED_TARGETS: '127.0.0.1,127.0.0.2',
        NOTIFICATION_RETRY_SCHEDULE_MS: '200,200,200',
        NOTIFICATION_POLL_INTERVAL_MS: '50',
        NOTIFICATION_WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
        NOTIFICATION_PER_HOST_CONCURRENCY: '2',
        NOTIFICATION_DISABLE_AFTER_FAILURES: '2',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(mail.port),
        SMTP_FROM: 'ITSM <itsm@example.com>',
      }),
    );
    rpc = new RpcClient(nc, 10_000);
  }, 60_000);

  afterAll(async () => {
    await service?.shutdown();
    await nc?.drain();
    await database?.drop();
    await hooks?.stop();
    await mail?.stop();
  }, 30_000);

  async function subscribe(input: Partial<CreateSubscriptionDto>): Promise<CreatedSubscriptionView> {
    return rpc.call(NotificationRpc.createSubscription, { name: `sub ${randomUUID().slice(0, 8)}`, eventTypes: ['incident.*'], channel: 'webhook', ...input } as CreateSubscriptionDto, { actor: ada });
  }

  /** Publishes an incident event as the incident service does; returns its envelope. */
  async function publish(event: EventDeclaration, incident: IncidentView, data: unknown = event === IncidentEvents.created ? incident : { incident, changes: [] }, id: string = randomUUID()): Promise<CloudEvent> {
    const envelope: CloudEvent = { specversion: '1.0', id, source: 'itsm/incident', type: event.type, subject: incident.id, time: new Date().toISOString(), datacontenttype: 'application/json', correlationid: id, data };
    await nc.jetstream().publish(event.subject, JSON.stringify(envelope), { msgID: randomUUID() });
    return envelope;
  }

  async function deliveriesOf(eventId: string, settled = true): Promise<DeliveryView[]> {
    return waitFor(
      async () => {
        const page = await rpc.call(NotificationRpc.listDeliveries, { event: eventId }, { actor: ada });
        return page.items.length > 0 && (!settled || page.items.every((item) => item.status === DeliveryStatus.Delivered || item.status === DeliveryStatus.Failed)) ? page.items : undefined;
      },
      { what: `settled deliveries of ${eventId}`, timeoutMs: 15_000 },
    );
  }

  const received = (path: string, count: number): Promise<ReceivedWebhook[]> =>
    waitFor(() => (hooks.at(path).length >= count ? hooks.at(path) : undefined), { what: `${count} webhooks at ${path}`, timeoutMs: 15_000 });

  it('sends a signed CloudEvent to the subscriptions whose event types and conditions match, and to no other', async () => {
    const urgent = await subscribe({ webhook: { url: hooks.url('/urgent') }, conditions: { priorities: [Priority.P1, Priority.P2], categories: ['routing'] } });
    await subscribe({ webhook: { url: hooks.url('/planning') }, eventTypes: ['incident.created'], conditions: { priorities: [Priority.P5], categories: ['routing'] } });
    await subscribe({ webhook: { url: hooks.url('/sla') }, eventTypes: ['sla.breached'] });
    const incident = buildIncidentView({ priority: Priority.P1, category: 'routing' });
    const event = await publish(IncidentEvents.created, incident);

    const [message] = await received('/urgent', 1);
    expect(verifySignature(urgent.secret ?? '', message as ReceivedWebhook)).toEqual(event);
    expect(message?.headers['content-type']).toBe('application/json');
    const [delivery] = await deliveriesOf(event.id);
    expect(delivery).toMatchObject({ subscriptionId: urgent.id, status: DeliveryStatus.Delivered, attempts: 1, messageId: message?.headers['webhook-id'] });
    // Delivering is not editing: the subscription keeps its version (an If-Match based on it still holds).
    await expect(rpc.call(NotificationRpc.getSubscription, { id: urgent.id }, { actor: ada })).resolves.toMatchObject({ version: 1, consecutiveFailures: 0 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks.at('/planning')).toEqual([]);
    expect(hooks.at('/sla')).toEqual([]);
  });

  it('retries a receiver that answers 500 twice with the same message id, and logs three attempts', async () => {
    hooks.answer = (path, n) => (path === '/flaky' && n <= 2 ? { status: 500 } : { status: 200 });
    const flaky = await subscribe({ webhook: { url: hooks.url('/flaky') }, conditions: { categories: ['flaky'] } });
    const event = await publish(IncidentEvents.created, buildIncidentView({ category: 'flaky' }));
    const messages = await received('/flaky', 3);
    expect(new Set(messages.map((message) => message.headers['webhook-id'])).size).toBe(1);
    for (const message of messages) expect(verifySignature(flaky.secret ?? '', message)).toEqual(event);
    const [delivery] = await deliveriesOf(event.id);
    expect(delivery?.attemptLog.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(delivery).toMatchObject({ status: DeliveryStatus.Delivered, attempts: 3 });
    const failed = (await readEvents(nc, NotificationEvents.failed.subject)).filter((m) => (m.body.data as { deliveryId: string }).deliveryId === delivery?.id);
    expect(failed.map((m) => (m.body.data as { willRetry: boolean }).willRetry)).toEqual([true, true]);
  });

  it('does not retry a 400, and honours nothing but the schedule for it', async () => {
    hooks.answer = (path) => (path === '/bad-request' ? { status: 400 } : { status: 200 });
    await subscribe({ webhook: { url: hooks.url('/bad-request') }, conditions: { categories: ['bad-request'] } });
    const event = await publish(IncidentEvents.created, buildIncidentView({ category: 'bad-request' }));
    const [delivery] = await deliveriesOf(event.id);
    expect(delivery).toMatchObject({ status: DeliveryStatus.Failed, attempts: 1, lastStatusCode: 400, lastError: 'HTTP 400' });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(hooks.at('/bad-request')).toHaveLength(1);
  });

  it('keeps delivering to a healthy receiver while another one hangs', async () => {
    // Another host (127.0.0.2 is loopback too), so the two receivers are two pools.
    const slow = await WebhookReceiver.start(() => 'hang', '127.0.0.2');
    await subscribe({ name: 'hanging', webhook: { url: slow.url('/hangs') }, conditions: { categories: ['pool'] } });
    await subscribe({ name: 'healthy', webhook: { url: hooks.url('/healthy') }, conditions: { categories: ['pool'] } });
    const started = Date.now();
    for (let i = 0; i < 6; i += 1) await publish(IncidentEvents.created, buildIncidentView({ category: 'pool' }));
    const healthy = await received('/healthy', 6);
    // All six reach the healthy receiver before the first attempt at the hanging one has even timed out.
    expect(Math.max(...healthy.map((message) => message.receivedAt)) - started).toBeLessThan(WEBHOOK_TIMEOUT_MS);
    expect(slow.received.length).toBeGreaterThan(0);
    await slow.stop();
  });

  it('sends the messages of one ticket to a subscription in event order, an earlier one holding back the later ones', async () => {
    hooks.answer = (path, n) => (path === '/ordered' && n === 1 ? { status: 503 } : { status: 200 });
    await subscribe({ webhook: { url: hooks.url('/ordered') }, conditions: { categories: ['ordered'] } });
    const incident = buildIncidentView({ category: 'ordered' });
    const first = await publish(IncidentEvents.created, incident);
    const second = await publish(IncidentEvents.updated, { ...incident, version: 2, title: 'second' });
    const third = await publish(IncidentEvents.updated, { ...incident, version: 3, title: 'third' });
    const messages = await received('/ordered', 4);
    expect(messages.map((message) => (JSON.parse(message.body) as CloudEvent).id)).toEqual([first.id, first.id, second.id, third.id]);
  });

  it('makes one message of an event that arrives twice', async () => {
    await subscribe({ webhook: { url: hooks.url('/once') }, conditions: { categories: ['once'] } });
    const incident = buildIncidentView({ category: 'once' });
    const event = await publish(IncidentEvents.created, incident);
    await publish(IncidentEvents.created, incident, incident, event.id);
    await received('/once', 1);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(hooks.at('/once')).toHaveLength(1);
    await expect(deliveriesOf(event.id)).resolves.toHaveLength(1);
  });

  it('replays a delivered message with the same message id, and logs the replay', async () => {
    await subscribe({ webhook: { url: hooks.url('/replayed') }, conditions: { categories: ['replay'] } });
    const event = await publish(IncidentEvents.created, buildIncidentView({ category: 'replay' }));
    const [delivery] = await deliveriesOf(event.id);
    await rpc.call(NotificationRpc.replayDelivery, { id: delivery?.id ?? '' }, { actor: ada });
    const messages = await received('/replayed', 2);
    expect(messages[1]?.headers['webhook-id']).toBe(messages[0]?.headers['webhook-id']);
    const replayed = await waitFor(async () => {
      const found = await rpc.call(NotificationRpc.getDelivery, { id: delivery?.id ?? '' }, { actor: ada });
      return found.attempts === 2 ? found : undefined;
    });
    expect(replayed.attemptLog.map((attempt) => attempt.replay)).toEqual([false, true]);
    await expect(rpc.call(NotificationRpc.replayDelivery, { id: randomUUID() }, { actor: ada })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: NotificationErrorCode.DeliveryNotFound });
  });

  it('signs with both secrets while a rotation is under way, each verifying on its own', async () => {
    const rotating = await subscribe({ webhook: { url: hooks.url('/rotating') }, conditions: { categories: ['rotate'] } });
    const rotated = await rpc.call(NotificationRpc.rotateSecret, { id: rotating.id, previousValidForSeconds: 3600 }, { actor: ada });
    const event = await publish(IncidentEvents.created, buildIncidentView({ category: 'rotate' }));
    const [message] = await received('/rotating', 1);
    expect(verifySignature(rotating.secret ?? '', message as ReceivedWebhook)).toEqual(event);
    expect(verifySignature(rotated.secret, message as ReceivedWebhook)).toEqual(event);
    expect(() => verifySignature(`whsec_${Buffer.from(randomUUID()).toString('base64')}`, message as ReceivedWebhook)).toThrow();
  });

  it('disables a subscription after failed messages in a row and says so on the bus', async () => {
    hooks.answer = (path) => (path === '/gone' ? { status: 410 } : { status: 200 });
    const gone = await subscribe({ webhook: { url: hooks.url('/gone') }, conditions: { categories: ['gone'] } });
    await publish(IncidentEvents.created, buildIncidentView({ category: 'gone' }));
    await publish(IncidentEvents.created, buildIncidentView({ category: 'gone' }));
    const disabled = await waitFor(async () => {
      const found = await rpc.call(NotificationRpc.getSubscription, { id: gone.id }, { actor: ada });
      return found.enabled ? undefined : found;
    }, { what: 'the subscription disabled', timeoutMs: 15_000 });
    expect(disabled).toMatchObject({ consecutiveFailures: 2, disabledReason: 'disabled after 2 failed messages in a row' });
    const announced = await waitFor(async () => (await readEvents(nc, NotificationEvents.subscriptionDisabled.subject)).find((m) => (m.body.data as { subscriptionId: string }).subscriptionId === gone.id));
    expect(announced.body.data).toMatchObject({ consecutiveFailures: 2, owner: 'ada' });
    await publish(IncidentEvents.created, buildIncidentView({ category: 'gone' }));
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(hooks.at('/gone')).toHaveLength(2);
  });

  it('waits as long as a 429 asks in Retry-After before trying again', async () => {
    hooks.answer = (path, n) => (path === '/busy' && n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 });
    await subscribe({ webhook: { url: hooks.url('/busy') }, conditions: { categories: ['busy'] } });
    await publish(IncidentEvents.created, buildIncidentView({ category: 'busy' }));
    const [first, second] = await received('/busy', 2);
    // The schedule says 200 ms; the receiver asked for two seconds.
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(2000);
  });

  it('refuses at connection time to reach an internal address, named or literal, that no allow-list permits', async () => {
    const sender = new WebhookSender(parseAllowList(''));
    const base = { messageId: 'msg_ssrf', body: '{}', secrets: ['whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')], timeoutMs: 1000 };
    const named = await sender.send({ ...base, url: `http://localhost:${hooks.port}/ssrf` });
    const literal = await sender.send({ ...base, url: hooks.url('/ssrf') });
    expect(named.outcome).toEqual({ kind: 'network', error: expect.stringContaining('may not reach') });
    expect(literal.outcome).toEqual({ kind: 'network', error: expect.stringContaining('may not reach') });
    expect(hooks.at('/ssrf')).toEqual([]);
  });

  it('deletes settled deliveries, with their attempts, once they are older than the retention period', async () => {
    await subscribe({ webhook: { url: hooks.url('/kept') }, conditions: { categories: ['retention'] } });
    const old = await publish(IncidentEvents.created, buildIncidentView({ category: 'retention' }));
    const recent = await publish(IncidentEvents.created, buildIncidentView({ category: 'retention' }));
    const [expired] = await deliveriesOf(old.id);
    await deliveriesOf(recent.id);
    await database.query(`UPDATE notification.deliveries SET created_at = now() - interval '31 days' WHERE id = $1`, [expired?.id]);
    await expect(service.app.get(DeliveryRetention).run()).resolves.toBe(1);
    await expect(database.query(`SELECT count(*)::int AS n FROM notification.delivery_attempts WHERE delivery_id = $1`, [expired?.id])).resolves.toEqual([{ n: 0 }]);
    await expect(rpc.call(NotificationRpc.listDeliveries, { event: recent.id }, { actor: ada })).resolves.toMatchObject({ items: [expect.objectContaining({ status: DeliveryStatus.Delivered })] });
  });

  describe('email', () => {
    beforeAll(async () => {
      await rpc.call(NotificationRpc.putContact, { sub: 'carol', email: 'carol@example.com', name: 'Carol Caller' }, { actor: ada });
      await rpc.call(NotificationRpc.putContact, { sub: 'sam', email: 'sam@example.com', name: 'Sam Agent', groups: ['network'] }, { actor: ada });
      await rpc.call(NotificationRpc.putContact, { sub: 'nina', email: 'nina@example.com', groups: ['network'] }, { actor: ada });
    });

    it('emails the caller, the assignee and the group with per-recipient deliveries, from the template', async () => {
      await subscribe({
        channel: 'email',
        eventTypes: ['incident.created'],
        conditions: { categories: ['mail'] },
        email: { recipients: [{ kind: 'caller' }, { kind: 'assignee' }, { kind: 'assignment_group' }, { kind: 'address', address: 'oncall@example.com' }] },
        template: { subject: '[{{ticket.priority}}] {{ticket.number}} opened', text: '{{ticket.title}} for {{ticket.callerId}}', html: '<p>{{ticket.title}}</p>' },
      });
      const incident = buildIncidentView({ category: 'mail', callerId: 'carol', assigneeId: 'sam', assignmentGroup: 'network', title: 'VPN <down>' });
      const event = await publish(IncidentEvents.created, incident);
      const deliveries = await deliveriesOf(event.id);
      expect(deliveries.map((delivery) => delivery.recipient).sort()).toEqual(['carol@example.com', 'nina@example.com', 'oncall@example.com', 'sam@example.com']);
      await waitFor(() => mail.to('nina@example.com').length === 1);
      const [toSam] = mail.to('sam@example.com');
      expect(toSam).toMatchObject({ subject: `[${incident.priority}] ${incident.number} opened`, text: expect.stringContaining('VPN <down> for carol'), html: expect.stringContaining('VPN &lt;down&gt;'), from: '"ITSM" <itsm@example.com>' });
      expect(deliveries.every((delivery) => delivery.status === DeliveryStatus.Delivered && delivery.attemptLog[0]?.statusCode === 250)).toBe(true);
    });

    it('never sends a work note to the requester, while agents get it; a public comment reaches the requester', async () => {
      await subscribe({ channel: 'email', eventTypes: ['incident.comment_added'], email: { recipients: [{ kind: 'caller' }, { kind: 'assignee' }] } });
      const incident = buildIncidentView({ category: 'notes', callerId: 'carol', assigneeId: 'sam' });
      const comment = (visibility: CommentVisibility, body: string) => ({
        incidentId: incident.id,
        number: incident.number,
        callerId: 'carol',
        assignmentGroup: null,
        assigneeId: 'sam',
        comment: { id: randomUUID(), incidentId: incident.id, authorId: 'sam', authorName: 'Sam Agent', body, visibility, createdAt: new Date().toISOString() },
      });
      const note = await publish(IncidentEvents.commentAdded, incident, comment(CommentVisibility.Internal, 'Caller is on the VIP list; escalate quietly.'));
      await waitFor(() => mail.mails.some((m) => m.text.includes('escalate quietly')), { what: 'the work note to the assignee' });
      await deliveriesOf(note.id);
      await publish(IncidentEvents.commentAdded, incident, comment(CommentVisibility.Public, 'We are replacing your VPN client.'));
      await waitFor(() => mail.to('carol@example.com').some((m) => m.text.includes('replacing your VPN client')), { what: 'the public comment to the caller' });
      expect(mail.to('sam@example.com').some((m) => m.text.includes('escalate quietly'))).toBe(true);
      expect(mail.to('carol@example.com').some((m) => m.text.includes('escalate quietly') || m.subject.includes('escalate quietly'))).toBe(false);
    });
  });
});

describe('replaying an email while SMTP is not configured', () => {
  let database: TestDatabase;
  let nc: NatsConnection;
  let service: RunningService | undefined;
  let rpc: RpcClient;
  let mail: MailReceiver;

  /** Retries far apart, so that what happens in the test is the replay and nothing else. */
  const env = (smtp: Record<string, string> = {}): NodeJS.ProcessEnv => serviceTestEnv(database, { NOTIFICATION_RETRY_SCHEDULE_MS: '600000', NOTIFICATION_POLL_INTERVAL_MS: '50', ...smtp });

  beforeAll(async () => {
    mail = await MailReceiver.start();
    database = await createTestDatabase();
    nc = await connectTestNats('notification-test');
    await resetStreams(nc);
    service = await startTestService(notificationApp, env());
    rpc = new RpcClient(nc, 10_000);
  }, 60_000);

  afterAll(async () => {
    await service?.shutdown();
    await nc?.drain();
    await database?.drop();
    await mail?.stop();
  }, 30_000);

  const read = (id: string): Promise<DeliveryView> => rpc.call(NotificationRpc.getDelivery, { id }, { actor: ada });

  it('logs the replay as waiting for SMTP and keeps the email pending; once SMTP_HOST is set, the replay goes out', async () => {
    await rpc.call(
      NotificationRpc.createSubscription,
      { name: 'on-call mail', eventTypes: ['incident.created'], channel: 'email', email: { recipients: [{ kind: 'address', address: 'oncall@example.com' }] } },
      { actor: ada },
    );
    const incident = buildIncidentView();
    const eventId = randomUUID();
    const envelope: CloudEvent = { specversion: '1.0', id: eventId, source: 'itsm/incident', type: IncidentEvents.created.type, subject: incident.id, time: new Date().toISOString(), datacontenttype: 'application/json', correlationid: eventId, data: incident };
    await nc.jetstream().publish(IncidentEvents.created.subject, JSON.stringify(envelope), { msgID: eventId });
    const tried = await waitFor(async () => (await rpc.call(NotificationRpc.listDeliveries, { event: eventId }, { actor: ada })).items.find((delivery) => delivery.attempts === 1), {
      what: 'the first attempt at the email',
    });
    expect(tried).toMatchObject({ status: DeliveryStatus.Retrying, lastError: 'SMTP_HOST is not configured' });

    const replayed = await rpc.call(NotificationRpc.replayDelivery, { id: tried.id }, { actor: ada });

    expect(replayed).toMatchObject({ status: DeliveryStatus.Pending, attempts: 2, nextAttemptAt: null, lastStatusCode: null, lastError: 'waiting for SMTP: SMTP_HOST is not configured' });
    expect(replayed.attemptLog.map(({ attempt, replay, statusCode, error }) => ({ attempt, replay, statusCode, error }))).toEqual([
      { attempt: 1, replay: false, statusCode: null, error: 'SMTP_HOST is not configured' },
      { attempt: 2, replay: true, statusCode: null, error: 'waiting for SMTP: SMTP_HOST is not configured' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await expect(read(tried.id)).resolves.toEqual(replayed);

    await service?.shutdown();
    service = undefined;
    service = await startTestService(notificationApp, env({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mail.port), SMTP_FROM: 'ITSM <itsm@example.com>' }));

    const sent = await waitFor(async () => {
      const delivery = await read(tried.id);
      return delivery.status === DeliveryStatus.Delivered ? delivery : undefined;
    }, { what: 'the replay sent once SMTP is configured' });
    expect(sent).toMatchObject({ attempts: 3, nextAttemptAt: null, lastStatusCode: 250, lastError: null });
    expect(sent.attemptLog.map((attempt) => attempt.replay)).toEqual([false, true, true]);
    expect(mail.to('oncall@example.com').map((received) => received.messageId)).toEqual([tried.messageId]);
  });
});
