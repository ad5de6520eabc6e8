import type { ServiceDefinition } from '@itsm/runtime';
import { coreTablesMigration, IdempotencyKey, idempotencyKeysMigration, auditIndexesMigration } from '@itsm/persistence';
import { ProblemConfig } from './config';
import { CreateProblems1796539161260 } from './migrations/1796539161260-createProblems';
import { IncidentObservationResolutions1796600000000 } from './migrations/1796600000000-incidentObservationResolutions';
import { ProblemComment } from './comments/problem-comment.entity';
import { DetectionRule } from './detection/detection-rule.entity';
import { IncidentObservation } from './detection/incident-observation.entity';
import { KnownError } from './known-errors/known-error.entity';
import { ProblemIncident } from './links/problem-incident.entity';
import { Problem } from './problems/problem.entity';
import { ProblemsModule } from './problems/problems.module';
import { CommentsModule } from './comments/comments.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LinksModule } from './links/links.module';
import { KnownErrorsModule } from './known-errors/known-errors.module';
import { DetectionModule } from './detection/detection.module';
import { ReportsModule } from './reports/reports.module';

/** The problem service: problems, their incidents, known errors and the detection of recurring incidents. */
export const problemApp: ServiceDefinition<ProblemConfig> = {
  name: 'problem',
  config: ProblemConfig,
  entities: [Problem, ProblemIncident, ProblemComment, KnownError, DetectionRule, IncidentObservation, IdempotencyKey],
  migrations: [coreTablesMigration('problem'), idempotencyKeysMigration('problem'), CreateProblems1796539161260, IncidentObservationResolutions1796600000000, auditIndexesMigration('problem')],
  modules: [ProblemsModule, CommentsModule, LifecycleModule, LinksModule, KnownErrorsModule, DetectionModule, ReportsModule],
};
