import { Controller, Get, Headers, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OptionalNotNull, RoleSets } from '@itsm/contracts';
import { Roles } from '../auth/auth.decorators';
import { GatewayConfig } from '../config';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { EventStreamService, parseLastEventId, parseTypes } from './event-stream.service';
import { reauthenticateFrame, streamDeadline, tokenExpiry } from './stream-lifetime';

const HEARTBEAT_MS = 15_000;

/** Query of `GET /v1/events/stream`: any other parameter is refused like on every route. */
export class EventStreamQuery {
  @ApiPropertyOptional({ description: 'Comma-separated CloudEvents types, e.g. `itsm.incident.created.v1`; all when omitted.' })
  @OptionalNotNull()
  @IsString()
  types?: string;
}

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventStreamController {
  constructor(
    private readonly streams: EventStreamService,
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
  ) {}

  @Get('stream')
  @Roles(...RoleSets.agents)
  @ApiOperation({
    summary: 'Live events as Server-Sent Events.',
    description:
      'Each event is one SSE message: `id` = its sequence on stream ITSM_EVENTS, `event` = its CloudEvents type, `data` = the CloudEvent as JSON. ' +
      'Reconnect with `Last-Event-ID` to get everything after the last event seen. A comment line every 15 s keeps idle connections open. ' +
      'When the token expires (or after `EVENT_STREAM_MAX_SECONDS`) the gateway sends a last event `reauthenticate` (`data`: `{ reason, detail }`, ' +
      'reason `TOKEN_EXPIRED` or `STREAM_LIFETIME_REACHED`) and ends the stream: reconnect with a valid token and `Last-Event-ID`. ' +
      'One user may hold `EVENT_STREAMS_PER_USER` streams at once on each gateway replica (default 5); one more is a 429 `TOO_MANY_STREAMS` with `Retry-After`.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Sequence of the last event received.' })
  @ApiOkResponse({ description: 'A `text/event-stream` that stays open.', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiProblemResponses(400, 401, 403, 429, 500, 503)
  async stream(
    @Query() query: EventStreamQuery,
    @Headers('last-event-id') rawLastEventId: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const types = parseTypes(query.types);
    const after = parseLastEventId(rawLastEventId);
    const openedAt = Date.now();
    // The guard has let no request through without an actor.
    const stream = await this.streams.open(request.actor?.sub ?? '', types, after);
    reply.hijack();
    // A client that went away while the stream was being opened has closed its connection already: nothing would
    // ever end this stream (its `close` has been and gone), so it ends here.
    if (request.raw.socket?.destroyed) {
      await stream.close();
      reply.raw.destroy();
      return;
    }
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
    // A stream outlives neither its token nor the longest lifetime: the client is told so and reconnects.
    const deadline = streamDeadline(tokenExpiry(authorization), openedAt, this.config.EVENT_STREAM_MAX_SECONDS);
    const expiry = setTimeout(() => {
      if (!raw.writableEnded) raw.write(reauthenticateFrame(deadline.reason));
      finish();
    }, Math.max(0, deadline.at - Date.now()));
    const finish = (): void => {
      clearInterval(heartbeat);
      clearTimeout(expiry);
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
        if (!raw.writableEnded) raw.end();
      }
    })();
  }
}
