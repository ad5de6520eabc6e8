import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CiIdRequest, CiStatus, ImpactDirection, ImpactQuery, ImpactRequest, ImpactResult, ImpactRpc, MAX_IMPACT_ITEMS } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';


const HOW =
  '`upstream` (the default) walks from the CIs to what relies on them, up to the business services: what breaks when they fail. ' +
  '`downstream` walks to what they rely on: where the cause of a failure may lie. Each CI reached is listed once, at its ' +
  'shortest distance (`depth`) from the nearest starting CI, with one shortest `path` of CI ids. `truncated` says that CIs lie ' +
  `beyond \`depth\` (1 to 10, default 5). Retired CIs are neither listed nor walked through. \`items\` lists at most ${MAX_IMPACT_ITEMS} CIs, nearest ` +
  'first (`totalItems` counts them all); `businessServices` lists every business service reached, most critical first.';

const PAYROLL = 'b7c1a2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const PAYROLL_APP = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const PAYROLL_DB = 'd4c3b2a1-f6e5-4b7a-9d8c-5c4b3a2f1e0d';

const EXAMPLE_RESULT: ImpactResult = {
  direction: ImpactDirection.Upstream,
  depth: 5,
  roots: [{ id: PAYROLL_DB, name: 'payroll-db', className: 'database', environment: 'prod', status: CiStatus.Operational, criticality: 2 }],
  items: [
    {
      ci: { id: PAYROLL_APP, name: 'payroll-api', className: 'application', environment: 'prod', status: CiStatus.Operational, criticality: 2 },
      depth: 1,
      path: [PAYROLL_DB, PAYROLL_APP],
    },
    {
      ci: { id: PAYROLL, name: 'Payroll', className: 'business_service', environment: 'prod', status: CiStatus.Operational, criticality: 1 },
      depth: 2,
      path: [PAYROLL_DB, PAYROLL_APP, PAYROLL],
    },
  ],
  businessServices: [{ id: PAYROLL, name: 'Payroll', criticality: 1, depth: 2 }],
  truncated: false,
  totalItems: 2,
};

/** Impact analysis: `GET /v1/cis/{id}/impact`, `POST /v1/cis/impact`; each maps to the cmdb's impact RPC. */
@ApiTags('cmdb')
@ApiBearerAuth()
@Controller()
export class ImpactController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('cis/impact')
  @HttpCode(200)
  @RolesOf(ImpactRpc.analyze)
  @ApiOperation({
    summary: 'Impact of a set of CIs (for example all the CIs a change touches).',
    description: `${HOW} Distances are measured from the nearest CI of the set; the set itself is in \`roots\`, never in \`items\`. A read: no Idempotency-Key is needed.`,
  })
  @ApiBody({
    type: ImpactRequest,
    examples: {
      change: { summary: 'What a change to two servers puts at risk', value: { ciIds: ['5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b', '6f1c8d2b-3a4e-4f6a-9b0c-1d2e3f4a5b6c'] } },
      cause: { summary: 'What an application relies on, three levels down', value: { ciIds: [PAYROLL_APP], direction: 'downstream', depth: 3 } },
    },
  })
  @ApiOkResponse({ description: 'The CIs and business services reached.', type: ImpactResult, example: EXAMPLE_RESULT })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  analyzeSet(@Body() body: ImpactRequest): Promise<ImpactResult> {
    return this.rpc.call(ImpactRpc.analyze, body);
  }

  @Get('cis/:id/impact')
  @RolesOf(ImpactRpc.analyze)
  @ApiOperation({ summary: 'Impact of one CI.', description: `${HOW} 404 when the CI does not exist.` })
  @ApiParam({ name: 'id', format: 'uuid', example: PAYROLL_DB })
  @ApiOkResponse({ description: 'The CIs and business services reached.', type: ImpactResult, example: EXAMPLE_RESULT })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  analyzeOne(@Param() params: CiIdRequest, @Query() query: ImpactQuery): Promise<ImpactResult> {
    return this.rpc.call(ImpactRpc.analyze, { ciIds: [params.id], ...(query.direction ? { direction: query.direction } : {}), ...(query.depth !== undefined ? { depth: query.depth } : {}) });
  }
}
