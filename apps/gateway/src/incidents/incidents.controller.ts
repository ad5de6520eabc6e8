import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Actor, ALL_ROLES, CreateIncidentDto, GetIncidentRequest, IncidentRpc, IncidentView, Role } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { API_PREFIX } from '../gateway.tokens';
import { etagOf } from '../http/preconditions';

const ETAG_HEADER = { description: 'Version of the incident, for `If-Match`.', schema: { type: 'string', example: '"1"' } };

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class IncidentsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.Requester, Role.Agent, Role.Manager, Role.Admin)
  @ApiOperation({ summary: 'Open an incident on behalf of the caller.' })
  @ApiCreatedResponse({
    description: 'The incident as opened.',
    type: IncidentView,
    headers: {
      Location: { description: 'Path of the new incident.', schema: { type: 'string', example: '/v1/incidents/3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10' } },
      ETag: ETAG_HEADER,
    },
  })
  @ApiProblemResponses(400, 401, 403, 413, 500, 503, 504)
  async create(@Body() body: CreateIncidentDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<IncidentView> {
    const incident = await this.rpc.call(IncidentRpc.create, body, { actor });
    void reply.header('location', `/${API_PREFIX}/incidents/${incident.id}`).header('etag', etagOf(incident.version));
    return incident;
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Read one incident; requesters only see what they opened.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The incident.', type: IncidentView, headers: { ETag: ETAG_HEADER } })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: GetIncidentRequest, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<IncidentView> {
    const incident = await this.rpc.call(IncidentRpc.get, { id: params.id }, { actor });
    void reply.header('etag', etagOf(incident.version));
    return incident;
  }
}
