import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GetKnownErrorRequest, KnownErrorPage, KnownErrorView, ProblemRpc, RetireKnownErrorDto, SearchKnownErrorsRequest } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };

/** Known errors, published from problems (`POST /v1/problems/{id}/known-error`): agents find them, managers retire them. */
@ApiTags('problems')
@ApiBearerAuth()
@Controller('known-errors')
export class KnownErrorsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(ProblemRpc.searchKnownErrors)
  @ApiOperation({
    summary: 'Search known errors, best match first, a page at a time.',
    description:
      'Full-text search of `q` over title (weighs most), symptoms, root cause and workaround, each hit with its rank and a `snippet` marking the words found. Without `q`, the newest published first. The other filters combine with it.',
  })
  @ApiOkResponse({ type: KnownErrorPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  search(@Query() query: SearchKnownErrorsRequest): Promise<KnownErrorPage> {
    return this.rpc.call(ProblemRpc.searchKnownErrors, query);
  }

  @Get(':id')
  @RolesOf(ProblemRpc.getKnownError)
  @ApiOperation({
    summary: 'Read one known error.',
    description: 'Answers the known error with its symptoms, root cause, workaround and the problem it came from, and its version in `ETag`. Retired known errors are still readable, with `retiredAt` and `retireReason` set.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The known error.', type: KnownErrorView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: GetKnownErrorRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<KnownErrorView> {
    return withEtag(reply, await this.rpc.call(ProblemRpc.getKnownError, { id: params.id }));
  }

  @Post(':id/retire')
  @HttpCode(200)
  @RolesOf(ProblemRpc.retireKnownError)
  @ApiOperation({
    summary: 'Retire a known error (managers).',
    description: 'A retired known error stays readable and searchable (`state=retired`); retiring it again is 409 `KNOWN_ERROR_RETIRED`. Closing a problem after a permanent fix retires its known error by itself.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: RetireKnownErrorDto, examples: { retire: { summary: 'Fixed for good', value: { reason: 'Fixed for good by CHG0001042.' } } } })
  @ApiOkResponse({ description: 'The known error as retired.', type: KnownErrorView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async retire(
    @Param() params: GetKnownErrorRequest,
    @Body() body: RetireKnownErrorDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<KnownErrorView> {
    return withEtag(reply, await this.rpc.call(ProblemRpc.retireKnownError, { id: params.id, reason: body.reason, ...precondition }));
  }
}
