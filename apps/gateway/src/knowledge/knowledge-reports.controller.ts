import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { KnowledgeRpc, LowHelpfulnessQuery, LowHelpfulnessReport, ViewedNeverLinkedQuery, ViewedNeverLinkedReport } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';

/** Knowledge reports over the published articles: `/v1/reports/knowledge/...`, for agents, managers and admins. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/knowledge')
export class KnowledgeReportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('low-helpfulness')
  @RolesOf(KnowledgeRpc.lowHelpfulnessReport)
  @ApiOperation({
    summary: 'Published articles most readers found unhelpful.',
    description: 'Those with at least `minVotes` votes (5 unless given) of which fewer than half found them helpful, the least helpful first: candidates to rewrite or retire.',
  })
  @ApiOkResponse({ type: LowHelpfulnessReport })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  lowHelpfulness(@Query() query: LowHelpfulnessQuery): Promise<LowHelpfulnessReport> {
    return this.rpc.call(KnowledgeRpc.lowHelpfulnessReport, query);
  }

  @Get('viewed-never-linked')
  @RolesOf(KnowledgeRpc.viewedNeverLinkedReport)
  @ApiOperation({
    summary: 'Published articles read often but never linked to a ticket.',
    description: 'Those read at least `minViews` times (50 unless given) and never linked to an incident or request, the most read first, `limit` rows (10 unless given, at most 100).',
  })
  @ApiOkResponse({ type: ViewedNeverLinkedReport })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  viewedNeverLinked(@Query() query: ViewedNeverLinkedQuery): Promise<ViewedNeverLinkedReport> {
    return this.rpc.call(KnowledgeRpc.viewedNeverLinkedReport, query);
  }
}
