import { Module } from '@nestjs/common';
import { ReportsHandler } from './reports.handler';
import { ReportsService } from './reports.service';

/** Change reports: success rate, emergency ratio, changes that caused incidents. */
@Module({
  controllers: [ReportsHandler],
  providers: [ReportsService],
})
export class ReportsModule {}
