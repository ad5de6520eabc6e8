/** Subscriptions and contacts over NATS RPC: the notification service in-process, real PostgreSQL and NATS. */
import * as dns from 'node:dns';
import { randomUUID } from 'node:crypto';
import {
  type Actor,
  CommonErrorCode,
  type CreatedSubscriptionView,
  type CreateSubscriptionDto,
  ErrorCode,
  NotificationErrorCode,
  NotificationRpc,
  Priority,
  type SubscriptionView,
} from '@itsm/contracts';
import { ada, alice, carl, fieldsOf, maria, sam, tom } from '@itsm/testing';
import { contactId } from '../src/contacts/contact.entity';
import { NotificationHarness } from './support/notification-harness';

/** A public address: literal IPs are checked without resolving anything. */
const PUBLIC_HOOK = 'https://93.184.215.14/itsm';

function webhook(overrides: Partial<CreateSubscriptionDto> = {}): CreateSubscriptionDto {
  return { name: `hook ${randomUUID().slice(0, 8)}`, eventTypes: ['incident.*'], channel: 'webhook', webhook: { url: PUBLIC_HOOK }, ...overrides };
}

function email(overrides: Partial<CreateSubscriptionDto> = {}): CreateSubscriptionDto {
  return {
    name: `mail ${randomUUID().slice(0, 8)}`,
    eventTypes: ['incident.created', 'incident.state_changed'],
    channel: 'email',
    email: { recipients: [{ kind: 'address', address: 'oncall@example.com' }, { kind: 'assignee' }] },
    template: { subject: '[{{ticket.priority}}] {{ticket.number}} {{ticket.title}}', text: '{{ticket.number}} is now {{ticket.state}}.' },
    ...overrides,
  };
}

describe('notification subscriptions', () => {
  let h: NotificationHarness;

  beforeAll(async () => {
    h = await NotificationHarness.start();
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function create(input: CreateSubscriptionDto, actor: Actor = sam): Promise<CreatedSubscriptionView> {
    return h.rpc.call(NotificationRpc.createSubscription, input, { actor });
  }

  /** The error a refused call rejects with. */
  async function refusal(call: Promise<unknown>): Promise<{ code: ErrorCode; reason?: string; message: string }> {
    return call.then(
      () => {
        throw new Error('the call was not refused');
      },
      (error: { code: ErrorCode; reason?: string; message: string }) => error,
    );
  }

  describe('webhooks', () => {
    it('shows a new webhook subscription its whsec_ secret once, owned by its creator; reading it later never shows a secret', async () => {
      const created = await create(webhook({ name: 'P1 to the bot', conditions: { priorities: [Priority.P1] } }));

      expect(created).toMatchObject({ name: 'P1 to the bot', channel: 'webhook', webhook: { url: PUBLIC_HOOK }, email: null, enabled: true, owner: 'sam', consecutiveFailures: 0, version: 1 });
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(Buffer.from((created.secret as string).slice('whsec_'.length), 'base64')).toHaveLength(24);
      const read = await h.rpc.call(NotificationRpc.getSubscription, { id: created.id }, { actor: sam });
      expect(read).not.toHaveProperty('secret');
      expect(JSON.stringify(read)).not.toContain(created.secret);
      const { secret: _secret, ...view } = created;
      expect(read).toEqual(view);
      await expect(h.row('subscriptions', created.id)).resolves.toMatchObject({ secret: created.secret, previous_secret: null });
      await expect(h.audit(created.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'subscription', action: 'created', actor_id: 'sam', before: null })]);
      expect(JSON.stringify(await h.audit(created.id))).not.toContain(created.secret);
    });

    it('rotates the secret: a new one shown once, the previous kept until previousSecretExpiresAt', async () => {
      const created = await create(webhook());
      const before = Date.now();

      const rotated = await h.rpc.call(NotificationRpc.rotateSecret, { id: created.id, previousValidForSeconds: 3600 }, { actor: sam });

      expect(rotated.secret).toMatch(/^whsec_/);
      expect(rotated.secret).not.toBe(created.secret);
      const expiresAt = Date.parse(rotated.previousSecretExpiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(expiresAt).toBeLessThan(Date.now() + 3_600_000 + 1000);
      expect(rotated.subscription).toMatchObject({ id: created.id, version: 2, previousSecretExpiresAt: rotated.previousSecretExpiresAt });
      expect(rotated.subscription).not.toHaveProperty('secret');
      await expect(h.row('subscriptions', created.id)).resolves.toMatchObject({ secret: rotated.secret, previous_secret: created.secret });
      const audit = await h.audit(created.id);
      expect(audit.map((entry) => entry.action)).toEqual(['created', 'secret_rotated']);
      expect(JSON.stringify(audit)).not.toMatch(/whsec_/);
    });

    it('keeps the previous secret a day by default when rotating', async () => {
      const created = await create(webhook());

      const rotated = await h.rpc.call(NotificationRpc.rotateSecret, { id: created.id }, { actor: ada });

      expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(86_400_000 - 60_000);
      expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeLessThanOrEqual(86_400_000);
    });

    it.each([
      ['loopback', 'http://127.0.0.1:8080/hook'],
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
      ['private', 'https://10.0.0.1/hook'],
      ['IPv6 loopback', 'http://[::1]/hook'],
      ['this machine by name', 'http://localhost:9/'],
      ['a host that does not resolve', 'https://no-such-host.invalid/hook'],
      ['not a URL', 'not a url'],
      ['another scheme', 'ftp://x'],
    ])('refuses a webhook URL to %s as a 400 naming webhook.url', async (_what, url) => {
      const error = await refusal(create(webhook({ webhook: { url } })));

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: NotificationErrorCode.TargetRefused });
      expect(fieldsOf(error)).toEqual(['webhook.url']);
    });

    it('says that a host name does not resolve', async () => {
      const error = await refusal(create(webhook({ webhook: { url: 'https://no-such-host.invalid/hook' } })));

      expect(error).toMatchObject({ details: { errors: [{ field: 'webhook.url', message: expect.stringContaining('does not resolve') }] } });
    });

    it('refuses a host name that resolves to an internal address, even when another of its addresses is public', async () => {
      const lookup = jest.spyOn(dns.promises, 'lookup').mockResolvedValue([
        { address: '93.184.215.14', family: 4 },
        { address: '10.1.2.3', family: 4 },
      ] as never);

      const error = await refusal(create(webhook({ webhook: { url: 'https://hooks.example.com/itsm' } })));

      expect(lookup).toHaveBeenCalledWith('hooks.example.com', expect.objectContaining({ all: true }));
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, details: { errors: [{ field: 'webhook.url', message: expect.stringContaining('10.1.2.3') }] } });
    });

    it('accepts a host name that resolves to public addresses only', async () => {
      jest.spyOn(dns.promises, 'lookup').mockResolvedValue([{ address: '93.184.215.14', family: 4 }] as never);

      await expect(create(webhook({ webhook: { url: 'https://hooks.example.com/itsm', timeoutMs: 5000 } }))).resolves.toMatchObject({ webhook: { url: 'https://hooks.example.com/itsm', timeoutMs: 5000 } });
    });

    it('requires a webhook target with channel webhook, and no email recipients', async () => {
      const { webhook: _target, ...withoutTarget } = webhook();

      await expect(refusal(create(withoutTarget))).resolves.toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(await refusal(create(withoutTarget)))).toEqual(['webhook']);
      expect(fieldsOf(await refusal(create(webhook({ email: { recipients: [{ kind: 'assignee' }] } }))))).toEqual(['email']);
    });
  });

  describe('event types and templates', () => {
    it('refuses an unknown event type as a 400 naming eventTypes.<i>', async () => {
      const error = await refusal(create(webhook({ eventTypes: ['incident.created', 'incident.exploded'] })));

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: NotificationErrorCode.InvalidEventPattern, details: { errors: [{ field: 'eventTypes.1', message: expect.stringContaining('matches no event type') }] } });
      expect(fieldsOf(await refusal(create(webhook({ eventTypes: ['incident.exploded'] }))))).toEqual(['eventTypes.0']);
      expect(fieldsOf(await refusal(create(webhook({ eventTypes: ['Incident!'] }))))).toEqual(['eventTypes.0']);
      expect(fieldsOf(await refusal(create(webhook({ eventTypes: ['notification.failed'] }))))).toEqual(['eventTypes.0']);
    });

    it('refuses a template with a field no subscribed event has, naming the template field', async () => {
      const error = await refusal(create(email({ template: { subject: '{{ticket.number}}', text: 'Ticket {{ticket.nope}}', html: '<p>{{data.nothing}}</p>' } })));

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: NotificationErrorCode.InvalidTemplate });
      expect(fieldsOf(error)).toEqual(['template.html', 'template.text']);
      expect(error).toMatchObject({ details: { errors: expect.arrayContaining([{ field: 'template.text', message: expect.stringContaining('ticket.nope') }]) } });
    });

    it('refuses a template that does not parse', async () => {
      expect(fieldsOf(await refusal(create(email({ template: { subject: '{{#ticket.number}} open section' } }))))).toEqual(['template.subject']);
    });

    it('names every field of a subscription with problems of several kinds, as an invalid subscription', async () => {
      const error = await refusal(create(webhook({ eventTypes: ['incident.exploded'], webhook: { url: 'http://127.0.0.1:8080/hook' } })));

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: NotificationErrorCode.InvalidSubscription, message: 'the subscription cannot be used as given: eventTypes.0, webhook.url' });
      expect(fieldsOf(error)).toEqual(['eventTypes.0', 'webhook.url']);
    });
  });

  describe('email', () => {
    it('creates an email subscription without a secret', async () => {
      const created = await create(email());

      expect(created).toMatchObject({ channel: 'email', webhook: null, secret: null, email: { recipients: [{ kind: 'address', address: 'oncall@example.com' }, { kind: 'assignee' }] }, template: { subject: expect.any(String) } });
      await expect(h.row('subscriptions', created.id)).resolves.toMatchObject({ secret: null });
    });

    it('refuses an address on a recipient that is looked up, and email without recipients', async () => {
      const lookedUp = await refusal(create(email({ email: { recipients: [{ kind: 'caller', address: 'x@example.com' }] } })));
      expect(lookedUp).toMatchObject({ code: ErrorCode.VALIDATION, reason: NotificationErrorCode.InvalidTarget });
      expect(fieldsOf(lookedUp)).toEqual(['email.recipients.0.address']);
      const { email: _target, ...withoutTarget } = email();
      expect(fieldsOf(await refusal(create(withoutTarget)))).toEqual(['email']);
      expect(fieldsOf(await refusal(create(email({ webhook: { url: PUBLIC_HOOK } }))))).toEqual(['webhook']);
    });

    it('refuses to rotate the secret of an email subscription with 409', async () => {
      const created = await create(email());

      await expect(refusal(h.rpc.call(NotificationRpc.rotateSecret, { id: created.id }, { actor: sam }))).resolves.toMatchObject({
        code: ErrorCode.CONFLICT,
        reason: NotificationErrorCode.EmailHasNoSecret,
        message: 'email subscriptions have no secret',
      });
    });
  });

  describe('updates and deletes', () => {
    it('replaces a subscription with the version it was based on; a stale expectedVersion is PRECONDITION_FAILED and changes nothing', async () => {
      const created = await create(webhook());

      const updated = await h.rpc.call(NotificationRpc.updateSubscription, { ...webhook({ name: 'renamed', eventTypes: ['sla.*'] }), id: created.id, expectedVersion: 1 }, { actor: sam });

      expect(updated).toMatchObject({ id: created.id, name: 'renamed', eventTypes: ['sla.*'], version: 2 });
      expect(updated).not.toHaveProperty('secret');
      await expect(refusal(h.rpc.call(NotificationRpc.updateSubscription, { ...webhook({ name: 'stale' }), id: created.id, expectedVersion: 1 }, { actor: sam }))).resolves.toMatchObject({
        code: ErrorCode.PRECONDITION_FAILED,
        reason: CommonErrorCode.VersionMismatch,
      });
      await expect(h.rpc.call(NotificationRpc.getSubscription, { id: created.id }, { actor: sam })).resolves.toMatchObject({ name: 'renamed', version: 2 });
      await expect(h.row('subscriptions', created.id)).resolves.toMatchObject({ secret: created.secret });
    });

    it('starts the failure count afresh when a disabled subscription is enabled again', async () => {
      const created = await create(webhook());
      await h.database.query(`UPDATE notification.subscriptions SET enabled = false, consecutive_failures = 5, disabled_reason = 'disabled after 5 failed messages in a row', version = version + 1 WHERE id = $1`, [
        created.id,
      ]);

      const enabled = await h.rpc.call(NotificationRpc.updateSubscription, { ...webhook({ enabled: true }), id: created.id, expectedVersion: 2 }, { actor: sam });

      expect(enabled).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null, version: 3 });
    });

    it('keeps the channel of a subscription', async () => {
      const created = await create(webhook());

      const error = await refusal(h.rpc.call(NotificationRpc.updateSubscription, { ...email(), id: created.id }, { actor: sam }));

      expect(error).toMatchObject({ code: ErrorCode.CONFLICT, reason: NotificationErrorCode.ChannelFixed });
      expect(fieldsOf(error)).toEqual(['channel']);
    });

    it('deletes a subscription, answering it as it was; then it is not found', async () => {
      const created = await create(webhook());

      await expect(h.rpc.call(NotificationRpc.deleteSubscription, { id: created.id }, { actor: sam })).resolves.toMatchObject({ id: created.id, version: 1 });

      await expect(refusal(h.rpc.call(NotificationRpc.getSubscription, { id: created.id }, { actor: sam }))).resolves.toMatchObject({
        code: ErrorCode.NOT_FOUND,
        reason: NotificationErrorCode.SubscriptionNotFound,
      });
      await expect(h.count('subscriptions WHERE id = $1', [created.id])).resolves.toBe(0);
      await expect(h.audit(created.id)).resolves.toEqual([expect.objectContaining({ action: 'created' }), expect.objectContaining({ action: 'deleted', after: null })]);
    });
  });

  describe('who may do what', () => {
    it('refuses requesters (and CAB members without another role) everything with FORBIDDEN', async () => {
      const created = await create(webhook());

      for (const actor of [alice, carl]) {
        await expect(refusal(create(webhook(), actor))).resolves.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired });
        await expect(refusal(h.rpc.call(NotificationRpc.listSubscriptions, {}, { actor }))).resolves.toMatchObject({ code: ErrorCode.FORBIDDEN });
        await expect(refusal(h.rpc.call(NotificationRpc.getSubscription, { id: created.id }, { actor }))).resolves.toMatchObject({ code: ErrorCode.FORBIDDEN });
      }
    });

    it('lets owners and admins change a subscription; another agent does not find it, a manager reads it but may not change it', async () => {
      const created = await create(webhook(), tom);

      for (const call of [
        h.rpc.call(NotificationRpc.getSubscription, { id: created.id }, { actor: sam }),
        h.rpc.call(NotificationRpc.updateSubscription, { ...webhook(), id: created.id }, { actor: sam }),
        h.rpc.call(NotificationRpc.rotateSecret, { id: created.id }, { actor: sam }),
        h.rpc.call(NotificationRpc.deleteSubscription, { id: created.id }, { actor: sam }),
      ]) {
        await expect(refusal(call)).resolves.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: NotificationErrorCode.SubscriptionNotFound });
      }
      await expect(h.rpc.call(NotificationRpc.getSubscription, { id: created.id }, { actor: maria })).resolves.toMatchObject({ owner: 'tom' });
      await expect(refusal(h.rpc.call(NotificationRpc.deleteSubscription, { id: created.id }, { actor: maria }))).resolves.toMatchObject({
        code: ErrorCode.FORBIDDEN,
        reason: NotificationErrorCode.SubscriptionNotYours,
      });
      await expect(h.rpc.call(NotificationRpc.updateSubscription, { ...webhook({ name: 'by the admin' }), id: created.id }, { actor: ada })).resolves.toMatchObject({ name: 'by the admin', owner: 'tom' });
      await expect(h.rpc.call(NotificationRpc.deleteSubscription, { id: created.id }, { actor: ada })).resolves.toMatchObject({ id: created.id });
    });
  });

  describe('listing', () => {
    let mine: SubscriptionView[];
    let theirs: SubscriptionView[];

    beforeAll(async () => {
      await h.database.query('DELETE FROM notification.subscriptions');
      mine = [];
      theirs = [];
      for (let i = 0; i < 3; i += 1) mine.push(await create(webhook({ name: `sam ${i}` }), sam));
      mine.push(await create(email({ name: 'sam mail', enabled: false }), sam));
      for (let i = 0; i < 2; i += 1) theirs.push(await create(webhook({ name: `tom ${i}` }), tom));
    });

    const names = (items: SubscriptionView[]): string[] => items.map((item) => item.name);

    it('shows agents only their own subscriptions, newest first, whatever owner they ask for', async () => {
      await expect(h.rpc.call(NotificationRpc.listSubscriptions, {}, { actor: sam })).resolves.toMatchObject({ nextCursor: null });
      expect(names((await h.rpc.call(NotificationRpc.listSubscriptions, {}, { actor: sam })).items)).toEqual(['sam mail', 'sam 2', 'sam 1', 'sam 0']);
      await expect(h.rpc.call(NotificationRpc.listSubscriptions, { owner: 'tom' }, { actor: sam })).resolves.toEqual({ items: [], nextCursor: null });
    });

    it('shows managers and admins everyone’s, filtered by owner, channel and enabled', async () => {
      for (const actor of [maria, ada]) {
        expect(names((await h.rpc.call(NotificationRpc.listSubscriptions, {}, { actor })).items)).toEqual(['tom 1', 'tom 0', 'sam mail', 'sam 2', 'sam 1', 'sam 0']);
      }
      expect(names((await h.rpc.call(NotificationRpc.listSubscriptions, { owner: 'tom' }, { actor: maria })).items)).toEqual(['tom 1', 'tom 0']);
      expect(names((await h.rpc.call(NotificationRpc.listSubscriptions, { channel: 'email' }, { actor: maria })).items)).toEqual(['sam mail']);
      expect(names((await h.rpc.call(NotificationRpc.listSubscriptions, { enabled: false }, { actor: maria })).items)).toEqual(['sam mail']);
      expect(names((await h.rpc.call(NotificationRpc.listSubscriptions, { enabled: true, channel: 'webhook', owner: 'sam' }, { actor: ada })).items)).toEqual(['sam 2', 'sam 1', 'sam 0']);
    });

    it('pages with the cursor until nextCursor is null, each subscription once', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await h.rpc.call(NotificationRpc.listSubscriptions, { limit: 4, ...(cursor ? { cursor } : {}) }, { actor: ada });
        seen.push(...names(page.items));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);

      expect(seen).toEqual(['tom 1', 'tom 0', 'sam mail', 'sam 2', 'sam 1', 'sam 0']);
      const forged = await refusal(h.rpc.call(NotificationRpc.listSubscriptions, { cursor: 'forged' }, { actor: ada }));
      expect(forged).toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidCursor });
      expect(fieldsOf(forged)).toEqual(['cursor']);
      expect([...mine, ...theirs]).toHaveLength(6);
    });
  });

  describe('contacts', () => {
    it('lets admins put a contact and agents, managers and admins read it; a second put replaces it', async () => {
      const first = await h.rpc.call(NotificationRpc.putContact, { sub: 'alice', email: 'alice@example.com', name: 'Alice Smith', groups: ['network'] }, { actor: ada });

      expect(first).toMatchObject({ sub: 'alice', email: 'alice@example.com', name: 'Alice Smith', groups: ['network'] });
      for (const actor of [sam, maria, ada]) await expect(h.rpc.call(NotificationRpc.getContact, { sub: 'alice' }, { actor })).resolves.toEqual(first);
      await expect(h.rpc.call(NotificationRpc.putContact, { sub: 'alice', email: 'a.smith@example.com' }, { actor: ada })).resolves.toMatchObject({ email: 'a.smith@example.com', name: null, groups: [] });
      await expect(h.count('contacts WHERE sub = $1', ['alice'])).resolves.toBe(1);
      const audit = await h.audit(contactId('alice'));
      expect(audit).toEqual([
        expect.objectContaining({ entity_type: 'contact', action: 'created', actor_id: 'ada', before: null, after: { ...first, version: 1 } }),
        expect.objectContaining({ action: 'updated', before: { ...first, version: 1 }, after: expect.objectContaining({ email: 'a.smith@example.com', version: 2 }) }),
      ]);
    });

    it('makes one contact of two first puts of one sub at once, the later replacing the earlier', async () => {
      const puts = await Promise.all(['one', 'two'].map((name) => h.rpc.call(NotificationRpc.putContact, { sub: 'dana', email: `${name}@example.com`, name }, { actor: ada })));

      await expect(h.count('contacts WHERE sub = $1', ['dana'])).resolves.toBe(1);
      await expect(h.rpc.call(NotificationRpc.getContact, { sub: 'dana' }, { actor: sam })).resolves.toMatchObject({ name: expect.stringMatching(/^(one|two)$/) });
      expect(puts.map((put) => put.sub)).toEqual(['dana', 'dana']);
      expect((await h.audit(contactId('dana'))).map((entry) => entry.action)).toEqual(['created', 'updated']);
    });

    it('refuses contacts to everybody else: writes by non-admins, reads by requesters; an unknown sub is not found', async () => {
      await expect(refusal(h.rpc.call(NotificationRpc.putContact, { sub: 'bob', email: 'bob@example.com' }, { actor: maria }))).resolves.toMatchObject({
        code: ErrorCode.FORBIDDEN,
        reason: CommonErrorCode.RoleRequired,
      });
      await expect(refusal(h.rpc.call(NotificationRpc.getContact, { sub: 'alice' }, { actor: alice }))).resolves.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(refusal(h.rpc.call(NotificationRpc.getContact, { sub: 'nobody' }, { actor: sam }))).resolves.toMatchObject({
        code: ErrorCode.NOT_FOUND,
        reason: NotificationErrorCode.ContactNotFound,
        message: 'no contact for nobody',
      });
      expect(fieldsOf(await refusal(h.rpc.call(NotificationRpc.putContact, { sub: 'bob', email: 'not an address' }, { actor: ada })))).toEqual(['email']);
    });
  });
});

describe('notification subscriptions with an allow-list', () => {
  let h: NotificationHarness;

  beforeAll(async () => {
    h = await NotificationHarness.start({ NOTIFICATION_ALLOWED_TARGETS: '127.0.0.1' });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  it('accepts a loopback URL that NOTIFICATION_ALLOWED_TARGETS allows, and still refuses other internal ones', async () => {
    const created = await h.rpc.call(NotificationRpc.createSubscription, webhook({ webhook: { url: 'http://127.0.0.1:8080/hook' } }), { actor: sam });

    expect(created).toMatchObject({ webhook: { url: 'http://127.0.0.1:8080/hook' }, secret: expect.stringMatching(/^whsec_/) });
    await expect(h.rpc.call(NotificationRpc.createSubscription, webhook({ webhook: { url: 'http://10.0.0.1/hook' } }), { actor: sam })).rejects.toMatchObject({
      code: ErrorCode.VALIDATION,
      details: { errors: [{ field: 'webhook.url', message: expect.any(String) }] },
    });
  });
});
