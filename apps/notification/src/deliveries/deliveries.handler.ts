import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type DeliveryIdRequest, type DeliveryPage, type DeliveryView, type ListDeliveriesRequest, NotificationRpc } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { DeliveriesService } from './deliveries.service';

/** NATS RPC of the delivery log. */
@Controller()
export class DeliveriesHandler {
  constructor(private readonly deliveries: DeliveriesService) {}

  @RpcHandler(NotificationRpc.listDeliveries)
  list(@Payload() request: ListDeliveriesRequest): Promise<DeliveryPage> {
    return this.deliveries.list(request, currentActor());
  }

  @RpcHandler(NotificationRpc.getDelivery)
  get(@Payload() request: DeliveryIdRequest): Promise<DeliveryView> {
    return this.deliveries.get(request.id, currentActor());
  }

  @RpcHandler(NotificationRpc.replayDelivery)
  replay(@Payload() request: DeliveryIdRequest): Promise<DeliveryView> {
    return this.deliveries.replay(request.id, currentActor());
  }
}
