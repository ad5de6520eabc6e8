import { Module } from '@nestjs/common';
import { CommentsService } from '../comments/comments.service';
import { EscalationHandler } from '../escalation/escalation.handler';
import { AutoCloseJob } from '../lifecycle/auto-close.job';
import { TransitionsService } from '../lifecycle/transitions.service';
import { RoutingRulesService } from '../routing/routing-rules.service';
import { IncidentWriter } from './incident-writer';
import { IncidentsHandler } from './incidents.handler';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';

/** Incidents: lifecycle, comments, routing, escalation and auto-close. */
@Module({
  controllers: [IncidentsHandler],
  providers: [IncidentWriter, IncidentsService, IncidentsRepository, TransitionsService, CommentsService, RoutingRulesService, EscalationHandler, AutoCloseJob],
})
export class IncidentsModule {}
