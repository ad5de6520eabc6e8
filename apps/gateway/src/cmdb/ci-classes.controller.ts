import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CiClassDefinitionDto, CiClassList, CiClassNameRequest, CiClassView, CmdbRpc, CreateCiClassDto, ListCiClassesRequest, MESSAGE_QUEUE_SCHEMA_EXAMPLE } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const SCHEMA_RULES =
  'The attribute schema is JSON Schema (draft 2020-12) whose top level is an object; unknown keywords and `required` names that are not properties are refused (400 naming `attributeSchema…`). ' +
  'Identification rules are ordered sets of `hostname`, `serial`, `fqdn`, `ip`, `cloudId`, `k8sUid`.';

/** CI classes: `/v1/ci-classes`. Readers of the CMDB see them; admins add and change them. */
@ApiTags('cmdb')
@ApiBearerAuth()
@Controller('ci-classes')
export class CiClassesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(CmdbRpc.listClasses)
  @ApiOperation({ summary: 'The CI classes by name, with their attribute schemas and identification rules.', description: '`builtIn=false` lists only the classes admins added.' })
  @ApiOkResponse({ type: CiClassList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListCiClassesRequest): Promise<CiClassList> {
    return this.rpc.call(CmdbRpc.listClasses, query);
  }

  @Get(':name')
  @RolesOf(CmdbRpc.getClass)
  @ApiOperation({
    summary: 'Read one CI class.',
    description: 'Answers the class by its name, with the schema of the attributes its CIs carry and the rules that identify a CI of it in imports, and its version in `ETag` to send back as `If-Match` when changing it.',
  })
  @ApiParam({ name: 'name', example: 'database' })
  @ApiOkResponse({ type: CiClassView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: CiClassNameRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CiClassView> {
    return withEtag(reply, await this.rpc.call(CmdbRpc.getClass, { name: params.name }));
  }

  @Post()
  @HttpCode(201)
  @RolesOf(CmdbRpc.createClass)
  @ApiOperation({ summary: 'Add a CI class (admins).', description: SCHEMA_RULES })
  @ApiBody({
    type: CreateCiClassDto,
    examples: {
      queue: {
        summary: 'Message queues, matched by cloud id, then by FQDN',
        value: { name: 'message_queue', label: 'Message queue', description: 'A broker or queue that applications exchange messages through.', attributeSchema: MESSAGE_QUEUE_SCHEMA_EXAMPLE, identificationRules: [['cloudId'], ['fqdn']] },
      },
    },
  })
  @ApiCreatedResponse({ type: CiClassView, headers: { Location: { description: 'Path of the new class.', schema: { type: 'string', example: '/v1/ci-classes/message_queue' } }, ETag: ETAG_HEADER } })
  @ApiProblemResponses(400, 401, 403, 409, 413, 500, 503, 504)
  async create(@Body() body: CreateCiClassDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CiClassView> {
    const ciClass = await this.rpc.call(CmdbRpc.createClass, body);
    return created(reply, ciClass, 'ci-classes', ciClass.name);
  }

  @Put(':name')
  @RolesOf(CmdbRpc.updateClass)
  @ApiOperation({
    summary: 'Replace the definition of a CI class (admins).',
    description: `${SCHEMA_RULES} CIs stored under the previous schema are not re-checked; each is checked against the new one the next time its attributes change.`,
  })
  @ApiParam({ name: 'name', example: 'message_queue' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: CiClassDefinitionDto, examples: { queue: { summary: 'Add an attribute', value: { label: 'Message queue', attributeSchema: { ...MESSAGE_QUEUE_SCHEMA_EXAMPLE, properties: { ...MESSAGE_QUEUE_SCHEMA_EXAMPLE.properties, cluster: { type: 'string' } } }, identificationRules: [['cloudId'], ['fqdn']] } } } })
  @ApiOkResponse({ type: CiClassView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 412, 413, 500, 503, 504)
  async update(
    @Param() params: CiClassNameRequest,
    @Body() body: CiClassDefinitionDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CiClassView> {
    return withEtag(reply, await this.rpc.call(CmdbRpc.updateClass, { ...body, name: params.name, ...precondition }));
  }
}
