import type { ServiceDefinition } from '@itsm/messaging';
import { coreTablesMigration } from '@itsm/persistence';
import { NotificationConfig } from './config';
import { EventLogModule } from './event-log/event-log.module';
import { ReceivedEvent } from './event-log/received-event.entity';
import { CreateEventLog1795449614150 } from './migrations/1795449614150-createEventLog';

export const notificationApp: ServiceDefinition<NotificationConfig> = {
  name: 'notification',
  config: NotificationConfig,
  entities: [ReceivedEvent],
  migrations: [coreTablesMigration('notification'), CreateEventLog1795449614150],
  modules: [EventLogModule],
};
