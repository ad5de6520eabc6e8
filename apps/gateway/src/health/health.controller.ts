import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { metricsRegistry } from '@itsm/observability';
import { Public } from '../auth/auth.decorators';
import { GatewayReadiness, type ReadinessStatus } from './gateway-readiness';

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly readiness: GatewayReadiness) {}

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: 200 while the process runs.' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: 200 while NATS is connected and no shutdown has begun, else 503.' })
  @ApiOkResponse({ description: 'Ready.' })
  @ApiServiceUnavailableResponse({ description: 'Not connected to NATS, or shutting down.' })
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
