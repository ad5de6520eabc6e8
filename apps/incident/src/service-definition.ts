import type { ServiceDefinition } from '@itsm/runtime';
import { IncidentConfig } from './config';
import { Incident } from './incidents/incident.entity';
import { IncidentsModule } from './incidents/incidents.module';
import { CommentsModule } from './comments/comments.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { RoutingModule } from './routing/routing.module';
import { EscalationModule } from './escalation/escalation.module';
import { ProblemsModule } from './problems/problems.module';
import { KnowledgeModule } from './knowledge/knowledge.module';
import { ReportsModule } from './reports/reports.module';
import { CreateIncidents1795449596583 } from './migrations/1795449596583-createIncidents';
import { IncidentLifecycle1795457481857 } from './migrations/1795457481857-incidentLifecycle';
import { CallerGroups1795900000001 } from './migrations/1795900000001-callerGroups';
import { KnowledgeSuggestions1796543654271 } from './migrations/1796543654271-knowledgeSuggestions';
import { IncidentsCreatedIndex1797000000000 } from './migrations/1797000000000-incidentsCreatedIndex';
import { IncidentComment } from './comments/comment.entity';
import { RoutingRule } from './routing/routing-rule.entity';
import { coreTablesMigration, IdempotencyKey, idempotencyKeysMigration, auditIndexesMigration } from '@itsm/persistence';
import { CatalogItem } from './catalog/catalog-item.entity';
import { CatalogModule } from './catalog/catalog.module';
import { CreateRequests1795900000000 } from './migrations/1795900000000-createRequests';
import { FulfillmentTask } from './requests/fulfillment-task.entity';
import { RequestApproval } from './requests/request-approval.entity';
import { RequestComment } from './requests/request-comment.entity';
import { RequestsModule } from './requests/requests.module';
import { ServiceRequest } from './requests/service-request.entity';

export const incidentApp: ServiceDefinition<IncidentConfig> = {
  name: 'incident',
  config: IncidentConfig,
  entities: [Incident, IncidentComment, RoutingRule, IdempotencyKey, CatalogItem, ServiceRequest, RequestApproval, FulfillmentTask, RequestComment],
  migrations: [coreTablesMigration('incident'), CreateIncidents1795449596583, IncidentLifecycle1795457481857, idempotencyKeysMigration('incident'), CreateRequests1795900000000, CallerGroups1795900000001, KnowledgeSuggestions1796543654271, auditIndexesMigration('incident'), IncidentsCreatedIndex1797000000000],
  modules: [IncidentsModule, CommentsModule, LifecycleModule, RoutingModule, EscalationModule, ProblemsModule, KnowledgeModule, CatalogModule, RequestsModule, ReportsModule],
};
