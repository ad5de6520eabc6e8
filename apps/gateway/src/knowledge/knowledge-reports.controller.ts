import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { KnowledgeRpc, LowHelpfulnessQuery, LowHelpfulnessReport, ViewedNeverLinkedQuery, ViewedNeverLinkedReport } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { rowsWithFigures } from '../reports/csv';
import { CsvReport, type CsvShape } from '../reports/csv-report';

const ARTICLE = { articleId: '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c', number: 'KB0001001', title: 'Reset a forgotten VPN password', ownerId: 'sam' };

/** One row per article; the threshold used beside each (alone in one row when there is none). */
const LOW_HELPFULNESS_CSV: CsvShape<LowHelpfulnessReport> = {
  columns: ['articleId', 'number', 'title', 'ownerId', 'helpfulCount', 'notHelpfulCount', 'helpfulness', 'minVotes'],
  rows: (report) => rowsWithFigures(report.items, { minVotes: report.minVotes }),
  example: { minVotes: 5, items: [{ ...ARTICLE, helpfulCount: 2, notHelpfulCount: 9, helpfulness: 0.1818 }] },
};

/** One row per article; the threshold used beside each (alone in one row when there is none). */
const VIEWED_NEVER_LINKED_CSV: CsvShape<ViewedNeverLinkedReport> = {
  columns: ['articleId', 'number', 'title', 'ownerId', 'viewCount', 'publishedAt', 'minViews'],
  rows: (report) => rowsWithFigures(report.items, { minViews: report.minViews }),
  example: { minViews: 50, items: [{ ...ARTICLE, viewCount: 420, publishedAt: '2026-10-01T08:00:00.000Z' }] },
};

/** Knowledge reports over the published articles: `/v1/reports/knowledge/...`, for agents, managers, admins and auditors, as JSON or CSV. */
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
  @CsvReport(LowHelpfulnessReport, LOW_HELPFULNESS_CSV)
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
  @CsvReport(ViewedNeverLinkedReport, VIEWED_NEVER_LINKED_CSV)
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  viewedNeverLinked(@Query() query: ViewedNeverLinkedQuery): Promise<ViewedNeverLinkedReport> {
    return this.rpc.call(KnowledgeRpc.viewedNeverLinkedReport, query);
  }
}
