import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@itsm/runtime';
import { parseAllowList } from '../domain/address-guard';
import type { NotificationConfig } from '../config';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { DeliveriesHandler } from './deliveries.handler';
import { DeliveriesService } from './deliveries.service';
import { DeliveryRecorder } from './delivery-recorder';
import { DeliveryRetention } from './delivery-retention';
import { Dispatcher } from './dispatcher';
import { EmailSender } from './email-sender';
import { FanOutHandler } from './fan-out.handler';
import { WebhookSender } from './webhook-sender';

/** Events into deliveries, the dispatcher with its senders and retries, the delivery log and its retention. */
@Module({
  imports: [SubscriptionsModule],
  controllers: [DeliveriesHandler],
  providers: [
    { provide: WebhookSender, useFactory: (config: NotificationConfig) => new WebhookSender(parseAllowList(config.NOTIFICATION_ALLOWED_TARGETS)), inject: [SERVICE_CONFIG] },
    { provide: EmailSender, useFactory: (config: NotificationConfig) => new EmailSender(config), inject: [SERVICE_CONFIG] },
    FanOutHandler,
    DeliveryRecorder,
    Dispatcher,
    DeliveriesService,
    DeliveryRetention,
  ],
})
export class DeliveriesModule {}
