import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RoleSets } from '@itsm/contracts';
import { Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { EventStreamService, parseLastEventId, parseTypes } from './event-stream.service';

const HEARTBEAT_MS = 15_000;

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventStreamController {
  constructor(private readonly streams: EventStreamService) {}

  @Get('stream')
  @Roles(...RoleSets.agents)
  @ApiOperation({
    summary: 'Live events as Server-Sent Events.',
    description:
      'Each event is one SSE message: `id` = its sequence on stream ITSM_EVENTS, `event` = its CloudEvents type, `data` = the CloudEvent as JSON. ' +
      'Reconnect with `Last-Event-ID` to get everything after the last event seen. A comment line every 15 s keeps idle connections open.',
  })
  @ApiQuery({ name: 'types', required: false, description: 'Comma-separated CloudEvents types, e.g. `itsm.incident.created.v1`; all when omitted.' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Sequence of the last event received.' })
  @ApiOkResponse({ description: 'A `text/event-stream` that stays open.', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiProblemResponses(400, 401, 403, 503)
  async stream(
    @Query('types') rawTypes: string | undefined,
    @Headers('last-event-id') rawLastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const types = parseTypes(rawTypes);
    const after = parseLastEventId(rawLastEventId);
    const stream = await this.streams.open(types, after);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...(typeof reply.getHeader('x-correlation-id') === 'string' ? { 'x-correlation-id': reply.getHeader('x-correlation-id') as string } : {}),
    });
    raw.write(': connected\n\n');
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const finish = (): void => {
      clearInterval(heartbeat);
      void stream.close();
    };
    request.raw.once('close', finish);
    void (async () => {
      try {
        for await (const frame of stream.frames) {
          raw.write(`id: ${frame.sequence}\nevent: ${frame.type}\ndata: ${frame.data}\n\n`);
        }
      } finally {
        finish();
        raw.end();
      }
    })();
  }
}
