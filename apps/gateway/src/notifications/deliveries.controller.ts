import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RpcClient } from '@itsm/messaging';

/** The delivery log of notifications: `/v1/notifications/deliveries`. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications/deliveries')
export class DeliveriesController {
  constructor(private readonly rpc: RpcClient) {}
}
