import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DeliveryIdRequest, DeliveryPage, DeliveryView, ListDeliveriesRequest, NotificationRpc } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { RolesOf } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../errors/api-problem-responses.decorator';

const WHO = 'The owner of a subscription sees its deliveries; managers and admins see all. Other deliveries are 404.';

/** The delivery log of notifications: `/v1/notifications/deliveries`. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications/deliveries')
export class DeliveriesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @RolesOf(NotificationRpc.listDeliveries)
  @ApiOperation({
    summary: 'The delivery log, newest first: every message with its attempts (time, status code or error, latency).',
    description: `Filter by \`subscription\`, \`event\` (CloudEvents id) and \`status\` (comma-separated). ${WHO}`,
  })
  @ApiOkResponse({ type: DeliveryPage })
  @ApiProblemResponses(400, 401, 403, 500, 503, 504)
  list(@Query() query: ListDeliveriesRequest): Promise<DeliveryPage> {
    return this.rpc.call(NotificationRpc.listDeliveries, query);
  }

  @Get(':id')
  @RolesOf(NotificationRpc.getDelivery)
  @ApiOperation({ summary: 'One delivery with its attempts.', description: WHO })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: DeliveryView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  get(@Param() params: DeliveryIdRequest): Promise<DeliveryView> {
    return this.rpc.call(NotificationRpc.getDelivery, { id: params.id });
  }

  @Post(':id/replay')
  @HttpCode(200)
  @RolesOf(NotificationRpc.replayDelivery)
  @ApiOperation({
    summary: 'Send a message again, with the same message id (`webhook-id`), whatever its status.',
    description: `The replay is one more attempt, marked \`replay\` in the log; if it fails it is not retried. ${WHO}`,
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: DeliveryView })
  @ApiProblemResponses(400, 401, 403, 404, 500, 503, 504)
  replay(@Param() params: DeliveryIdRequest): Promise<DeliveryView> {
    return this.rpc.call(NotificationRpc.replayDelivery, { id: params.id });
  }
}
