import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module';
import { EscalationHandler } from './escalation.handler';
import { EscalationService } from './escalation.service';

/** Escalation of incidents on SLA warnings and breaches. */
@Module({
  imports: [IncidentsModule],
  providers: [EscalationHandler, EscalationService],
})
export class EscalationModule {}
