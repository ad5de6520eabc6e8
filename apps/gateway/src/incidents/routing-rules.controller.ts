import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IncidentRpc, ListRoutingRulesRequest, RoutingRuleDto, RoutingRuleIdRequest, RoutingRuleList, RoutingRuleView } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

/** Routing rules of new incidents: agents read them, managers keep them. */
@ApiTags('routing rules')
@ApiBearerAuth()
@Controller('routing-rules')
export class RoutingRulesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(IncidentRpc.listRoutingRules)
  @ApiOperation({
    summary: 'Routing rules in the order they are tried (ascending position); the first enabled match assigns a new incident.',
    description: 'Answers every routing rule in the order a new incident is matched against them; `enabled` narrows the list. The first enabled rule whose conditions all match sets the assignment group.',
  })
  @ApiOkResponse({ type: RoutingRuleList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListRoutingRulesRequest): Promise<RoutingRuleList> {
    return this.rpc.call(IncidentRpc.listRoutingRules, query);
  }

  @Get(':id')
  @RolesOf(IncidentRpc.getRoutingRule)
  @ApiOperation({
    summary: 'Read one routing rule.',
    description: 'Answers one routing rule with its version in `ETag`, to send back as `If-Match` when replacing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: RoutingRuleView, headers: { ETag: ETAG_HEADER } })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: RoutingRuleIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<RoutingRuleView> {
    return withEtag(reply, await this.rpc.call(IncidentRpc.getRoutingRule, { id: params.id }));
  }

  @Post()
  @HttpCode(201)
  @RolesOf(IncidentRpc.createRoutingRule)
  @ApiOperation({
    summary: 'Add a routing rule.',
    description: 'Adds a rule at its `position` in the routing order and answers it with its id, its version in `ETag` and its path in `Location`. It applies to incidents opened from then on.',
  })
  @ApiCreatedResponse({ type: RoutingRuleView, headers: { ETag: ETAG_HEADER } })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  async create(@Body() body: RoutingRuleDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<RoutingRuleView> {
    return created(reply, await this.rpc.call(IncidentRpc.createRoutingRule, body), 'routing-rules');
  }

  @Put(':id')
  @RolesOf(IncidentRpc.updateRoutingRule)
  @ApiOperation({
    summary: 'Replace a routing rule.',
    description: 'Replaces every field of the rule with the body; fields left out take their defaults. Send the current version as `If-Match`; a stale one answers 412. Incidents already routed keep their group.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: RoutingRuleView, headers: { ETag: ETAG_HEADER } })
  @ApiProblemResponses(400, 401, 403, 404, 412, 500, 503, 504)
  async update(
    @Param() params: RoutingRuleIdRequest,
    @Body() body: RoutingRuleDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoutingRuleView> {
    return withEtag(reply, await this.rpc.call(IncidentRpc.updateRoutingRule, { ...body, id: params.id, ...precondition }));
  }

  @Delete(':id')
  @RolesOf(IncidentRpc.deleteRoutingRule)
  @ApiOperation({
    summary: 'Remove a routing rule; answers the rule as it was.',
    description: 'Deletes the rule at once and answers it as it was; new incidents are no longer matched against it, and incidents it routed keep their group.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: RoutingRuleView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  delete(@Param() params: RoutingRuleIdRequest): Promise<RoutingRuleView> {
    return this.rpc.call(IncidentRpc.deleteRoutingRule, { id: params.id });
  }
}
