import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CiAtQuery,
  CiAtView,
  CiFilters,
  CiHistory,
  CiHistoryQuery,
  CiIdRequest,
  CiPage,
  CiRelationshipList,
  CiRelationshipsQuery,
  CiView,
  CmdbRpc,
  CreateCiDto,
  RetireCiDto,
  UpdateCiDto,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IDEMPOTENCY_KEY_HEADER, IdempotencyKey, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };

/** Configuration items: `/v1/cis`. Each route maps to one RPC of the cmdb service. */
@ApiTags('cmdb')
@ApiBearerAuth()
@Controller('cis')
export class CisController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @RolesOf(CmdbRpc.createCi)
  @ApiOperation({
    summary: 'Create a CI by hand.',
    description:
      '`attributes` are checked against the JSON Schema of the class (400 naming `attributes.<name>`; an unknown class names `className`). ' +
      'Every field given is recorded with source `manual` in `attributeSources`. Status defaults to `operational`, criticality to 3.',
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiBody({
    type: CreateCiDto,
    examples: {
      database: {
        summary: 'A production database',
        value: { className: 'database', name: 'payroll-db', environment: 'prod', criticality: 1, ownerGroup: 'dba-team', identifiers: { fqdn: 'db-01.prod.example.com', hostname: 'db-01' }, attributes: { engine: 'postgresql', version: '15.4', port: 5432 } },
      },
      service: { summary: 'A business service', value: { className: 'business_service', name: 'Payroll', environment: 'prod', criticality: 1, attributes: { serviceOwner: 'Finance' } } },
    },
  })
  @ApiCreatedResponse({
    description: 'The CI as created.',
    type: CiView,
    headers: { Location: { description: 'Path of the new CI.', schema: { type: 'string', example: '/v1/cis/3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10' } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 413, 422, 500, 503, 504)
  async create(
    @Body() body: CreateCiDto,
    @IdempotencyKey() key: { idempotencyKey?: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CiView> {
    return created(reply, await this.rpc.call(CmdbRpc.createCi, { ...body, ...key }), 'cis');
  }

  @Get()
  @RolesOf(CmdbRpc.listCis)
  @ApiOperation({
    summary: 'List CIs by filters, a page at a time.',
    description:
      'Filters combine (all must hold): class, environment, statuses, owner group, `q` (part of the name, any case), each identifier exactly, ' +
      'and `attr=key:value` (repeatable) for attribute values. Sorted by `sort` (default `name`) and then id; `nextCursor` carries the sort, ' +
      'so a cursor used with another sort is a 400 naming `cursor`.',
  })
  @ApiOkResponse({ type: CiPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() filters: CiFilters): Promise<CiPage> {
    return this.rpc.call(CmdbRpc.listCis, filters);
  }

  @Get(':id')
  @RolesOf(CmdbRpc.getCi)
  @ApiOperation({
    summary: 'Read one CI.',
    description: 'Answers the configuration item with its class, attributes and the source of each, and its version in `ETag` to send back as `If-Match` when changing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CiView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: CiIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CiView> {
    return withEtag(reply, await this.rpc.call(CmdbRpc.getCi, { id: params.id }));
  }

  @Patch(':id')
  @RolesOf(CmdbRpc.updateCi)
  @ApiOperation({
    summary: 'Change fields of a CI.',
    description:
      'Only the fields given change. `attributes` and `identifiers` are merged into the existing ones: a value sets the key, `null` removes it. ' +
      'The resulting attributes are checked against the class schema. A change that changes nothing answers the CI as it is (same version). ' +
      'Retire with `POST /v1/cis/{id}/retire`; setting another status brings a retired CI back.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({
    type: UpdateCiDto,
    examples: {
      upgrade: { summary: 'After an upgrade', value: { attributes: { version: '16.1' } } },
      remove: { summary: 'Remove an attribute and an identifier', value: { attributes: { sizeGb: null }, identifiers: { ip: null } } },
      owner: { summary: 'Hand over to another team', value: { ownerGroup: 'platform-team', criticality: 2 } },
    },
  })
  @ApiOkResponse({ description: 'The CI after the change.', type: CiView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async update(
    @Param() params: CiIdRequest,
    @Body() body: UpdateCiDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CiView> {
    return withEtag(reply, await this.rpc.call(CmdbRpc.updateCi, { id: params.id, changes: body, ...precondition }));
  }

  @Post(':id/retire')
  @HttpCode(200)
  @RolesOf(CmdbRpc.retireCi)
  @ApiOperation({ summary: 'Retire a CI.', description: 'The CI keeps its history and relationships but takes no new relationships. Retiring a retired CI answers it unchanged.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: RetireCiDto, examples: { decommissioned: { summary: 'Decommissioned', value: { reason: 'Decommissioned with CHG0001042.' } } } })
  @ApiOkResponse({ description: 'The retired CI.', type: CiView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 412, 500, 503, 504)
  async retire(
    @Param() params: CiIdRequest,
    @Body() body: RetireCiDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CiView> {
    return withEtag(reply, await this.rpc.call(CmdbRpc.retireCi, { id: params.id, ...(body.reason !== undefined ? { reason: body.reason } : {}), ...precondition }));
  }

  @Get(':id/relationships')
  @RolesOf(CmdbRpc.ciRelationships)
  @ApiOperation({
    summary: 'The relationships of a CI in both directions, each with the CI at the other end, a page at a time.',
    description: '`outgoing`: this CI relies on `ci`; `incoming`: `ci` relies on this one. Outgoing first, then by type and the other CI’s name; `direction` and `type` narrow the list.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CiRelationshipList })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  relationships(@Param() params: CiIdRequest, @Query() query: CiRelationshipsQuery): Promise<CiRelationshipList> {
    return this.rpc.call(CmdbRpc.ciRelationships, { ...query, id: params.id });
  }

  @Get(':id/history')
  @RolesOf(CmdbRpc.ciHistory)
  @ApiOperation({
    summary: 'Every change of a CI, oldest first, a page at a time.',
    description: 'Created, updated and retired, each field with its value before and after and the source of the change (`manual` or an import source); relationships added to or removed from the CI; each with who and when.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CiHistory })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  history(@Param() params: CiIdRequest, @Query() query: CiHistoryQuery): Promise<CiHistory> {
    return this.rpc.call(CmdbRpc.ciHistory, { ...query, id: params.id });
  }

  @Get(':id/at')
  @RolesOf(CmdbRpc.ciAt)
  @ApiOperation({ summary: 'A CI and its relationships as they were at an instant.', description: '404 when the CI did not exist yet at `time`.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CiAtView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  at(@Param() params: CiIdRequest, @Query() query: CiAtQuery): Promise<CiAtView> {
    return this.rpc.call(CmdbRpc.ciAt, { id: params.id, time: query.time });
  }
}
