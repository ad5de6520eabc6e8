import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CreatedSubscriptionView,
  CreateSubscriptionDto,
  ListSubscriptionsRequest,
  NotificationRpc,
  RotatedSecretView,
  RotateSecretDto,
  SubscriptionDefinitionDto,
  SubscriptionIdRequest,
  SubscriptionPage,
  SubscriptionView,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, etagOf, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';
import { OptionalBody, optionalBodyPipe } from './optional-body';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const WHO =
  'Agents, managers and admins subscribe. A subscription belongs to whoever created it (`owner`): the owner and admins read, change, delete it and rotate its secret; ' +
  'managers read every subscription; anyone else gets 404 for it. Requesters get 403.';
const RULES =
  '`eventTypes` are `*`, `<domain>.*`, `<domain>.<event>` (any version) or full types `itsm.<domain>.<event>.v<N>`; one that matches no event of the suite is a 400 naming ' +
  '`eventTypes.<i>`. `channel: webhook` needs `webhook` and no `email`, `channel: email` needs `email` (each recipient of kind `address` with an `address`, the others without). ' +
  'A webhook URL must be http(s) without credentials or fragment; a URL whose host is, or resolves to, a loopback, private, link-local (cloud metadata), carrier-grade NAT or ' +
  'otherwise internal address is a 400 naming `webhook.url`, and so is a host that does not resolve, unless the operator allows the host or address in ' +
  '`NOTIFICATION_ALLOWED_TARGETS`. Template fields (`template.subject`, `template.text`, `template.html`) are mustache over `event.*`, `ticket.*` and `data.*`; a variable that ' +
  'none of the subscribed event types has is a 400 naming the template field.';

const P1_WEBHOOK = {
  name: 'P1/P2 incidents to the on-call bot',
  description: 'Pages the on-call engineer through the chat bot.',
  eventTypes: ['incident.created', 'incident.priority_changed', 'sla.*'],
  conditions: { ticketTypes: ['incident'], priorities: ['P1', 'P2'] },
  channel: 'webhook',
  webhook: { url: 'https://hooks.example.com/itsm', timeoutMs: 5000 },
};
const RESOLVED_EMAIL = {
  name: 'Resolved network incidents to the team',
  eventTypes: ['incident.state_changed'],
  conditions: { assignmentGroups: ['network'], states: ['resolved'] },
  channel: 'email',
  email: { recipients: [{ kind: 'address', address: 'network-team@example.com' }, { kind: 'caller' }] },
  template: {
    subject: '[{{ticket.priority}}] {{ticket.number}} resolved: {{ticket.title}}',
    text: '{{ticket.number}} is now {{ticket.state}}.',
    html: '<p><b>{{ticket.number}}</b> is now {{ticket.state}}.</p>',
  },
};

/**
 * Notification subscriptions: `/v1/notifications/subscriptions`. Webhooks are signed with Standard Webhooks secrets,
 * shown when created or rotated and never again.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications/subscriptions')
export class SubscriptionsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RolesOf(NotificationRpc.createSubscription)
  @ApiOperation({
    summary: 'Subscribe a webhook or email recipients to events.',
    description: `${RULES} A webhook subscription gets a signing secret (\`whsec_…\`), in this answer only: keep it. ${WHO}`,
  })
  @ApiBody({
    type: CreateSubscriptionDto,
    examples: {
      webhook: { summary: 'P1 and P2 incidents and every SLA event to a webhook', value: P1_WEBHOOK },
      email: { summary: 'Resolved network incidents by email, to the team and the caller', value: RESOLVED_EMAIL },
    },
  })
  @ApiCreatedResponse({
    description: 'The subscription as stored, with `secret` (webhooks; null for email). The secret is not shown again.',
    type: CreatedSubscriptionView,
    headers: { Location: { description: 'Path of the new subscription.', schema: { type: 'string', example: '/v1/notifications/subscriptions/6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f' } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 413, 500, 503, 504)
  async create(@Body() body: CreateSubscriptionDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CreatedSubscriptionView> {
    // The answer holds the webhook secret, shown this once.
    void reply.header('cache-control', 'no-store');
    return created(reply, await this.rpc.call(NotificationRpc.createSubscription, body), 'notifications/subscriptions');
  }

  @Get()
  @RolesOf(NotificationRpc.listSubscriptions)
  @ApiOperation({
    summary: 'List subscriptions, newest first, a page at a time.',
    description: '`channel`, `enabled` and `owner` narrow the list. Managers and admins see every subscription; agents only their own (another `owner` gives an empty list).',
  })
  @ApiOkResponse({ type: SubscriptionPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListSubscriptionsRequest): Promise<SubscriptionPage> {
    return this.rpc.call(NotificationRpc.listSubscriptions, query);
  }

  @Get(':id')
  @RolesOf(NotificationRpc.getSubscription)
  @ApiOperation({ summary: 'Read one subscription (never its secret).', description: WHO })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: SubscriptionView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: SubscriptionIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SubscriptionView> {
    return withEtag(reply, await this.rpc.call(NotificationRpc.getSubscription, { id: params.id }));
  }

  @Put(':id')
  @RolesOf(NotificationRpc.updateSubscription)
  @ApiOperation({
    summary: 'Replace a subscription.',
    description:
      `${RULES} The channel stays what it was (409 naming \`channel\`; subscribe anew instead), and so does the secret. Enabling a subscription that was disabled ` +
      `(by hand, or after failing messages in a row) starts its failure count afresh. ${WHO}`,
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: SubscriptionDefinitionDto,
    examples: {
      enable: { summary: 'Enable it again after it was disabled', value: { ...P1_WEBHOOK, enabled: true } },
      pause: { summary: 'Pause it', value: { ...P1_WEBHOOK, enabled: false } },
    },
  })
  @ApiOkResponse({ description: 'The subscription after the change.', type: SubscriptionView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 413, 500, 503, 504)
  async update(
    @Param() params: SubscriptionIdRequest,
    @Body() body: SubscriptionDefinitionDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubscriptionView> {
    return withEtag(reply, await this.rpc.call(NotificationRpc.updateSubscription, { ...body, id: params.id, ...precondition }));
  }

  @Delete(':id')
  @RolesOf(NotificationRpc.deleteSubscription)
  @ApiOperation({ summary: 'Remove a subscription; answers it as it was.', description: `No new messages are made for it; its delivery log stays until it expires. ${WHO}` })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: SubscriptionView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  remove(@Param() params: SubscriptionIdRequest): Promise<SubscriptionView> {
    return this.rpc.call(NotificationRpc.deleteSubscription, { id: params.id });
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @RolesOf(NotificationRpc.rotateSecret)
  @ApiOperation({
    summary: 'Give a webhook subscription a new signing secret.',
    description:
      'The new secret is in this answer only. Until `previousSecretExpiresAt` (`previousValidForSeconds` from now, a day by default) every message carries a ' +
      'signature with each secret, so the receiver can switch over without losing messages. The body may be left out. An email subscription has no secret (409). ' +
      WHO,
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({
    type: RotateSecretDto,
    required: false,
    examples: { default: { summary: 'Keep the previous secret a day', value: {} }, hour: { summary: 'Keep the previous secret an hour', value: { previousValidForSeconds: 3600 } } },
  })
  @ApiOkResponse({ description: 'The new secret and the subscription after the rotation.', type: RotatedSecretView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 500, 503, 504)
  async rotateSecret(
    @Param() params: SubscriptionIdRequest,
    @OptionalBody(optionalBodyPipe) body: RotateSecretDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RotatedSecretView> {
    const rotated = await this.rpc.call(NotificationRpc.rotateSecret, { ...body, id: params.id });
    void reply.header('etag', etagOf(rotated.subscription.version)).header('cache-control', 'no-store');
    return rotated;
  }
}
