import { Module } from '@nestjs/common';
import { EventStreamController } from './event-stream.controller';
import { EventStreamService } from './event-stream.service';

@Module({ controllers: [EventStreamController], providers: [EventStreamService] })
export class EventsModule {}
