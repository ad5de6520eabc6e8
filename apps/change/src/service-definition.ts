import type { ServiceDefinition } from '@itsm/runtime';
import { coreTablesMigration, IdempotencyKey, idempotencyKeysMigration, auditIndexesMigration } from '@itsm/persistence';
import { ChangeConfig } from './config';
import { ChangesModule } from './changes/changes.module';
import { TemplatesModule } from './templates/templates.module';
import { WindowsModule } from './windows/windows.module';
import { ScheduleModule } from './schedule/schedule.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { ReleasesModule } from './releases/releases.module';
import { ObservationsModule } from './observations/observations.module';
import { ReportsModule } from './reports/reports.module';
import { CreateChanges1796541228700 } from './migrations/1796541228700-createChanges';
import { WindowDescriptions1796650000000 } from './migrations/1796650000000-windowDescriptions';
import { ReleaseCancelReason1796700000000 } from './migrations/1796700000000-releaseCancelReason';
import { Change } from './changes/change.entity';
import { IncidentObservation } from './observations/incident-observation.entity';
import { Release } from './releases/release.entity';
import { ChangeTemplate } from './templates/change-template.entity';
import { BlackoutWindow } from './windows/blackout-window.entity';
import { MaintenanceWindow } from './windows/maintenance-window.entity';

/** The change service: change requests with risk, approvals and schedule checks, templates, windows, releases and reports. */
export const changeApp: ServiceDefinition<ChangeConfig> = {
  name: 'change',
  config: ChangeConfig,
  entities: [Change, ChangeTemplate, BlackoutWindow, MaintenanceWindow, Release, IncidentObservation, IdempotencyKey],
  migrations: [coreTablesMigration('change'), idempotencyKeysMigration('change'), CreateChanges1796541228700, WindowDescriptions1796650000000, ReleaseCancelReason1796700000000, auditIndexesMigration('change')],
  modules: [ChangesModule, TemplatesModule, WindowsModule, ScheduleModule, LifecycleModule, ApprovalsModule, ReleasesModule, ObservationsModule, ReportsModule],
};
