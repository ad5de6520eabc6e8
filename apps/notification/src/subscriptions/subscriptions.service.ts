import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  AllEvents,
  type CreatedSubscriptionView,
  type CreateSubscriptionDto,
  DEFAULT_PAGE_SIZE,
  type EmailTargetDto,
  type FieldError,
  type ListSubscriptionsRequest,
  NotificationError,
  NotificationErrorCode,
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
import { decodeTimeCursor, encodeTimeCursor } from '@itsm/persistence';
import type { NotificationConfig } from '../config';
import { mayChangeSubscription, mayReadSubscription, seesAllSubscriptions } from '../domain/access';
import { type AllowList, parseAllowList } from '../domain/address-guard';
import { checkEventPattern, patternMatches } from '../domain/event-patterns';
import { checkTemplate } from '../domain/templates';
import { Subscription } from './subscription.entity';
import { SubscriptionWriter } from './subscription.writer';
import { checkWebhookTarget } from './webhook-target';

const DEFAULT_PREVIOUS_VALID_SECONDS = 86_400;
const TEMPLATE_FIELDS = ['subject', 'text', 'html'] as const;

type Definition = Pick<Subscription, 'name' | 'description' | 'eventTypes' | 'conditions' | 'channel' | 'webhook' | 'email' | 'template' | 'enabled'>;

/** A field the service cannot use, with the reason its refusal carries. */
interface Problem extends FieldError {
  reason: NotificationErrorCode;
}

/** A Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Subscriptions: a subscription is its owner's (and the admins') to read and change; managers and admins see all
 * of them.
 */
@Injectable()
export class SubscriptionsService {
  private readonly allowList: AllowList;
  private readonly knownTypes: readonly string[] = AllEvents.map((event) => event.type);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: NotificationConfig,
    private readonly writer: SubscriptionWriter,
  ) {
    this.allowList = parseAllowList(config.NOTIFICATION_ALLOWED_TARGETS);
  }

  async create(input: CreateSubscriptionDto, actor: Actor): Promise<CreatedSubscriptionView> {
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
      const view = await this.writer.insert(manager, subscription, { actorId: actor.sub });
      return { ...view, secret };
    });
  }

  async get(id: string, actor: Actor): Promise<SubscriptionView> {
    const subscription = await this.dataSource.getRepository(Subscription).findOneBy({ id });
    if (!subscription || !mayReadSubscription(actor, subscription)) throw this.writer.notFound(id);
    return this.writer.toView(subscription);
  }

  /** Newest first; agents only ever get their own. */
  async list(query: ListSubscriptionsRequest, actor: Actor): Promise<SubscriptionPage> {
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
      const { at, id } = decodeTimeCursor(query.cursor);
      builder.andWhere('(s.createdAt, s.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at, id });
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((row) => this.writer.toView(row)), nextCursor: rows.length > limit && last ? encodeTimeCursor(last.createdAt, last.id) : null };
  }

  /** Replaces the definition; enabling a disabled subscription starts its failure count afresh. */
  async update(request: UpdateSubscriptionRequest, actor: Actor): Promise<SubscriptionView> {
    const fields = await this.definition(request);
    return this.dataSource.transaction(async (manager) => {
      const subscription = await this.lockForChange(manager, request.id, actor, request.expectedVersion);
      if (fields.channel !== subscription.channel) {
        throw new NotificationError(NotificationErrorCode.ChannelFixed, `subscription ${subscription.name} delivers by ${subscription.channel}; subscribe anew for ${fields.channel}`, {
          errors: [{ field: 'channel', message: `cannot change from ${subscription.channel}` }],
        });
      }
      const before = this.writer.toView(subscription);
      const restarted = fields.enabled && !subscription.enabled ? { consecutiveFailures: 0, disabledReason: null } : {};
      Object.assign(subscription, fields, restarted);
      return this.writer.save(manager, subscription, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  /** Removes the subscription; its deliveries stay in the log until they expire. */
  async delete(id: string, actor: Actor): Promise<SubscriptionView> {
    return this.dataSource.transaction(async (manager) => {
      const subscription = await this.lockForChange(manager, id, actor);
      return this.writer.remove(manager, subscription, { actorId: actor.sub });
    });
  }

  /** A new signing secret; messages carry a signature with the previous one too until it expires. */
  async rotateSecret(request: RotateSecretRequest, actor: Actor): Promise<RotatedSecretView> {
    const secret = newWebhookSecret();
    const previousSecretExpiresAt = new Date(Date.now() + (request.previousValidForSeconds ?? DEFAULT_PREVIOUS_VALID_SECONDS) * 1000);
    const view = await this.dataSource.transaction(async (manager) => {
      const subscription = await this.lockForChange(manager, request.id, actor);
      if (subscription.channel !== 'webhook') throw new NotificationError(NotificationErrorCode.EmailHasNoSecret, 'email subscriptions have no secret');
      const before = this.writer.toView(subscription);
      Object.assign(subscription, { secret, previousSecret: subscription.secret, previousSecretExpiresAt });
      return this.writer.save(manager, subscription, before, { actorId: actor.sub, action: 'secret_rotated' });
    });
    return { secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString(), subscription: view };
  }

  /** The subscription locked for a change by `actor`: not found when they may not see it, refused when they may only read it. */
  private async lockForChange(manager: EntityManager, id: string, actor: Actor, expectedVersion?: number): Promise<Subscription> {
    return this.writer.lock(manager, id, {
      expectedVersion,
      visible: (row) => mayReadSubscription(actor, row),
      authorize: (row) => {
        if (!mayChangeSubscription(actor, row)) {
          throw new NotificationError(NotificationErrorCode.SubscriptionNotYours, `subscription ${row.name} is ${row.owner}'s; only its owner and admins change it`);
        }
      },
    });
  }

  /** The definition as stored, or a 400 naming every field the shape checks let through but the service cannot use. */
  private async definition(input: SubscriptionDefinitionDto): Promise<Definition> {
    const problems: Problem[] = [];
    input.eventTypes.forEach((pattern, index) => {
      const problem = checkEventPattern(pattern, this.knownTypes);
      if (problem) problems.push({ field: `eventTypes.${index}`, message: problem, reason: NotificationErrorCode.InvalidEventPattern });
    });
    problems.push(...targetProblems(input));
    if (input.channel === 'webhook' && input.webhook) {
      const problem = await checkWebhookTarget(input.webhook.url, this.allowList);
      if (problem) problems.push({ field: 'webhook.url', message: problem, reason: NotificationErrorCode.TargetRefused });
    }
    if (input.template) {
      const matching = this.knownTypes.filter((type) => input.eventTypes.some((pattern) => patternMatches(pattern, type)));
      for (const field of TEMPLATE_FIELDS) {
        const template = input.template[field];
        if (template !== undefined) problems.push(...checkTemplate(template, matching).map((message) => ({ field: `template.${field}`, message, reason: NotificationErrorCode.InvalidTemplate })));
      }
    }
    if (problems.length > 0) {
      const fields = [...new Set(problems.map((problem) => problem.field))];
      const reasons = new Set(problems.map((problem) => problem.reason));
      const [only] = reasons;
      throw new NotificationError(reasons.size === 1 && only ? only : NotificationErrorCode.InvalidSubscription, `the subscription cannot be used as given: ${fields.join(', ')}`, {
        errors: problems.map(({ field, message }) => ({ field, message })),
      });
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
function targetProblems(input: SubscriptionDefinitionDto): Problem[] {
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
  return errors.map((error) => ({ ...error, reason: NotificationErrorCode.InvalidTarget }));
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
