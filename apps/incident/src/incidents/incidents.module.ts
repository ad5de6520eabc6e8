import { Module } from '@nestjs/common';
import { IncidentsHandler } from './incidents.handler';
import { IncidentsService } from './incidents.service';

@Module({
  controllers: [IncidentsHandler],
  providers: [IncidentsService],
})
export class IncidentsModule {}
