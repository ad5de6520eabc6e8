import { Module } from '@nestjs/common';
import { EventLogHandler } from './event-log.handler';

/** The event log: every event of the suite, kept as received in `notification.event_log`. */
@Module({ providers: [EventLogHandler] })
export class EventLogModule {}
