import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { FastifyReply } from 'fastify';
import { metricsRegistry } from '@itsm/observability';
import { Public } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { GatewayReadiness, type ReadinessStatus } from './gateway-readiness';

/** What `GET /health/ready` answers, ready or not. */
const READINESS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['ready', 'nats', 'shuttingDown'],
  properties: { ready: { type: 'boolean' }, nats: { type: 'string', enum: ['up', 'down'] }, shuttingDown: { type: 'boolean' } },
};

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly readiness: GatewayReadiness) {}

  @Get('health/live')
  @ApiOperation({
    summary: 'Liveness: 200 while the process runs.',
    description: 'For the liveness probe: answers 200 `{"status":"ok"}` as long as the process can serve HTTP, whatever the state of NATS. No token needed.',
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } } })
  @ApiProblemResponses(400)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({
    summary: 'Readiness: 200 while NATS is connected and no shutdown has begun, else 503.',
    description: 'For the readiness probe: 200 with `ready: true` while the gateway is connected to NATS and is not shutting down; otherwise 503 with the same body saying which. No token needed.',
  })
  @ApiOkResponse({ description: 'Ready.', schema: READINESS_SCHEMA, example: { ready: true, nats: 'up', shuttingDown: false } })
  @ApiServiceUnavailableResponse({ description: 'Not connected to NATS, or shutting down.', schema: READINESS_SCHEMA, example: { ready: false, nats: 'down', shuttingDown: false } })
  @ApiProblemResponses(400)
  ready(@Res({ passthrough: true }) reply: FastifyReply): ReadinessStatus {
    const status = this.readiness.status();
    if (!status.ready) void reply.status(503);
    return status;
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
