import { Module } from '@nestjs/common';
import { IncidentEventsHandler } from './incident-events.handler';
import { IncidentObserver } from './incident-observer';

/** Incidents as the change reports see them, kept from the incident events. */
@Module({
  providers: [IncidentObserver, IncidentEventsHandler],
})
export class ObservationsModule {}
