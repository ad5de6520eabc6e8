import { Module } from '@nestjs/common';
import { DetectionRulesController } from './detection-rules.controller';
import { KnownErrorsController } from './known-errors.controller';
import { ProblemReportsController } from './problem-reports.controller';
import { ProblemsController } from './problems.controller';

// DetectionRulesController first: its routes are registered before `/problems/:id` could claim `detection-rules`.
@Module({ controllers: [DetectionRulesController, ProblemsController, KnownErrorsController, ProblemReportsController] })
export class ProblemsModule {}
