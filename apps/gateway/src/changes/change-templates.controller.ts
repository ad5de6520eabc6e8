import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChangeRpc, ChangeTemplateDto, ChangeTemplateIdRequest, ChangeTemplateList, ChangeTemplateView, ListChangeTemplatesRequest } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };
const PATH = 'changes/templates';

const TEMPLATE_EXAMPLES = {
  restart: {
    summary: 'Restart an application server',
    value: {
      name: 'Restart an application server',
      description: 'Rolling restart of one application server outside business hours.',
      implementationPlan: '1. Drain the node. 2. Restart the service. 3. Re-enable the node.',
      backoutPlan: 'Re-enable the node; the previous process keeps serving until then.',
      testPlan: 'The health check answers 200 within 2 minutes.',
      allowedCiClasses: ['application_server', 'virtual_machine'],
      maxDurationMinutes: 60,
    },
  },
};

/**
 * Standard change templates, pre-approved ways of doing a change: agents read them, managers keep them. Registered
 * before the changes' routes, as `templates` sits where a change id would.
 */
@ApiTags('changes')
@ApiBearerAuth()
@Controller(PATH)
export class ChangeTemplatesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(ChangeRpc.listTemplates)
  @ApiOperation({
    summary: 'The standard change templates, by name.',
    description: 'Answers the standard change templates ordered by name; the query narrows the list. A standard change raised from one takes its plans, needs no assessment and no approval, and must keep to its CI classes and longest window.',
  })
  @ApiOkResponse({ type: ChangeTemplateList })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListChangeTemplatesRequest): Promise<ChangeTemplateList> {
    return this.rpc.call(ChangeRpc.listTemplates, query);
  }

  @Post()
  @HttpCode(201)
  @RolesOf(ChangeRpc.createTemplate)
  @ApiOperation({
    summary: 'Add a standard change template (managers).',
    description: 'A standard change names the template: its plans come from it, its CIs must be of the classes it allows and its window at most `maxDurationMinutes` long. Names are unique (409 `CHANGE_TEMPLATE_NAME_TAKEN`).',
  })
  @ApiBody({ type: ChangeTemplateDto, examples: TEMPLATE_EXAMPLES })
  @ApiCreatedResponse({
    description: 'The template as added.',
    type: ChangeTemplateView,
    headers: { Location: { description: 'Path of the new template.', schema: { type: 'string', example: `/v1/${PATH}/5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b` } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 409, 413, 500, 503, 504)
  async create(@Body() body: ChangeTemplateDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ChangeTemplateView> {
    return created(reply, await this.rpc.call(ChangeRpc.createTemplate, body), PATH);
  }

  @Get(':id')
  @RolesOf(ChangeRpc.getTemplate)
  @ApiOperation({
    summary: 'Read one standard change template.',
    description: 'Answers one standard change template with its plans and its version in `ETag`, to send back as `If-Match` when replacing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The template.', type: ChangeTemplateView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: ChangeTemplateIdRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ChangeTemplateView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.getTemplate, { id: params.id }));
  }

  @Put(':id')
  @RolesOf(ChangeRpc.updateTemplate)
  @ApiOperation({
    summary: 'Replace a standard change template (managers); fields left out take their defaults. Changes already raised from it keep their plans.',
    description: 'Replaces every field of the template with the body. Send the current version as `If-Match`; a stale one answers 412, and another template’s name answers 409.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: ChangeTemplateDto, examples: TEMPLATE_EXAMPLES })
  @ApiOkResponse({ description: 'The template as replaced.', type: ChangeTemplateView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 500, 503, 504)
  async update(
    @Param() params: ChangeTemplateIdRequest,
    @Body() body: ChangeTemplateDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChangeTemplateView> {
    return withEtag(reply, await this.rpc.call(ChangeRpc.updateTemplate, { ...body, id: params.id, ...precondition }));
  }

  @Delete(':id')
  @RolesOf(ChangeRpc.deleteTemplate)
  @ApiOperation({
    summary: 'Remove a standard change template (managers); answers the template as it was. The changes raised from it keep naming it.',
    description: 'Deletes the template at once and answers it as it was; no new change can be raised from it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The template as it was.', type: ChangeTemplateView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  delete(@Param() params: ChangeTemplateIdRequest): Promise<ChangeTemplateView> {
    return this.rpc.call(ChangeRpc.deleteTemplate, { id: params.id });
  }
}
