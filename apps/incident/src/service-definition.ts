import type { ServiceDefinition } from '@itsm/runtime';
import { IncidentConfig } from './config';
import { Incident } from './incidents/incident.entity';
import { IncidentsModule } from './incidents/incidents.module';
import { CreateIncidents1795449596583 } from './migrations/1795449596583-createIncidents';
import { IncidentLifecycle1795457481857 } from './migrations/1795457481857-incidentLifecycle';
import { CallerGroups1795900000001 } from './migrations/1795900000001-callerGroups';
import { IncidentComment } from './comments/comment.entity';
import { RoutingRule } from './routing/routing-rule.entity';
import { coreTablesMigration, IdempotencyKey, idempotencyKeysMigration } from '@itsm/persistence';
import { requestsFeature } from './requests/requests.feature';

export const incidentApp: ServiceDefinition<IncidentConfig> = {
  name: 'incident',
  config: IncidentConfig,
  entities: [Incident, IncidentComment, RoutingRule, IdempotencyKey, ...requestsFeature.entities],
  migrations: [coreTablesMigration('incident'), CreateIncidents1795449596583, IncidentLifecycle1795457481857, idempotencyKeysMigration('incident'), ...requestsFeature.migrations, CallerGroups1795900000001],
  modules: [IncidentsModule, ...requestsFeature.modules],
};
