import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CmdbRpc,
  CreateRelationshipDto,
  ListRelationshipRulesRequest,
  RelationshipIdRequest,
  RelationshipRuleDto,
  RelationshipRuleIdRequest,
  RelationshipRuleList,
  RelationshipRuleView,
  RelationshipType,
  RelationshipView,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { created } from '../http/responses';

/** Relationships between CIs (`/v1/relationships`) and the rules of which class pairs they may join (`/v1/cmdb/relationship-rules`). */
@ApiTags('cmdb')
@ApiBearerAuth()
@Controller()
export class RelationshipsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('relationships')
  @HttpCode(201)
  @RolesOf(CmdbRpc.addRelationship)
  @ApiOperation({
    summary: 'Add a relationship between two CIs.',
    description:
      'The source relies on the target (`app depends_on db`). Refused: a CI with itself (400 naming `targetId`), CIs that do not exist (422), a retired CI (409), ' +
      'a class pair no relationship rule allows (400 naming `type`, listing the allowed target classes), and an edge that exists already (409).',
  })
  @ApiBody({
    type: CreateRelationshipDto,
    examples: { dependsOn: { summary: 'An application depends on its database', value: { type: RelationshipType.DependsOn, sourceId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', targetId: 'd4c3b2a1-f6e5-4b7a-9d8c-5c4b3a2f1e0d' } } },
  })
  @ApiCreatedResponse({ type: RelationshipView, headers: { Location: { description: 'Path of the new relationship.', schema: { type: 'string' } } } })
  @ApiProblemResponses(400, 401, 403, 409, 422, 500, 503, 504)
  async add(@Body() body: CreateRelationshipDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<RelationshipView> {
    return created(reply, await this.rpc.call(CmdbRpc.addRelationship, body), 'relationships');
  }

  @Get('relationships/:id')
  @RolesOf(CmdbRpc.getRelationship)
  @ApiOperation({
    summary: 'Read one relationship.',
    description: 'Answers one relationship between two CIs, with its type, the source of the data that made it and when it was made.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: RelationshipView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  get(@Param() params: RelationshipIdRequest): Promise<RelationshipView> {
    return this.rpc.call(CmdbRpc.getRelationship, { id: params.id });
  }

  @Delete('relationships/:id')
  @RolesOf(CmdbRpc.removeRelationship)
  @ApiOperation({
    summary: 'Remove a relationship; answers it as it was. It stays in the history of both CIs.',
    description: 'Deletes the relationship at once and answers it as it was; impact analysis no longer follows it, and the history of both CIs keeps a record of it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: RelationshipView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  remove(@Param() params: RelationshipIdRequest): Promise<RelationshipView> {
    return this.rpc.call(CmdbRpc.removeRelationship, { id: params.id });
  }

  @Get('cmdb/relationship-rules')
  @RolesOf(CmdbRpc.listRelationshipRules)
  @ApiOperation({
    summary: 'The allowed (type, source class, target class) triples; `*` stands for any class.',
    description: 'Answers every allowed combination of relationship type, source class and target class; `type` and `sourceClass` narrow the list. A relationship that no rule allows is refused with 400 naming `type`.',
  })
  @ApiOkResponse({ type: RelationshipRuleList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  listRules(@Query() query: ListRelationshipRulesRequest): Promise<RelationshipRuleList> {
    return this.rpc.call(CmdbRpc.listRelationshipRules, query);
  }

  @Post('cmdb/relationship-rules')
  @HttpCode(201)
  @RolesOf(CmdbRpc.createRelationshipRule)
  @ApiOperation({ summary: 'Allow another class pair for a relationship type (admins).', description: 'Both classes must exist, or be `*` for any class. The same rule twice is a 409.' })
  @ApiBody({ type: RelationshipRuleDto, examples: { queue: { summary: 'Applications may depend on message queues', value: { type: RelationshipType.DependsOn, sourceClass: 'application', targetClass: 'message_queue' } } } })
  @ApiCreatedResponse({ type: RelationshipRuleView })
  @ApiProblemResponses(400, 401, 403, 409, 500, 503, 504)
  createRule(@Body() body: RelationshipRuleDto): Promise<RelationshipRuleView> {
    return this.rpc.call(CmdbRpc.createRelationshipRule, body);
  }

  @Delete('cmdb/relationship-rules/:id')
  @RolesOf(CmdbRpc.deleteRelationshipRule)
  @ApiOperation({
    summary: 'Stop allowing a class pair (admins); answers the rule as it was. Relationships it allowed stay.',
    description: 'Deletes the rule and answers it as it was; new relationships of that type between those classes are refused from then on, and the ones already made stay.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: RelationshipRuleView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  deleteRule(@Param() params: RelationshipRuleIdRequest): Promise<RelationshipRuleView> {
    return this.rpc.call(CmdbRpc.deleteRelationshipRule, { id: params.id });
  }
}
