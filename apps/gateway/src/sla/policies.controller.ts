import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreatePolicyDto, ListPoliciesRequest, PolicyDefinitionDto, PolicyIdRequest, PolicyList, PolicyView, SlaRpc } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const RULES =
  'Of the enabled policies of a kind, the first by `order` whose `conditions` all hold applies to a ticket, one clock per target. ' +
  'What the shape allows but no ticket could use is a 422 naming the field: conditions that match nothing (incident-only conditions such as ' +
  '`priorities` with `ticketTypes: ["request"]`), an OLA without `conditions.assignmentGroups`, a target without a duration, a second target ' +
  'of one metric, a calendar that does not exist, pause states the ticket types do not have or that end the clock. A name already taken is a 409.';

const STANDARD_INCIDENTS = {
  name: 'Incidents: standard',
  description: 'The promise of the service desk for every incident.',
  kind: 'sla',
  order: 100,
  conditions: { ticketTypes: ['incident'] },
  targets: [
    { metric: 'response', durationByPriority: { P1: 'PT15M', P2: 'PT30M', P3: 'PT2H', P4: 'PT4H', P5: 'PT8H' }, warnAt: [75] },
    {
      metric: 'resolution',
      durationByPriority: { P1: 'PT4H', P2: 'PT8H', P3: 'PT24H', P4: 'PT40H', P5: 'PT80H' },
      calendarId: '5c0f7f1e-6d55-4f3e-9a7c-0b7c6f3d2a11',
      pauseStates: ['on_hold'],
      pauseHoldReasons: ['awaiting_caller'],
      warnAt: [50, 75, 90],
    },
  ],
};

/** SLA and OLA policies: `/v1/sla/policies`. Everybody who works tickets reads them; admins define them. */
@ApiTags('sla')
@ApiBearerAuth()
@Controller('sla/policies')
export class PoliciesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(SlaRpc.listPolicies)
  @ApiOperation({ summary: 'The SLA and OLA policies in matching order.', description: '`kind` and `enabled` narrow the list.' })
  @ApiOkResponse({ type: PolicyList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListPoliciesRequest): Promise<PolicyList> {
    return this.rpc.call(SlaRpc.listPolicies, query);
  }

  @Post()
  @HttpCode(201)
  @RolesOf(SlaRpc.createPolicy)
  @ApiOperation({
    summary: 'Define an SLA or OLA policy (admins).',
    description: `${RULES} Open tickets get their clocks rebuilt, so a new policy applies to them too.`,
  })
  @ApiBody({
    type: CreatePolicyDto,
    examples: {
      incidents: { summary: 'Response and resolution of incidents by priority; resolution in office hours, paused while awaiting the caller', value: STANDARD_INCIDENTS },
      major: {
        summary: 'Major incidents around the clock, before the standard policy',
        value: { name: 'Major incidents', kind: 'sla', order: 10, conditions: { ticketTypes: ['incident'], major: true }, targets: [{ metric: 'response', duration: 'PT10M' }, { metric: 'resolution', duration: 'PT4H', warnAt: [50, 75] }] },
      },
      requests: {
        summary: 'Service requests fulfilled in five business days of eight hours, paused while awaiting approval',
        value: { name: 'Requests: standard', kind: 'sla', conditions: { ticketTypes: ['request'] }, targets: [{ metric: 'resolution', duration: 'PT40H', calendarId: '5c0f7f1e-6d55-4f3e-9a7c-0b7c6f3d2a11', pauseStates: ['awaiting_approval'] }] },
      },
      ola: {
        summary: 'An internal target of the network team',
        value: { name: 'OLA: network', kind: 'ola', conditions: { ticketTypes: ['incident'], assignmentGroups: ['network'] }, targets: [{ metric: 'resolution', duration: 'PT2H', pauseStates: ['on_hold'], pauseHoldReasons: ['awaiting_vendor'] }] },
      },
    },
  })
  @ApiCreatedResponse({
    description: 'The policy as stored: durations in seconds, defaults filled in.',
    type: PolicyView,
    headers: { Location: { description: 'Path of the new policy.', schema: { type: 'string', example: '/v1/sla/policies/8d2b6f0a-1c3e-4b5a-9f7d-2e6c4a8b0d13' } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 413, 422, 500, 503, 504)
  async create(@Body() body: CreatePolicyDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<PolicyView> {
    return created(reply, await this.rpc.call(SlaRpc.createPolicy, body), 'sla/policies');
  }

  @Get(':id')
  @RolesOf(SlaRpc.getPolicy)
  @ApiOperation({
    summary: 'Read one policy.',
    description: 'Answers the SLA or OLA policy with the conditions that select the tickets it applies to and its targets, and its version in `ETag` to send back as `If-Match` when replacing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: PolicyView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: PolicyIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<PolicyView> {
    return withEtag(reply, await this.rpc.call(SlaRpc.getPolicy, { id: params.id }));
  }

  @Put(':id')
  @RolesOf(SlaRpc.updatePolicy)
  @ApiOperation({
    summary: 'Replace a policy (admins).',
    description: `${RULES} Open tickets get their clocks rebuilt under the new rules (a changed target re-targets a running clock); closed tickets keep what they ended with.`,
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: PolicyDefinitionDto, examples: { disable: { summary: 'Switch the policy off', value: { ...STANDARD_INCIDENTS, enabled: false } } } })
  @ApiOkResponse({ description: 'The policy after the change.', type: PolicyView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 413, 422, 500, 503, 504)
  async update(
    @Param() params: PolicyIdRequest,
    @Body() body: PolicyDefinitionDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PolicyView> {
    return withEtag(reply, await this.rpc.call(SlaRpc.updatePolicy, { ...body, id: params.id, ...precondition }));
  }
}
