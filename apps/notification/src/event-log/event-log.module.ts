import { Module } from '@nestjs/common';
import { EventLogHandler } from './event-log.handler';

@Module({ providers: [EventLogHandler] })
export class EventLogModule {}
