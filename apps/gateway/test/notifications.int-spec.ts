/** Notification subscriptions and contacts over HTTP: the gateway in-process, the built notification service as a process, real NATS and PostgreSQL. */
import { randomUUID } from 'node:crypto';
import {
  type ContactView,
  type CreatedSubscriptionView,
  type DeliveryPage,
  DeliveryStatus,
  type DeliveryView,
  ErrorCode,
  IncidentEvents,
  type RotatedSecretView,
  Role,
  type SubscriptionPage,
  type SubscriptionView,
} from '@itsm/contracts';
import { buildIncidentView, mintToken, waitFor, WebhookReceiver } from '@itsm/testing';
import { expectProblem, GatewayWithService, problemFields, type Reply } from './support/gateway-with-service';

const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });
const mia = mintToken({ sub: 'mia', roles: [Role.Manager] });
const sam = mintToken({ sub: 'sam', roles: [Role.Agent] });
const tom = mintToken({ sub: 'tom', roles: [Role.Agent] });
const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });

/** A public address: literal IPs are checked without resolving anything. */
const PUBLIC_HOOK = 'https://93.184.215.14/itsm';
const BASE = '/v1/notifications/subscriptions';

function webhook(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `hook ${randomUUID().slice(0, 8)}`, eventTypes: ['incident.*', 'sla.breached'], channel: 'webhook', webhook: { url: PUBLIC_HOOK }, ...overrides };
}

function email(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `mail ${randomUUID().slice(0, 8)}`,
    eventTypes: ['incident.state_changed'],
    channel: 'email',
    email: { recipients: [{ kind: 'address', address: 'network-team@example.com' }, { kind: 'caller' }] },
    template: { subject: '{{ticket.number}} is {{ticket.state}}' },
    ...overrides,
  };
}

describe('notifications through the gateway', () => {
  let h: GatewayWithService;
  let receiver: WebhookReceiver;
  let hookUrl: string;

  beforeAll(async () => {
    // 127.0.0.3 (loopback too) is the one address the service is allowed to reach; 127.0.0.1 stays refused.
    receiver = await WebhookReceiver.start(undefined, '127.0.0.3');
    hookUrl = receiver.url('/hook');
    h = await GatewayWithService.start('notification', {}, { NOTIFICATION_ALLOWED_TARGETS: '127.0.0.3', NOTIFICATION_POLL_INTERVAL_MS: '50' });
  }, 60_000);

  afterAll(async () => {
    await expect(h?.stop()).resolves.toBe(0);
    await receiver?.stop();
  }, 30_000);

  async function create(body: Record<string, unknown> = webhook(), token = sam): Promise<CreatedSubscriptionView> {
    const reply = await h.call<CreatedSubscriptionView>('POST', BASE, token, { body });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  describe('subscriptions', () => {
    it('creates a webhook subscription: 201 with Location, ETag "1" and the secret once; reading it shows no secret', async () => {
      const created = await h.call<CreatedSubscriptionView>('POST', BASE, sam, { body: webhook({ name: 'P1 to the bot', conditions: { priorities: ['P1'] } }) });

      expect(created).toMatchObject({ status: 201, body: { name: 'P1 to the bot', channel: 'webhook', owner: 'sam', enabled: true, version: 1, secret: expect.stringMatching(/^whsec_/) } });
      expect(created.headers.get('location')).toBe(`${BASE}/${created.body.id}`);
      expect(created.headers.get('etag')).toBe('"1"');
      expect(created.headers.get('cache-control')).toBe('no-store');
      const read = await h.call<SubscriptionView>('GET', `${BASE}/${created.body.id}`, sam);
      expect(read).toMatchObject({ status: 200, body: { id: created.body.id, version: 1 } });
      expect(read.headers.get('etag')).toBe('"1"');
      expect(read.body).not.toHaveProperty('secret');
    });

    it('creates an email subscription with secret null', async () => {
      await expect(h.call('POST', BASE, sam, { body: email() })).resolves.toMatchObject({ status: 201, body: { channel: 'email', webhook: null, secret: null } });
    });

    it.each([
      ['loopback', 'http://127.0.0.1:8080/hook'],
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
      ['private', 'https://10.0.0.1/hook'],
      ['this machine by name', 'http://localhost:9/'],
      ['a host that does not resolve', 'https://no-such-host.invalid/'],
      ['not a URL', 'not a url'],
      ['another scheme', 'ftp://x'],
    ])('refuses a webhook URL to %s with 400 problem+json naming webhook.url', async (_what, url) => {
      const reply = await h.call('POST', BASE, sam, { body: webhook({ webhook: { url } }) });

      expectProblem(reply, 400, ErrorCode.VALIDATION);
      expect(problemFields(reply)).toEqual(['webhook.url']);
    });

    it('refuses an unknown event type, a template field no event has and a webhook channel without a webhook, each with 400 naming the field', async () => {
      const unknownType = await h.call('POST', BASE, sam, { body: webhook({ eventTypes: ['incident.exploded'] }) });
      expectProblem(unknownType, 400, ErrorCode.VALIDATION);
      expect(problemFields(unknownType)).toEqual(['eventTypes.0']);

      const badTemplate = await h.call('POST', BASE, sam, { body: email({ template: { text: 'Ticket {{ticket.nope}}' } }) });
      expectProblem(badTemplate, 400, ErrorCode.VALIDATION);
      expect(problemFields(badTemplate)).toEqual(['template.text']);

      const noTarget = await h.call('POST', BASE, sam, { body: webhook({ webhook: undefined }) });
      expectProblem(noTarget, 400, ErrorCode.VALIDATION);
      expect(problemFields(noTarget)).toEqual(['webhook']);
    });

    it('replaces a subscription with If-Match: 200 with the next ETag; a stale If-Match is 412 and changes nothing', async () => {
      const created = await create();

      const replaced = await h.call<SubscriptionView>('PUT', `${BASE}/${created.id}`, sam, { body: webhook({ name: 'renamed', enabled: false }), headers: { 'if-match': '"1"' } });

      expect(replaced).toMatchObject({ status: 200, body: { name: 'renamed', enabled: false, version: 2 } });
      expect(replaced.headers.get('etag')).toBe('"2"');
      expectProblem(await h.call('PUT', `${BASE}/${created.id}`, sam, { body: webhook({ name: 'stale' }), headers: { 'if-match': '"1"' } }), 412, ErrorCode.PRECONDITION_FAILED);
      await expect(h.call('GET', `${BASE}/${created.id}`, sam)).resolves.toMatchObject({ body: { name: 'renamed', version: 2 } });
    });

    it('rotates the secret with or without a body: a new secret once, the previous valid until previousSecretExpiresAt; 409 for email', async () => {
      const created = await create();

      const rotated = await h.call<RotatedSecretView>('POST', `${BASE}/${created.id}/secret/rotate`, sam, { body: { previousValidForSeconds: 600 } });

      expect(rotated).toMatchObject({ status: 200, body: { secret: expect.stringMatching(/^whsec_/), subscription: { id: created.id, version: 2 } } });
      expect(rotated.body.secret).not.toBe(created.secret);
      expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(590_000);
      expect(rotated.body.subscription.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
      expect(rotated.headers.get('etag')).toBe('"2"');
      expect(rotated.headers.get('cache-control')).toBe('no-store');
      const bare = await h.call<RotatedSecretView>('POST', `${BASE}/${created.id}/secret/rotate`, sam);
      expect(bare).toMatchObject({ status: 200, body: { subscription: { version: 3 } } });
      expect(Date.parse(bare.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(86_300_000);
      expect(problemFields(await h.call('POST', `${BASE}/${created.id}/secret/rotate`, sam, { body: { previousValidForSeconds: -1 } }))).toEqual(['previousValidForSeconds']);

      const mail = await create(email());
      const refused = await h.call('POST', `${BASE}/${mail.id}/secret/rotate`, sam);
      expect(expectProblem(refused, 409, ErrorCode.CONFLICT).detail).toBe('email subscriptions have no secret');
    });

    it('deletes a subscription: 200 with it as it was, then 404', async () => {
      const created = await create();

      await expect(h.call('DELETE', `${BASE}/${created.id}`, sam)).resolves.toMatchObject({ status: 200, body: { id: created.id } });

      expectProblem(await h.call('GET', `${BASE}/${created.id}`, sam), 404, ErrorCode.NOT_FOUND);
      expectProblem(await h.call('DELETE', `${BASE}/${created.id}`, sam), 404, ErrorCode.NOT_FOUND);
    });

    it('refuses requesters with 403, hides one agent’s subscription from another (404), and lets a manager read but not delete it (403)', async () => {
      const created = await create(webhook(), tom);

      expectProblem(await h.call('POST', BASE, alice, { body: webhook() }), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', BASE, alice), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', `${BASE}/${created.id}`, alice), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', `${BASE}/${created.id}`, sam), 404, ErrorCode.NOT_FOUND);
      expectProblem(await h.call('PUT', `${BASE}/${created.id}`, sam, { body: webhook() }), 404, ErrorCode.NOT_FOUND);
      await expect(h.call('GET', `${BASE}/${created.id}`, mia)).resolves.toMatchObject({ status: 200, body: { owner: 'tom' } });
      expectProblem(await h.call('DELETE', `${BASE}/${created.id}`, mia), 403, ErrorCode.FORBIDDEN);
      await expect(h.call('DELETE', `${BASE}/${created.id}`, ada)).resolves.toMatchObject({ status: 200 });
    });

    it('lists newest first a page at a time, agents only their own, managers everyone’s, filtered by query parameters', async () => {
      const owner = mintToken({ sub: `owner-${randomUUID().slice(0, 8)}`, roles: [Role.Agent] });
      const first = await create(webhook({ name: 'first' }), owner);
      const second = await create(email({ name: 'second' }), owner);
      const third = await create(webhook({ name: 'third', enabled: false }), owner);
      const sub = first.owner;

      const page = await h.call<SubscriptionPage>('GET', `/v1/notifications/subscriptions?limit=2`, owner);
      expect(page).toMatchObject({ status: 200, body: { items: [{ id: third.id }, { id: second.id }], nextCursor: expect.any(String) } });
      const next = await h.call<SubscriptionPage>('GET', `${BASE}?limit=2&cursor=${encodeURIComponent(page.body.nextCursor as string)}`, owner);
      expect(next.body).toEqual({ items: [expect.objectContaining({ id: first.id })], nextCursor: null });
      expectProblem(await h.call('GET', `${BASE}?cursor=forged`, owner), 400, ErrorCode.VALIDATION);

      const ids = (reply: Reply<SubscriptionPage>): string[] => reply.body.items.map((item) => item.id);
      expect(ids(await h.call<SubscriptionPage>('GET', `${BASE}?owner=${sub}&enabled=false`, mia))).toEqual([third.id]);
      expect(ids(await h.call<SubscriptionPage>('GET', `${BASE}?owner=${sub}&channel=email`, ada))).toEqual([second.id]);
      expect(ids(await h.call<SubscriptionPage>('GET', `${BASE}?owner=${sub}`, sam))).toEqual([]);
      expect(problemFields(await h.call('GET', `${BASE}?channel=pigeon`, sam))).toEqual(['channel']);
    });
  });

  describe('deliveries', () => {
    it('lists the deliveries of an event with their attempts, replays one with the same message id, and keeps others out', async () => {
      const subscription = await create(webhook({ webhook: { url: hookUrl }, eventTypes: ['incident.created'] }));
      const incident = buildIncidentView();
      const eventId = randomUUID();
      const envelope = { specversion: '1.0', id: eventId, source: 'itsm/incident', type: IncidentEvents.created.type, subject: incident.id, time: new Date().toISOString(), datacontenttype: 'application/json', correlationid: eventId, data: incident };
      await h.nc.jetstream().publish(IncidentEvents.created.subject, JSON.stringify(envelope), { msgID: eventId });

      const page = await waitFor(async () => {
        const reply = await h.call<DeliveryPage>('GET', `/v1/notifications/deliveries?event=${eventId}&subscription=${subscription.id}`, sam);
        return reply.body.items[0]?.status === DeliveryStatus.Delivered ? reply.body : undefined;
      });
      expect(page.items).toEqual([expect.objectContaining({ subscriptionId: subscription.id, recipient: hookUrl, attempts: 1, attemptLog: [expect.objectContaining({ attempt: 1, statusCode: 204, replay: false })] })]);
      const [delivery] = page.items;
      const replayed = await h.call<DeliveryView>('POST', `/v1/notifications/deliveries/${delivery?.id}/replay`, sam);
      expect(replayed.status).toBe(200);
      const after = await waitFor(async () => {
        const reply = await h.call<DeliveryView>('GET', `/v1/notifications/deliveries/${delivery?.id}`, sam);
        return reply.body.attempts === 2 ? reply.body : undefined;
      });
      expect(after.attemptLog.map((attempt) => attempt.replay)).toEqual([false, true]);
      expect(receiver.received.map((message) => message.headers['webhook-id'])).toEqual([delivery?.messageId, delivery?.messageId]);

      expectProblem(await h.call('GET', `/v1/notifications/deliveries/${delivery?.id}`, tom), 404, ErrorCode.NOT_FOUND);
      await expect(h.call<DeliveryPage>('GET', `/v1/notifications/deliveries?event=${eventId}`, tom)).resolves.toMatchObject({ status: 200, body: { items: [] } });
      expectProblem(await h.call('POST', `/v1/notifications/deliveries/${randomUUID()}/replay`, ada), 404, ErrorCode.NOT_FOUND);
      expect(problemFields(await h.call('GET', '/v1/notifications/deliveries/not-a-uuid', ada))).toEqual(['id']);
      expect(problemFields(await h.call('GET', '/v1/notifications/deliveries?status=lost', ada))).toEqual(['status']);
      expectProblem(await h.call('GET', '/v1/notifications/deliveries', alice), 403, ErrorCode.FORBIDDEN);
    });
  });

  describe('contacts', () => {
    it('lets admins put a contact and the people who work tickets read it; others are refused with 403, an unknown one is 404', async () => {
      const put = await h.call<ContactView>('PUT', '/v1/notifications/contacts/alice', ada, { body: { email: 'alice@example.com', name: 'Alice Smith', groups: ['network'] } });

      expect(put).toMatchObject({ status: 200, body: { sub: 'alice', email: 'alice@example.com', name: 'Alice Smith', groups: ['network'], updatedAt: expect.any(String) } });
      await expect(h.call('GET', '/v1/notifications/contacts/alice', sam)).resolves.toMatchObject({ status: 200, body: put.body });
      expectProblem(await h.call('PUT', '/v1/notifications/contacts/alice', mia, { body: { email: 'x@example.com' } }), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', '/v1/notifications/contacts/alice', alice), 403, ErrorCode.FORBIDDEN);
      expectProblem(await h.call('GET', '/v1/notifications/contacts/nobody', sam), 404, ErrorCode.NOT_FOUND);
      expect(problemFields(await h.call('PUT', '/v1/notifications/contacts/bob', ada, { body: { email: 'not an address' } }))).toEqual(['email']);
    });
  });

  it('documents the notification routes in the OpenAPI document', async () => {
    const response = await fetch(`${h.baseUrl}/openapi.json`);
    type Operation = { tags?: string[]; requestBody?: { required?: boolean; content: Record<string, { examples?: object }> } };
    const document = (await response.json()) as { paths: Record<string, Record<string, Operation>> };

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([BASE, `${BASE}/{id}`, `${BASE}/{id}/secret/rotate`, '/v1/notifications/contacts/{sub}', '/v1/notifications/deliveries', '/v1/notifications/deliveries/{id}/replay']),
    );
    expect(Object.keys(document.paths[`${BASE}/{id}`] ?? {})).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    expect(document.paths[BASE]?.['post']?.requestBody?.content['application/json']?.examples).toBeDefined();
    expect(document.paths[BASE]?.['post']?.tags).toEqual(['notifications']);
    expect(document.paths[`${BASE}/{id}/secret/rotate`]?.['post']?.requestBody).toMatchObject({ required: false, content: { 'application/json': { examples: expect.any(Object) } } });
  });
});
