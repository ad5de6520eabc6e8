import type { ServiceDefinition } from '@itsm/runtime';
import { coreTablesMigration, auditIndexesMigration } from '@itsm/persistence';
import { Calendar } from './calendars/calendar.entity';
import { CalendarsModule } from './calendars/calendars.module';
import { ClockAlert } from './clocks/clock-alert.entity';
import { ClockRow } from './clocks/clock.entity';
import { ClocksModule } from './clocks/clocks.module';
import { TicketFact } from './clocks/ticket-fact.entity';
import { SlaTicket } from './clocks/ticket.entity';
import { SlaConfig } from './config';
import { Policy } from './policies/policy.entity';
import { PoliciesModule } from './policies/policies.module';
import { CreateSla1795843923935 } from './migrations/1795843923935-createSla';
import { ClockCorrections1796000000000 } from './migrations/1796000000000-clockCorrections';
import { ReportsModule } from './reports/reports.module';

/** Service levels: business-hours calendars, SLA and OLA policies, the clocks ticket events drive, alerts and reports. */
export const slaApp: ServiceDefinition<SlaConfig> = {
  name: 'sla',
  config: SlaConfig,
  entities: [Calendar, Policy, SlaTicket, TicketFact, ClockRow, ClockAlert],
  migrations: [coreTablesMigration('sla'), CreateSla1795843923935, ClockCorrections1796000000000, auditIndexesMigration('sla')],
  modules: [CalendarsModule, PoliciesModule, ClocksModule, ReportsModule],
};
