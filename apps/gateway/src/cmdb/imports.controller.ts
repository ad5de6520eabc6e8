import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ImportResult,
  ImportRpc,
  KubernetesImportRequest,
  ListReconciliationRulesRequest,
  ReconciliationRuleDto,
  ReconciliationRuleIdRequest,
  ReconciliationRuleList,
  ReconciliationRuleView,
  RunImportRequest,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { GatewayConfig } from '../config';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

/**
 * Least time the gateway waits for an import: every row is a transaction of its own, so a batch of 5,000 rows
 * takes far longer than the usual RPC. RPC_TIMEOUT_MS applies when it is longer.
 */
export const IMPORT_RPC_TIMEOUT_MS = 120_000;

const SIZE =
  'The body is limited by the gateway (BODY_LIMIT_BYTES, 1 MiB by default; a larger body is refused with 413 before anything is written) ' +
  'and by the NATS maximum payload (1 MB by default): split larger imports into several batches.';

/** Imports with identification and reconciliation, Kubernetes discovery, and the reconciliation rules. Admins only (integrations use service accounts with `admin`). */
@ApiTags('cmdb')
@ApiBearerAuth()
@Controller('cmdb')
export class ImportsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly config: GatewayConfig,
  ) {}

  private get importTimeoutMs(): number {
    return Math.max(IMPORT_RPC_TIMEOUT_MS, this.config.RPC_TIMEOUT_MS);
  }

  @Post('imports')
  @HttpCode(200)
  @RolesOf(ImportRpc.run)
  @ApiOperation({
    summary: 'Import a batch of CIs and relationships from a named source.',
    description:
      'Each row is identified by the identifier sets of its class (the first set that finds a CI decides; several CIs → `conflict`), ' +
      'then created, or updated where reconciliation rules let the source overwrite. A failing row is reported (`error`, with field names) ' +
      'and the batch goes on. Importing the same batch again changes nothing. ' +
      SIZE,
  })
  @ApiOkResponse({ type: ImportResult })
  @ApiProblemResponses(400, 401, 403, 413, 500, 503, 504)
  run(@Body() body: RunImportRequest): Promise<ImportResult> {
    return this.rpc.call(ImportRpc.run, body, { timeoutMs: this.importTimeoutMs });
  }

  @Post('imports/kubernetes')
  @HttpCode(200)
  @RolesOf(ImportRpc.kubernetes)
  @ApiOperation({
    summary: 'Import a Kubernetes List of one cluster (kubectl get namespaces,nodes,deployments,statefulsets,services,pods -A -o json).',
    description:
      'Source `kubernetes`. With `fullSnapshot` (the default) the CIs of the cluster whose uid the list no longer has are retired, and ' +
      'the relationships the list no longer has are removed. ' +
      SIZE,
  })
  @ApiOkResponse({ type: ImportResult })
  @ApiProblemResponses(400, 401, 403, 413, 500, 503, 504)
  kubernetes(@Body() body: KubernetesImportRequest): Promise<ImportResult> {
    return this.rpc.call(ImportRpc.kubernetes, body, { timeoutMs: this.importTimeoutMs });
  }

  @Get('reconciliation-rules')
  @RolesOf(ImportRpc.listRules)
  @ApiOperation({
    summary: 'Reconciliation rules in the order they are tried (ascending position).',
    description: 'Answers every reconciliation rule in the order an import tries them; a rule names a class (or all) and fields (or all), and the sources allowed to write them from the highest authority down.',
  })
  @ApiOkResponse({ type: ReconciliationRuleList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  listRules(@Query() query: ListReconciliationRulesRequest): Promise<ReconciliationRuleList> {
    return this.rpc.call(ImportRpc.listRules, query);
  }

  @Get('reconciliation-rules/:id')
  @RolesOf(ImportRpc.getRule)
  @ApiOperation({
    summary: 'Read one reconciliation rule.',
    description: 'Answers one reconciliation rule with its version in `ETag`, to send back as `If-Match` when replacing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ReconciliationRuleView, headers: { ETag: ETAG_HEADER } })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async getRule(@Param() params: ReconciliationRuleIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReconciliationRuleView> {
    return withEtag(reply, await this.rpc.call(ImportRpc.getRule, { id: params.id }));
  }

  @Post('reconciliation-rules')
  @HttpCode(201)
  @RolesOf(ImportRpc.createRule)
  @ApiOperation({
    summary: 'Add a reconciliation rule: for a class (or all) and fields (or all), the sources from the highest authority down.',
    description: 'Adds a rule at its `position` and answers it with its id, its version in `ETag` and its path in `Location`. Imports run from then on use it.',
  })
  @ApiCreatedResponse({ type: ReconciliationRuleView, headers: { ETag: ETAG_HEADER } })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  async createRule(@Body() body: ReconciliationRuleDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReconciliationRuleView> {
    return created(reply, await this.rpc.call(ImportRpc.createRule, body), 'cmdb/reconciliation-rules');
  }

  @Put('reconciliation-rules/:id')
  @RolesOf(ImportRpc.updateRule)
  @ApiOperation({
    summary: 'Replace a reconciliation rule.',
    description: 'Replaces every field of the rule with the body. Send the current version as `If-Match`; a stale one answers 412. Imports run after this use the new rule.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: ReconciliationRuleView, headers: { ETag: ETAG_HEADER } })
  @ApiProblemResponses(400, 401, 403, 404, 412, 500, 503, 504)
  async updateRule(
    @Param() params: ReconciliationRuleIdRequest,
    @Body() body: ReconciliationRuleDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReconciliationRuleView> {
    return withEtag(reply, await this.rpc.call(ImportRpc.updateRule, { ...body, id: params.id, ...precondition }));
  }

  @Delete('reconciliation-rules/:id')
  @RolesOf(ImportRpc.deleteRule)
  @ApiOperation({
    summary: 'Remove a reconciliation rule; answers the rule as it was.',
    description: 'Deletes the rule at once and answers it as it was; imports run from then on no longer use it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ReconciliationRuleView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  deleteRule(@Param() params: ReconciliationRuleIdRequest): Promise<ReconciliationRuleView> {
    return this.rpc.call(ImportRpc.deleteRule, { id: params.id });
  }
}
