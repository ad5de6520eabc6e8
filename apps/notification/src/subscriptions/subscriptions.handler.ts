import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CreatedSubscriptionView,
  type CreateSubscriptionDto,
  type ListSubscriptionsRequest,
  NotificationRpc,
  type RotatedSecretView,
  type RotateSecretRequest,
  type SubscriptionIdRequest,
  type SubscriptionPage,
  type SubscriptionView,
  type UpdateSubscriptionRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { SubscriptionsService } from './subscriptions.service';

/** NATS RPC of notification subscriptions. */
@Controller()
export class SubscriptionsHandler {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @RpcHandler(NotificationRpc.createSubscription)
  create(@Payload() request: CreateSubscriptionDto): Promise<CreatedSubscriptionView> {
    return this.subscriptions.create(request, currentActor());
  }

  @RpcHandler(NotificationRpc.getSubscription)
  get(@Payload() request: SubscriptionIdRequest): Promise<SubscriptionView> {
    return this.subscriptions.get(request.id, currentActor());
  }

  @RpcHandler(NotificationRpc.listSubscriptions)
  list(@Payload() request: ListSubscriptionsRequest): Promise<SubscriptionPage> {
    return this.subscriptions.list(request, currentActor());
  }

  @RpcHandler(NotificationRpc.updateSubscription)
  update(@Payload() request: UpdateSubscriptionRequest): Promise<SubscriptionView> {
    return this.subscriptions.update(request, currentActor());
  }

  @RpcHandler(NotificationRpc.deleteSubscription)
  delete(@Payload() request: SubscriptionIdRequest): Promise<SubscriptionView> {
    return this.subscriptions.delete(request.id, currentActor());
  }

  @RpcHandler(NotificationRpc.rotateSecret)
  rotateSecret(@Payload() request: RotateSecretRequest): Promise<RotatedSecretView> {
    return this.subscriptions.rotateSecret(request, currentActor());
  }
}
