import type { ServiceDefinition } from '@itsm/messaging';
import { coreTablesMigration } from '@itsm/persistence';
import { IncidentConfig } from './config';
import { Incident } from './incidents/incident.entity';
import { IncidentsModule } from './incidents/incidents.module';
import { CreateIncidents1795449596583 } from './migrations/1795449596583-createIncidents';
import { requestsFeature } from './requests/requests.feature';

export const incidentApp: ServiceDefinition<IncidentConfig> = {
  name: 'incident',
  config: IncidentConfig,
  entities: [Incident, ...requestsFeature.entities],
  migrations: [coreTablesMigration('incident'), CreateIncidents1795449596583, ...requestsFeature.migrations],
  modules: [IncidentsModule, ...requestsFeature.modules],
};
