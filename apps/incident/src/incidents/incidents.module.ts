import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { IncidentSettings } from './incident-settings';
import { IncidentWriter } from './incident.writer';
import { IncidentsHandler } from './incidents.handler';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';

/** Incidents: opening, reading, changing, major incidents, parents and children, queue and history. */
@Module({
  imports: [RoutingModule],
  controllers: [IncidentsHandler],
  providers: [IncidentWriter, IncidentSettings, IncidentsService, IncidentsRepository],
  exports: [IncidentWriter],
})
export class IncidentsModule {}
