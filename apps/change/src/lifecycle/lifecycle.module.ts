import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { ChangesModule } from '../changes/changes.module';
import { ScheduleModule } from '../schedule/schedule.module';
import { RiskModule } from './risk.module';
import { TransitionsHandler } from './transitions.handler';
import { TransitionsService } from './transitions.service';

/** The states of a change, risk assessment and the moves between states. */
@Module({
  imports: [ChangesModule, RiskModule, ApprovalsModule, ScheduleModule],
  controllers: [TransitionsHandler],
  providers: [TransitionsService],
  exports: [RiskModule],
})
export class LifecycleModule {}
