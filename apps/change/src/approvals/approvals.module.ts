import { Module } from '@nestjs/common';
import { ChangesModule } from '../changes/changes.module';
import { ScheduleModule } from '../schedule/schedule.module';
import { ApprovalsHandler } from './approvals.handler';
import { ApprovalsService } from './approvals.service';

/** Approvals of changes: policies, votes and delegation; the deciding vote moves the change on. */
@Module({
  imports: [ChangesModule, ScheduleModule],
  controllers: [ApprovalsHandler],
  providers: [ApprovalsService],
  exports: [ApprovalsService],
})
export class ApprovalsModule {}
