import { Module } from '@nestjs/common';
import { LinksModule } from '../links/links.module';
import { ProblemsModule } from '../problems/problems.module';
import { DetectionRuleWriter } from './detection-rule.writer';
import { DetectionRulesHandler } from './detection-rules.handler';
import { DetectionRulesService } from './detection-rules.service';
import { Detector } from './detector';
import { IncidentEventsHandler } from './incident-events.handler';

/** Detection of recurring incidents: rules, observations and candidate problems. */
@Module({
  imports: [ProblemsModule, LinksModule],
  controllers: [DetectionRulesHandler],
  providers: [DetectionRuleWriter, DetectionRulesService, Detector, IncidentEventsHandler],
})
export class DetectionModule {}
