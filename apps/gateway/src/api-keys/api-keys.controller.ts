import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type Actor,
  ApiKeyIdParams,
  ApiKeyPage,
  ApiKeyView,
  CreateApiKeyDto,
  CreatedApiKeyView,
  ListApiKeysQuery,
  MAX_LIVE_API_KEYS,
  Role,
  RoleSets,
} from '@itsm/contracts';
import { Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { created } from '../http/responses';
import { ApiKeyStore } from './api-key.store';
import { PeopleOnlyGuard } from './people-only.guard';

const EXAMPLE_ID = 'Q3vN8kLm2XpA';
const ADMINS_ONLY =
  'Admins only, with a token: an API key is refused with 403 `API_KEY_NOT_ALLOWED` whatever its roles. When the gateway has no `API_KEY_HASH_SECRET`, API keys are off and this answers 503 `API_KEYS_DISABLED`.';

/** The guards have let no request through without an actor. */
function actorOf(request: FastifyRequest): Actor {
  return request.actor ?? { sub: '', roles: [] };
}

/**
 * API keys for machine clients: admins create them (the key is shown once), list, read and revoke them. The keys
 * live in the gateway (a NATS KV bucket), not in a service, so these routes call no RPC.
 */
@ApiTags('api keys')
@ApiBearerAuth()
@Controller('api-keys')
@UseGuards(PeopleOnlyGuard)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyStore) {}

  @Post()
  @HttpCode(201)
  @Roles(...RoleSets.admins)
  @ApiOperation({
    summary: 'Create an API key.',
    description: `The answer carries the key (\`itsm_<id>_<secret>\`) this once: only its HMAC-SHA256 is stored, so a lost key cannot be shown again (create another and revoke the lost one). The key authenticates as the actor \`api-key:<id>\` with the key's name and roles, from any replica within a second. An \`expiresAt\` that is not in the future is a 400 naming it. At most ${MAX_LIVE_API_KEYS} keys may be live (not revoked) at once; one more is a 422 \`API_KEY_LIMIT_REACHED\`. ${ADMINS_ONLY}`,
  })
  @ApiBody({
    type: CreateApiKeyDto,
    examples: {
      minimal: { summary: 'Name and roles', value: { name: 'monitoring-bridge', roles: [Role.Agent] } },
      complete: {
        summary: 'Expiring, from two networks only',
        value: { name: 'cmdb-discovery', roles: [Role.Agent], expiresAt: '2027-06-01T00:00:00Z', allowedNetworks: ['203.0.113.0/24', '2001:db8::/32'] },
      },
    },
  })
  @ApiCreatedResponse({
    description: 'The key, with its secret this once.',
    type: CreatedApiKeyView,
    headers: { Location: { description: 'Path of the new key.', schema: { type: 'string', example: `/v1/api-keys/${EXAMPLE_ID}` } } },
  })
  @ApiProblemResponses(400, 401, 403, 413, 415, 422, 500, 503)
  async create(@Body() body: CreateApiKeyDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CreatedApiKeyView> {
    return created(reply, await this.keys.create(body, actorOf(request)), 'api-keys');
  }

  @Get()
  @Roles(...RoleSets.admins)
  @ApiOperation({
    summary: 'List API keys, newest first, a page at a time.',
    description: `Revoked keys are listed too (with \`revokedAt\`). No secret is ever answered. \`useCount\` and \`lastUsedAt\` are written every few seconds, so they lag behind the latest uses. ${ADMINS_ONLY}`,
  })
  @ApiOkResponse({ type: ApiKeyPage })
  @ApiProblemResponses(400, 401, 403, 500, 503)
  list(@Query() query: ListApiKeysQuery): ApiKeyPage {
    return this.keys.list(query);
  }

  @Get(':id')
  @Roles(...RoleSets.admins)
  @ApiOperation({ summary: 'Read one API key.', description: `Without its secret. An unknown id is a 404 \`API_KEY_NOT_FOUND\`. ${ADMINS_ONLY}` })
  @ApiOkResponse({ description: 'The key, without its secret.', type: ApiKeyView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503)
  get(@Param() params: ApiKeyIdParams): Promise<ApiKeyView> {
    return this.keys.get(params.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...RoleSets.admins)
  @ApiOperation({
    summary: 'Revoke an API key.',
    description: `Every gateway replica refuses the key with 401 within a second. The key stays listed with \`revokedAt\`; revoking it again changes nothing and answers 204 too. An unknown id is a 404 \`API_KEY_NOT_FOUND\`. ${ADMINS_ONLY}`,
  })
  @ApiNoContentResponse({ description: 'The key is revoked.' })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503)
  async revoke(@Param() params: ApiKeyIdParams, @Req() request: FastifyRequest): Promise<void> {
    await this.keys.revoke(params.id, actorOf(request));
  }
}
