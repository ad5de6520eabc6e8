import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  type Actor,
  AllEvents,
  type CreatedSubscriptionView,
  type CreateSubscriptionDto,
  DEFAULT_PAGE_SIZE,
  DomainError,
  type EmailTargetDto,
  ErrorCode,
  type FieldError,
  type ListSubscriptionsRequest,
  type NotificationTemplateDto,
  type RotatedSecretView,
  type RotateSecretRequest,
  type SubscriptionConditionsDto,
  type SubscriptionDefinitionDto,
  type SubscriptionPage,
  type SubscriptionView,
  type UpdateSubscriptionRequest,
  type WebhookTargetDto,
} from '@itsm/contracts';
import { SERVICE_CONFIG } from '@itsm/runtime';
import { assertVersion, AuditEntry, decodeCursor, encodeCursor } from '@itsm/persistence';
import { WorkContexts } from '@itsm/observability';
import type { NotificationConfig } from '../config';
import { type AllowList, parseAllowList } from '../domain/address-guard';
import { checkEventPattern, patternMatches } from '../domain/event-patterns';
import { checkTemplate } from '../domain/templates';
import { mayChangeSubscription, mayReadSubscription, requireSubscriber, seesAllSubscriptions } from '../notification-access';
import { Subscription } from './subscription.entity';
import { toSubscriptionView } from './subscription-view';
import { checkWebhookTarget } from './webhook-target';

const DEFAULT_PREVIOUS_VALID_SECONDS = 86_400;
const TEMPLATE_FIELDS = ['subject', 'text', 'html'] as const;

type Definition = Pick<Subscription, 'name' | 'description' | 'eventTypes' | 'conditions' | 'channel' | 'webhook' | 'email' | 'template' | 'enabled'>;

/** A Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Subscriptions: agents, managers and admins subscribe; a subscription is its owner's (and the admins') to read
 * and change; managers and admins see all of them.
 */
@Injectable()
export class SubscriptionsService {
  private readonly allowList: AllowList;
  private readonly knownTypes: readonly string[] = AllEvents.map((event) => event.type);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: NotificationConfig,
  ) {
    this.allowList = parseAllowList(config.NOTIFICATION_ALLOWED_TARGETS);
  }

  async create(input: CreateSubscriptionDto, actor: Actor): Promise<CreatedSubscriptionView> {
    requireSubscriber(actor);
    const fields = await this.definition(input);
    const secret = fields.channel === 'webhook' ? newWebhookSecret() : null;
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const subscription = manager.create(Subscription, {
        id: randomUUID(),
        ...fields,
        owner: actor.sub,
        consecutiveFailures: 0,
        disabledReason: null,
        secret,
        previousSecret: null,
        previousSecretExpiresAt: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      // jsonb columns typed by the DTO classes do not fit TypeORM's deep-partial type; they are plain JSON.
      await manager.insert(Subscription, subscription as QueryDeepPartialEntity<Subscription>);
      const view = toSubscriptionView(subscription);
      await audit(manager, { entityId: subscription.id, action: 'created', actorId: actor.sub, before: null, after: view });
      return { ...view, secret };
    });
  }

  async get(id: string, actor: Actor): Promise<SubscriptionView> {
    requireSubscriber(actor);
    const subscription = await this.dataSource.getRepository(Subscription).findOneBy({ id });
    assertVisible(subscription, id, actor);
    return toSubscriptionView(subscription);
  }

  /** Newest first; agents only ever get their own. */
  async list(query: ListSubscriptionsRequest, actor: Actor): Promise<SubscriptionPage> {
    requireSubscriber(actor);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.dataSource
      .getRepository(Subscription)
      .createQueryBuilder('s')
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .limit(limit + 1);
    if (!seesAllSubscriptions(actor)) builder.andWhere('s.owner = :me', { me: actor.sub });
    if (query.owner !== undefined) builder.andWhere('s.owner = :owner', { owner: query.owner });
    if (query.channel !== undefined) builder.andWhere('s.channel = :channel', { channel: query.channel });
    if (query.enabled !== undefined) builder.andWhere('s.enabled = :enabled', { enabled: query.enabled });
    if (query.cursor) {
      const [at, id] = timeAndId(query.cursor);
      builder.andWhere('(s.createdAt, s.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at, id });
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toSubscriptionView), nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
  }

  /** Replaces the definition; enabling a disabled subscription starts its failure count afresh. */
  async update(request: UpdateSubscriptionRequest, actor: Actor): Promise<SubscriptionView> {
    requireSubscriber(actor);
    const fields = await this.definition(request);
    return this.change(request.id, actor, (subscription) => {
      assertVersion(`subscription ${subscription.name}`, subscription.version, request.expectedVersion);
      if (fields.channel !== subscription.channel) {
        throw new DomainError(ErrorCode.CONFLICT, `subscription ${subscription.name} delivers by ${subscription.channel}; subscribe anew for ${fields.channel}`, {
          errors: [{ field: 'channel', message: `cannot change from ${subscription.channel}` }],
        });
      }
      const restarted = fields.enabled && !subscription.enabled ? { consecutiveFailures: 0, disabledReason: null } : {};
      return { action: 'updated', next: { ...fields, ...restarted } };
    });
  }

  /** Removes the subscription; its deliveries stay in the log until they expire. */
  async delete(id: string, actor: Actor): Promise<SubscriptionView> {
    requireSubscriber(actor);
    return this.dataSource.transaction(async (manager) => {
      const subscription = await this.lockForChange(manager, id, actor);
      await manager.delete(Subscription, { id });
      const view = toSubscriptionView(subscription);
      await audit(manager, { entityId: id, action: 'deleted', actorId: actor.sub, before: view, after: null });
      return view;
    });
  }

  /** A new signing secret; messages carry a signature with the previous one too until it expires. */
  async rotateSecret(request: RotateSecretRequest, actor: Actor): Promise<RotatedSecretView> {
    requireSubscriber(actor);
    const secret = newWebhookSecret();
    const previousSecretExpiresAt = new Date(Date.now() + (request.previousValidForSeconds ?? DEFAULT_PREVIOUS_VALID_SECONDS) * 1000);
    const view = await this.change(request.id, actor, (subscription) => {
      if (subscription.channel !== 'webhook') throw new DomainError(ErrorCode.CONFLICT, 'email subscriptions have no secret');
      return { action: 'secret_rotated', next: { secret, previousSecret: subscription.secret, previousSecretExpiresAt } };
    });
    return { secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString(), subscription: view };
  }

  /** Locks, checks who may change it, applies `next`, bumps the version and audits (without secrets). */
  private async change(id: string, actor: Actor, decide: (subscription: Subscription) => { action: string; next: Partial<Subscription> }): Promise<SubscriptionView> {
    return this.dataSource.transaction(async (manager) => {
      const subscription = await this.lockForChange(manager, id, actor);
      const before = toSubscriptionView(subscription);
      const { action, next } = decide(subscription);
      Object.assign(subscription, next, { version: subscription.version + 1, updatedAt: new Date() });
      await manager.update(Subscription, { id }, { ...next, version: subscription.version, updatedAt: subscription.updatedAt } as QueryDeepPartialEntity<Subscription>);
      const view = toSubscriptionView(subscription);
      await audit(manager, { entityId: id, action, actorId: actor.sub, before, after: view });
      return view;
    });
  }

  private async lockForChange(manager: EntityManager, id: string, actor: Actor): Promise<Subscription> {
    const subscription = await manager.findOne(Subscription, { where: { id }, lock: { mode: 'pessimistic_write' } });
    assertVisible(subscription, id, actor);
    if (!mayChangeSubscription(actor, subscription.owner)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `subscription ${subscription.name} is ${subscription.owner}'s; only its owner and admins change it`);
    }
    return subscription;
  }

  /** The definition as stored, or a 400 naming every field the shape checks let through but the service cannot use. */
  private async definition(input: SubscriptionDefinitionDto): Promise<Definition> {
    const errors: FieldError[] = [];
    input.eventTypes.forEach((pattern, index) => {
      const problem = checkEventPattern(pattern, this.knownTypes);
      if (problem) errors.push({ field: `eventTypes.${index}`, message: problem });
    });
    errors.push(...targetErrors(input));
    if (input.channel === 'webhook' && input.webhook) {
      const problem = await checkWebhookTarget(input.webhook.url, this.allowList);
      if (problem) errors.push({ field: 'webhook.url', message: problem });
    }
    if (input.template) {
      const matching = this.knownTypes.filter((type) => input.eventTypes.some((pattern) => patternMatches(pattern, type)));
      for (const field of TEMPLATE_FIELDS) {
        const template = input.template[field];
        if (template !== undefined) errors.push(...checkTemplate(template, matching).map((message) => ({ field: `template.${field}`, message })));
      }
    }
    if (errors.length > 0) {
      const fields = [...new Set(errors.map((error) => error.field))];
      throw new DomainError(ErrorCode.VALIDATION, `the subscription cannot be used as given: ${fields.join(', ')}`, { errors });
    }
    return {
      name: input.name,
      description: input.description ?? null,
      eventTypes: input.eventTypes,
      conditions: conditionsOf(input.conditions),
      channel: input.channel,
      webhook: input.channel === 'webhook' && input.webhook ? webhookOf(input.webhook) : null,
      email: input.channel === 'email' && input.email ? emailOf(input.email) : null,
      template: templateOf(input.template),
      enabled: input.enabled ?? true,
    };
  }
}

/** A webhook subscription has a URL and no recipients; an email one recipients, each address only with kind `address`. */
function targetErrors(input: SubscriptionDefinitionDto): FieldError[] {
  const errors: FieldError[] = [];
  const other = input.channel === 'webhook' ? 'email' : 'webhook';
  if (!input[input.channel]) errors.push({ field: input.channel, message: `is required with channel ${input.channel}` });
  if (input[other] !== undefined && input[other] !== null) errors.push({ field: other, message: `must not be given with channel ${input.channel}` });
  if (input.channel === 'email') {
    (input.email?.recipients ?? []).forEach((recipient, index) => {
      if (recipient.kind === 'address' && !recipient.address) errors.push({ field: `email.recipients.${index}.address`, message: 'is required with kind address' });
      if (recipient.kind !== 'address' && recipient.address !== undefined) errors.push({ field: `email.recipients.${index}.address`, message: `must not be given with kind ${recipient.kind}` });
    });
  }
  return errors;
}

/** Only the keys given: an absent condition matches everything. */
function conditionsOf(input: SubscriptionConditionsDto | undefined): SubscriptionConditionsDto {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== undefined)) as SubscriptionConditionsDto;
}

function webhookOf(input: WebhookTargetDto): WebhookTargetDto {
  return { url: input.url, ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }) };
}

function emailOf(input: EmailTargetDto): EmailTargetDto {
  return { recipients: input.recipients.map((recipient) => (recipient.kind === 'address' ? { kind: recipient.kind, address: recipient.address } : { kind: recipient.kind })) };
}

function templateOf(input: NotificationTemplateDto | undefined): NotificationTemplateDto | null {
  const fields = Object.fromEntries(TEMPLATE_FIELDS.flatMap((field) => (input?.[field] === undefined ? [] : [[field, input[field]]])));
  return Object.keys(fields).length === 0 ? null : (fields as NotificationTemplateDto);
}

/** Someone else's subscription looks exactly like one that does not exist: no id guessing. */
function assertVisible(subscription: Subscription | null, id: string, actor: Actor): asserts subscription is Subscription {
  if (!subscription || !mayReadSubscription(actor, subscription.owner)) throw new DomainError(ErrorCode.NOT_FOUND, `subscription ${id} not found`);
}

function invalidCursor(): DomainError {
  return new DomainError(ErrorCode.VALIDATION, 'cursor is not valid', { errors: [{ field: 'cursor', message: 'must be a nextCursor returned by this list' }] });
}

/** `[instant, uuid]` of a keyset cursor. */
function timeAndId(cursor: string): [string, string] {
  const [at, id] = decodeCursor(cursor, 2);
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw invalidCursor();
  return [at, id];
}

async function audit(manager: EntityManager, record: { entityId: string; action: string; actorId: string; before: object | null; after: object | null }): Promise<void> {
  await manager.insert(AuditEntry, { entityType: 'subscription', ...record, correlationId: WorkContexts.current()?.correlationId ?? null });
}
