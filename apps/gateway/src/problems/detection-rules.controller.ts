import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DetectionRuleDto, DetectionRuleIdRequest, DetectionRuleList, DetectionRuleView, ListDetectionRulesRequest, ProblemRpc } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const PATH = 'problems/detection-rules';

const RULE_EXAMPLES = {
  ci: {
    summary: 'Recurring incidents of one CI',
    value: { name: '3 network incidents on one CI within 12 hours', scope: 'ci', category: 'network', threshold: 3, windowHours: 12 },
  },
  service: {
    summary: 'Recurring incidents of one business service',
    value: { name: 'Payroll: 10 incidents of a category within a week', scope: 'service', serviceId: '0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a', threshold: 10, windowHours: 168, enabled: true },
  },
};

/**
 * The rules by which recurring incidents open candidate problems: agents read them, managers keep them. Registered
 * before the problems' routes, as `detection-rules` sits where a problem id would.
 */
@ApiTags('problems')
@ApiBearerAuth()
@Controller(PATH)
export class DetectionRulesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(ProblemRpc.listDetectionRules)
  @ApiOperation({
    summary: 'The detection rules, by name.',
    description: 'Answers every rule that watches incidents for recurrence and opens a problem when one fires, ordered by name; the query narrows the list.',
  })
  @ApiOkResponse({ type: DetectionRuleList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListDetectionRulesRequest): Promise<DetectionRuleList> {
    return this.rpc.call(ProblemRpc.listDetectionRules, query);
  }

  @Post()
  @HttpCode(201)
  @RolesOf(ProblemRpc.createDetectionRule)
  @ApiOperation({
    summary: 'Add a detection rule (managers).',
    description: 'When `threshold` incidents of one CI (scope `ci`) or business service (scope `service`) and one category are created within `windowHours` of each other, a candidate problem is opened for that pattern. Names are unique (409 `DETECTION_RULE_NAME_TAKEN`).',
  })
  @ApiBody({ type: DetectionRuleDto, examples: RULE_EXAMPLES })
  @ApiCreatedResponse({
    description: 'The rule as added.',
    type: DetectionRuleView,
    headers: { Location: { description: 'Path of the new rule.', schema: { type: 'string', example: `/v1/${PATH}/5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b` } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 500, 503, 504)
  async create(@Body() body: DetectionRuleDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<DetectionRuleView> {
    return created(reply, await this.rpc.call(ProblemRpc.createDetectionRule, body), PATH);
  }

  @Get(':id')
  @RolesOf(ProblemRpc.getDetectionRule)
  @ApiOperation({
    summary: 'Read one detection rule.',
    description: 'Answers one detection rule with its version in `ETag`, to send back as `If-Match` when replacing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The rule.', type: DetectionRuleView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: DetectionRuleIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<DetectionRuleView> {
    return withEtag(reply, await this.rpc.call(ProblemRpc.getDetectionRule, { id: params.id }));
  }

  @Put(':id')
  @RolesOf(ProblemRpc.updateDetectionRule)
  @ApiOperation({
    summary: 'Replace a detection rule (managers); fields left out take their defaults.',
    description: 'Replaces every field of the rule with the body; fields left out take their defaults. Send the current version as `If-Match`; a stale one answers 412.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: DetectionRuleDto, examples: RULE_EXAMPLES })
  @ApiOkResponse({ description: 'The rule as replaced.', type: DetectionRuleView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async update(
    @Param() params: DetectionRuleIdRequest,
    @Body() body: DetectionRuleDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DetectionRuleView> {
    return withEtag(reply, await this.rpc.call(ProblemRpc.updateDetectionRule, { ...body, id: params.id, ...precondition }));
  }

  @Delete(':id')
  @RolesOf(ProblemRpc.deleteDetectionRule)
  @ApiOperation({
    summary: 'Remove a detection rule (managers); answers the rule as it was. The problems it opened stay.',
    description: 'Deletes the rule at once and answers it as it was; it stops watching incidents, and the problems it already opened stay.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The rule as it was.', type: DetectionRuleView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  delete(@Param() params: DetectionRuleIdRequest): Promise<DetectionRuleView> {
    return this.rpc.call(ProblemRpc.deleteDetectionRule, { id: params.id });
  }
}
