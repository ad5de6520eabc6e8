import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApprovalType,
  CatalogItemPage,
  CatalogItemView,
  CatalogRpc,
  CreateCatalogItemDto,
  GetCatalogItemQuery,
  LAPTOP_FORM_SCHEMA_EXAMPLE,
  ListCatalogItemsQuery,
  UpdateCatalogItemDto,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';
import { ETAG_HEADER, IF_MATCH_HEADER, IfMatch, type Precondition, withEtag } from '../http/preconditions';
import { created } from '../http/responses';

const WITH_ETAG = { headers: { ETag: ETAG_HEADER } };

/** The request catalog: what users can ask for. Admins manage it; everybody reads the active items. */
@ApiTags('catalog')
@ApiBearerAuth()
@Controller('catalog/items')
export class CatalogItemsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(CatalogRpc.list)
  @ApiOperation({
    summary: 'List catalog items by name, a page at a time.',
    description: 'Everybody gets the active items; `status=retired` is for admins (403 otherwise). `category` narrows the list.',
  })
  @ApiOkResponse({ type: CatalogItemPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListCatalogItemsQuery): Promise<CatalogItemPage> {
    return this.rpc.call(CatalogRpc.list, query);
  }

  @Get(':id')
  @RolesOf(CatalogRpc.get)
  @ApiOperation({
    summary: 'Read one catalog item with its form; retired items only for admins (404 for others).',
    description: 'Answers the item with its form schema, approval settings and fulfillment group, and its version in `ETag` to send back as `If-Match` when changing it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CatalogItemView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  async get(@Param() params: GetCatalogItemQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<CatalogItemView> {
    return withEtag(reply, await this.rpc.call(CatalogRpc.get, { id: params.id }));
  }

  @Post()
  @HttpCode(201)
  @RolesOf(CatalogRpc.create)
  @ApiOperation({
    summary: 'Add an item to the catalog (admins).',
    description:
      'The form is a JSON Schema (draft 2020-12) whose top level is an object; it is checked here (400 naming `formSchema…`). ' +
      'Approval: `none`, `manager` (the requester’s manager from the token claim `manager`), `group` (any one member of `group`), ' +
      'or `n_of_m` (`required` of the `approvers`).',
  })
  @ApiBody({
    type: CreateCatalogItemDto,
    examples: {
      twoOfThree: {
        summary: 'A laptop that two of three approvers must approve',
        value: {
          name: 'New laptop',
          category: 'hardware',
          formSchema: LAPTOP_FORM_SCHEMA_EXAMPLE,
          approval: { type: ApprovalType.NOfM, approvers: ['carol', 'dave', 'erin'], required: 2 },
          fulfillmentGroup: 'it-hardware',
          expectedDeliveryHours: 72,
        },
      },
      manager: {
        summary: 'Software the requester’s manager approves',
        value: {
          name: 'Design software licence',
          category: 'software',
          formSchema: { type: 'object', properties: { product: { type: 'string', enum: ['figma', 'sketch'] } }, required: ['product'], additionalProperties: false },
          approval: { type: ApprovalType.Manager },
          fulfillmentGroup: 'software-licensing',
          expectedDeliveryHours: 8,
        },
      },
    },
  })
  @ApiCreatedResponse({
    description: 'The item as added.',
    type: CatalogItemView,
    headers: { Location: { description: 'Path of the new item.', schema: { type: 'string', example: '/v1/catalog/items/6a1f3c52-0d7e-4b8a-9c61-2f4e8d9b7a10' } }, ETag: ETAG_HEADER },
  })
  @ApiProblemResponses(400, 401, 403, 413, 500, 503, 504)
  async create(@Body() body: CreateCatalogItemDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CatalogItemView> {
    return created(reply, await this.rpc.call(CatalogRpc.create, body), 'catalog/items');
  }

  @Patch(':id')
  @RolesOf(CatalogRpc.update)
  @ApiOperation({
    summary: 'Change a catalog item (admins).',
    description: 'Only the fields given change. Requests already submitted keep the form and approval rules of the version they were submitted under.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: UpdateCatalogItemDto, examples: { delivery: { summary: 'Faster delivery', value: { expectedDeliveryHours: 48 } } } })
  @ApiOkResponse({ description: 'The item after the change.', type: CatalogItemView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 412, 500, 503, 504)
  async update(
    @Param() params: GetCatalogItemQuery,
    @Body() body: UpdateCatalogItemDto,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CatalogItemView> {
    return withEtag(reply, await this.rpc.call(CatalogRpc.update, { ...body, id: params.id, ...precondition }));
  }

  @Post(':id/retire')
  @HttpCode(200)
  @RolesOf(CatalogRpc.retire)
  @ApiOperation({
    summary: 'Retire a catalog item (admins): it takes no new requests; requests in flight go on. Retiring twice changes nothing.',
    description: 'Marks the item retired and answers it; it leaves the catalog for everyone but admins. Send the current version as `If-Match`; a stale one answers 412.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ description: 'The retired item.', type: CatalogItemView, ...WITH_ETAG })
  @ApiProblemResponses(400, 401, 403, 404, 412, 500, 503, 504)
  async retire(
    @Param() params: GetCatalogItemQuery,
    @IfMatch() precondition: Precondition,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CatalogItemView> {
    return withEtag(reply, await this.rpc.call(CatalogRpc.retire, { id: params.id, ...precondition }));
  }
}
